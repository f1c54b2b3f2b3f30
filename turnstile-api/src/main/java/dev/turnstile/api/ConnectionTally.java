package dev.turnstile.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;

/**
 * What one open connection has done so far: messages answered, bytes in and out, and when it
 * opened. {@link ServerStats#connectionOpened} creates it and hands it to the model, which counts
 * into it beside the server's totals; {@link ServerStats#connectionClosed} turns it into the
 * {@link ConnectionTotals} its listeners see (the access log).
 *
 * <p><b>Thread-safety.</b> Counted from any thread (a blocking model's connection thread, a writer
 * that flushes for it, an event loop) by atomic add; read from any thread. One allocation per
 * connection, none per message.
 */
public final class ConnectionTally {

    private static final VarHandle MESSAGES;
    private static final VarHandle BYTES_IN;
    private static final VarHandle BYTES_OUT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MESSAGES = lookup.findVarHandle(ConnectionTally.class, "messages", long.class);
            BYTES_IN = lookup.findVarHandle(ConnectionTally.class, "bytesIn", long.class);
            BYTES_OUT = lookup.findVarHandle(ConnectionTally.class, "bytesOut", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Instant openedAt;
    private final long openedNanos;
    private volatile long messages; // by atomic add only
    private volatile long bytesIn;  // likewise
    private volatile long bytesOut; // likewise

    /** A tally of a connection that opens now. */
    public ConnectionTally() {
        this(Instant.now(), System.nanoTime());
    }

    private ConnectionTally(Instant openedAt, long openedNanos) {
        this.openedAt = openedAt;
        this.openedNanos = openedNanos;
    }

    /** A tally of a connection that opened {@code age} ago (reported late, such as from another process). */
    public static ConnectionTally openedAgo(Duration age) {
        return new ConnectionTally(Instant.now().minus(age), System.nanoTime() - age.toNanos());
    }

    public void messageHandled() {
        MESSAGES.getAndAdd(this, 1L);
    }

    /** Counts {@code n} messages at once (reported late, such as by a process that has ended). */
    public void messagesHandled(long n) {
        MESSAGES.getAndAdd(this, n);
    }

    public void bytesIn(long n) {
        BYTES_IN.getAndAdd(this, n);
    }

    public void bytesOut(long n) {
        BYTES_OUT.getAndAdd(this, n);
    }

    public Instant openedAt() {
        return openedAt;
    }

    public long messages() {
        return messages;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long bytesOut() {
        return bytesOut;
    }

    /** How long the connection has been open. */
    public Duration age() {
        return Duration.ofNanos(System.nanoTime() - openedNanos);
    }

    /** The figures now, as for a connection that closes now. */
    public ConnectionTotals totals() {
        return new ConnectionTotals(openedAt, age(), messages, bytesIn, bytesOut);
    }
}
