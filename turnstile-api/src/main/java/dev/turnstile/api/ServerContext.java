package dev.turnstile.api;

import java.util.Objects;

/**
 * Everything a model needs to serve: what to serve, where, and where to report.
 *
 * @param config   where to listen and the limits to honour
 * @param service  what to do with each connection
 * @param stats    the counters and events every model reports through
 * @param listenOn whether to bind {@code config}'s address or serve the inherited socket on standard input
 */
public record ServerContext(ServerConfig config, Service service, ServerStats stats, ListenOn listenOn) {

    public ServerContext {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(listenOn, "listenOn");
    }

    /** A context whose model binds {@code config}'s address. */
    public ServerContext(ServerConfig config, Service service, ServerStats stats) {
        this(config, service, stats, ListenOn.ADDRESS);
    }
}
