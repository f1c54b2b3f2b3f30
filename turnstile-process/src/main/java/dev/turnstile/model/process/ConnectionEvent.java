package dev.turnstile.model.process;

import java.net.InetSocketAddress;

/**
 * A connection opened or closed in a worker process, as it travels through the worker's
 * {@link Scoreboard} slot to the master, which turns it into the server's stats events.
 *
 * @param kind          opened or closed
 * @param reasonOrdinal for a close, the {@link dev.turnstile.api.CloseReason} ordinal
 * @param id            the connection's number within its worker
 * @param peer          the client
 * @param atMillis      when, epoch milliseconds
 */
public record ConnectionEvent(Kind kind, int reasonOrdinal, long id, InetSocketAddress peer, long atMillis) {

    public enum Kind {
        OPENED, CLOSED;

        static Kind of(int ordinal) {
            return ordinal == 1 ? CLOSED : OPENED;
        }
    }
}
