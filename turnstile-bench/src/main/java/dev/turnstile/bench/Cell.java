package dev.turnstile.bench;

import dev.turnstile.loadgen.Workload;

import java.util.Objects;

/**
 * One measurement: a contender under one workload with a number of client connections, in one
 * round of a run that measures every cell several times ({@code round} 1 in a run of one round).
 */
public record Cell(Contender contender, Workload workload, int connections, int round) {

    public Cell(Contender contender, Workload workload, int connections) {
        this(contender, workload, connections, 1);
    }

    public Cell {
        Objects.requireNonNull(contender, "contender");
        Objects.requireNonNull(workload, "workload");
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be >= 1 (got " + connections + ")");
        }
        if (round < 1) {
            throw new IllegalArgumentException("round must be >= 1 (got " + round + ")");
        }
    }

    /** A name safe for files: {@code thread-pool-3.ping-pong.100}, with {@code .round-2} from the second round on. */
    public String label() {
        return contender.name() + "." + workload.cliName() + "." + connections + (round > 1 ? ".round-" + round : "");
    }
}
