package dev.turnstile.model.prefork;

import java.util.Locale;

/** How connections reach the pool's workers. */
public enum Balance {
    /**
     * One listening socket, made by the master and inherited by every worker, each blocking in
     * accept() on it: the kernel hands each connection to a worker waiting in accept, so only
     * idle workers take new connections (the notes' process pool).
     */
    SHARED,
    /**
     * A socket per worker, each bound with SO_REUSEPORT to the same port: the kernel spreads
     * connections over the sockets by a hash of the addresses, whether their worker is idle or
     * not, and a worker's queue is lost (reset) when it exits.
     */
    REUSEPORT;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Balance parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "shared", "shared-accept" -> SHARED;
            case "reuseport" -> REUSEPORT;
            default -> throw new IllegalArgumentException("balance must be shared or reuseport (got '" + s + "')");
        };
    }
}
