package dev.turnstile.model.pool;

import java.util.Locale;

/** How the hand-off acceptor picks among free workers: the load balancing the notes call possible. */
public enum HandoffPolicy {
    /** The free worker with the lowest index, as the notes' {@code sockets.index('FREE')}. */
    FIRST_FREE,
    /** The next free worker after the one picked last, so work spreads evenly over time. */
    ROUND_ROBIN,
    /** The free worker that has served the fewest connections so far. */
    LEAST_SERVED;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code first-free}, {@code round-robin} or {@code least-served}. */
    public static HandoffPolicy parse(String s) {
        for (HandoffPolicy p : values()) {
            if (p.cliName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("policy must be one of first-free, round-robin, least-served (got '" + s + "')");
    }
}
