package dev.turnstile.loadgen;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What each connection does, and so what a run measures. */
public enum Workload {

    /** Closed loop: the next message goes as soon as the reply is in. Measures throughput at a concurrency. */
    PING_PONG("ping-pong"),

    /**
     * The notes' client: a random pause of up to {@code thinkMax} before each message, so the
     * server holds many mostly idle connections. Latency excludes the pause.
     */
    THINK("think"),

    /**
     * Open loop at a fixed total rate spread evenly over the connections. Latency runs from each
     * message's intended send time, so a stalled server shows as latency rather than as fewer
     * messages (coordinated omission corrected).
     */
    RATE("rate"),

    /**
     * Connect, send one message, read the reply, close, again: the notes' "starting cost".
     * Latency runs from the start of the connect to the reply.
     */
    CHURN("churn");

    private final String cliName;

    Workload(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in results, such as {@code ping-pong}. */
    public String cliName() {
        return cliName;
    }

    /** The workload named {@code name} on the command line, or an error listing the names. */
    public static Workload parse(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        for (Workload w : values()) {
            if (w.cliName.equals(wanted)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + name + "'; known: "
                + Arrays.stream(values()).map(Workload::cliName).collect(Collectors.joining(", ")));
    }
}
