package dev.turnstile.api;

import java.io.IOException;

/**
 * A session-level service that owns a blocking conversation, for code written in the
 * read-a-request, write-a-reply style. Only models that give each connection its own thread or
 * process can run it; event-loop models refuse it when the server starts.
 */
public non-sealed interface SessionService extends Service {

    /**
     * Serves one connection until it is done. Runs on the connection's own thread; the socket is
     * closed by the model after this returns or throws. An {@link IOException} here is the
     * connection's failure, never the server's.
     */
    void serve(Session session) throws IOException;
}
