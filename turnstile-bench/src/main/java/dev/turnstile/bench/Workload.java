package dev.turnstile.bench;

import java.util.Arrays;
import java.util.List;

/** What the clients of one cell do; the names are those of {@code turnstile load --workload}. */
public enum Workload {
    /** Closed loop: the next message right after each reply. Measures throughput and latency. */
    PING_PONG("ping-pong", true),
    /** The notes' client: a random pause before each message. Measures holding many quiet connections. */
    THINK("think", true),
    /** Connect, one message, close, again. Measures connection set-up, the notes' "starting cost". */
    CHURN("churn", false);

    private final String cliName;
    private final boolean holdsConnections;

    Workload(String cliName, boolean holdsConnections) {
        this.cliName = cliName;
        this.holdsConnections = holdsConnections;
    }

    public String cliName() {
        return cliName;
    }

    /** True if every client keeps its connection open for the whole run. */
    public boolean holdsConnections() {
        return holdsConnections;
    }

    public static Workload parse(String name) {
        return Arrays.stream(values()).filter(w -> w.cliName.equals(name.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown workload '" + name + "'; known: "
                        + String.join(", ", Arrays.stream(values()).map(Workload::cliName).toList())));
    }

    public static List<Workload> all() {
        return List.of(values());
    }

    @Override
    public String toString() {
        return cliName;
    }
}
