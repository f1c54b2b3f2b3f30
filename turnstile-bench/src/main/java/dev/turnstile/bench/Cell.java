package dev.turnstile.bench;

import dev.turnstile.loadgen.Workload;

import java.util.Objects;

/** One measurement: a contender under one workload with a number of client connections. */
public record Cell(Contender contender, Workload workload, int connections) {

    public Cell {
        Objects.requireNonNull(contender, "contender");
        Objects.requireNonNull(workload, "workload");
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be >= 1 (got " + connections + ")");
        }
    }

    /** A name safe for files: {@code thread-pool-3.ping-pong.100}. */
    public String label() {
        return contender.name() + "." + workload.cliName() + "." + connections;
    }
}
