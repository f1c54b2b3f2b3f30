package dev.turnstile.model.eventloop;

import java.util.Locale;

/** How accepted connections reach the loops of a model with more than one loop. */
public enum AcceptMode {
    /**
     * One listening socket, registered on the first loop, which accepts and hands each socket to
     * the loops in turn (itself included). Spreads connections evenly whatever their addresses.
     */
    ROUND_ROBIN,
    /**
     * One SO_REUSEPORT listening socket per loop, each accepted by its own loop; the kernel
     * spreads new connections over them by a hash of the addresses. No hand-off between threads,
     * but the spread is only even on average.
     */
    REUSE_PORT;

    /** The command-line spelling, {@code round-robin} or {@code reuse-port}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code round-robin} or {@code reuse-port}. */
    public static AcceptMode parse(String s) {
        for (AcceptMode m : values()) {
            if (m.cliName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("accept must be round-robin or reuse-port (got '" + s + "')");
    }
}
