package dev.turnstile.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;

/**
 * What one open connection has done so far: messages answered, bytes in and out, and when it
 * opened. {@link ServerStats#connectionOpened} makes it and hands it to the model's driver, which
 * counts into it beside the server's totals; {@link ServerStats#connectionClosed} drops it and gives
 * its figures to the listeners as {@link ConnectionTotals} (the access log).
 *
 * <p><b>Thread-safety.</b> Counted from any thread (a blocking model's connection thread, a writer
 * that flushes for it, an event loop, a pool worker during a job) by atomic add; read from any
 * thread. One allocation per connection, none per message.
 */
public final class ConnectionStats {

    private static final VarHandle MESSAGES;
    private static final VarHandle BYTES_IN;
    private static final VarHandle BYTES_OUT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MESSAGES = lookup.findVarHandle(ConnectionStats.class, "messages", long.class);
            BYTES_IN = lookup.findVarHandle(ConnectionStats.class, "bytesIn", long.class);
            BYTES_OUT = lookup.findVarHandle(ConnectionStats.class, "bytesOut", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConnectionInfo info;
    private final Instant openedAt = Instant.now();
    private volatile long messages; // by atomic add only
    private volatile long bytesIn;  // likewise
    private volatile long bytesOut; // likewise

    ConnectionStats(ConnectionInfo info) {
        this.info = info;
    }

    public ConnectionInfo info() {
        return info;
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

    /** {@code n} bytes read from the peer (the server's total is counted apart, by the driver). */
    public void read(long n) {
        BYTES_IN.getAndAdd(this, n);
    }

    /** {@code n} bytes written to the peer (the server's total is counted apart, by the driver). */
    public void wrote(long n) {
        BYTES_OUT.getAndAdd(this, n);
    }

    /** {@code n} messages answered on this connection at once (reported late, such as by a process that ended). */
    public void messagesHandled(long n) {
        MESSAGES.getAndAdd(this, n);
    }

    /** One message answered on this connection (the worker's and the server's counts are apart). */
    public void messageHandled() {
        MESSAGES.getAndAdd(this, 1L);
    }
}
