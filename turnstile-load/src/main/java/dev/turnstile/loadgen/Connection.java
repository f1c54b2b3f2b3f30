package dev.turnstile.loadgen;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client connection's state: plain fields, no I/O of its own. Its {@link ClientLoop} moves it
 * through the states and does the I/O.
 *
 * <pre>
 *   CLOSED → CONNECTING (→ HANDSHAKING, under TLS) → READY (connected, before the start)
 *   READY → WAITING (a next message is scheduled) ⇄ AWAITING (a message is out, its reply due)
 *   churn: CONNECTING (→ HANDSHAKING) → AWAITING → CLOSED → CONNECTING ...
 *   any → DONE (finished by the bounds) or FAILED (an error ended it)
 * </pre>
 *
 * <p><b>Thread-safety.</b> Every field is touched by its loop thread only.
 */
final class Connection {

    enum State { CLOSED, CONNECTING, HANDSHAKING, READY, WAITING, AWAITING, DONE, FAILED }

    /** Index among this process's connections, used to spread rate schedules and pick messages. */
    final int ordinal;

    /** Plaintext: the socket's descriptor while open, else -1. */
    int fd = -1;
    /** Under TLS: the channel and its key while open, else null. */
    SocketChannel channel;
    SelectionKey key;
    /** The slot's TLS layer under TLS, kept across its connections; null for plaintext. */
    TlsLink tls;
    State state = State.CLOSED;
    boolean writeInterest;

    /** The message in flight (AWAITING) or last sent. */
    int message;
    /** Bytes of the request written so far. */
    int written;
    /** Bytes of the reply received and checked so far. */
    int received;

    /** When the current connect started (nanoTime). */
    long connectStartedAt;
    /** When the current request was actually written (nanoTime); timeouts run from here. */
    long sentAt;
    /** When the current request was meant to go (nanoTime); latency runs from here. */
    long intendedAt;
    /** When the next request is meant to go (nanoTime), while WAITING. */
    long dueAt;
    /** Replies (churn: cycles) received inside the window: what the message bound counts. */
    long counted;

    /** {@code message}: the one sent before the first, so connections start at different messages. */
    Connection(int ordinal, int message) {
        this.ordinal = ordinal;
        this.message = message;
    }

    boolean finished() {
        return state == State.DONE || state == State.FAILED;
    }
}
