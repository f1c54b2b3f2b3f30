package dev.turnstile.api;

/**
 * Observes a server's events as they happen: for transcripts, status pages and tests. Methods
 * are called on the model's own threads (accept loops, workers, event loops), so they must be
 * quick, must not block and must be thread-safe. An exception thrown here is logged and ignored.
 */
public interface ServerListener {

    default void connectionOpened(ConnectionInfo connection) {
    }

    default void connectionClosed(ConnectionInfo connection, CloseReason reason) {
    }

    /**
     * A connection closed, with what it did: its time open, messages and bytes. The server calls
     * this one; by default it calls {@link #connectionClosed(ConnectionInfo, CloseReason)}, so a
     * listener overrides whichever it needs.
     */
    default void connectionClosed(ConnectionInfo connection, CloseReason reason, ConnectionTotals totals) {
        connectionClosed(connection, reason);
    }

    /** A connection was refused before it got a worker, because of a bound or a rejection. */
    default void connectionRejected(String peer, String why) {
    }

    /** A pool grew or shrank. */
    default void poolResized(PoolEvent event) {
    }
}
