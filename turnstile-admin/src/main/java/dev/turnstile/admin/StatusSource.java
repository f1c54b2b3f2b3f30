package dev.turnstile.admin;

import dev.turnstile.api.ServerStats;
import dev.turnstile.api.StatsSnapshot;

/**
 * Where the admin endpoint reads what it shows: the fixed facts and a fresh snapshot per request.
 * Implementations must be thread-safe (requests run on the admin executor).
 */
public interface StatusSource {

    ServerFacts facts();

    StatsSnapshot snapshot();

    /** A server's {@link ServerStats} with its facts: what every model, in-process or master, has. */
    static StatusSource of(ServerFacts facts, ServerStats stats) {
        return new StatusSource() {
            @Override
            public ServerFacts facts() {
                return facts;
            }

            @Override
            public StatsSnapshot snapshot() {
                return stats.snapshot();
            }
        };
    }
}
