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
 * @param messages      for a close, the messages answered on the connection (for the access log)
 * @param bytesIn       for a close, the bytes read from its peer
 * @param bytesOut      for a close, the bytes written to its peer
 * @param openMicros    for a close, how long it was open, in microseconds
 */
public record ConnectionEvent(Kind kind, int reasonOrdinal, long id, InetSocketAddress peer, long atMillis,
                              long messages, long bytesIn, long bytesOut, long openMicros) {

    /** An event without the connection's figures (an open, or a close whose figures are unknown). */
    public ConnectionEvent(Kind kind, int reasonOrdinal, long id, InetSocketAddress peer, long atMillis) {
        this(kind, reasonOrdinal, id, peer, atMillis, 0, 0, 0, 0);
    }

    public enum Kind {
        OPENED, CLOSED;

        static Kind of(int ordinal) {
            return ordinal == 1 ? CLOSED : OPENED;
        }
    }
}
