package dev.turnstile.api;

import java.util.Objects;

/**
 * Everything a model needs to serve: what to serve, where, and where to report.
 *
 * @param config  where to listen and the limits to honour
 * @param service what to do with each connection
 * @param stats   the counters and events every model reports through
 */
public record ServerContext(ServerConfig config, Service service, ServerStats stats) {

    public ServerContext {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(stats, "stats");
    }
}
