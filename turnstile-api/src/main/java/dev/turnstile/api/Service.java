package dev.turnstile.api;

/**
 * What a server does with a connection, independent of where the connection runs. One of two
 * shapes: {@link FramedService} (message in, replies out; every model can run it) or
 * {@link SessionService} (a blocking conversation that needs a thread or process of its own).
 *
 * <p>Implementations are shared by all connections and all threads of a server, so they must be
 * thread-safe; per-connection state belongs in the objects they create per connection.
 */
public sealed interface Service permits FramedService, SessionService {

    /** A short name for logs and reports, such as {@code echo-uppercase}. */
    String name();

    /**
     * True if connections share state through this one service object (a key-value store, a chat
     * room). Models that run connections in worker processes refuse such a service at start:
     * each process would create its own object, so connections in different processes would
     * silently see different data (the notes: processes share nothing unless given shared memory).
     */
    default boolean sharesStateAcrossConnections() {
        return false;
    }
}
