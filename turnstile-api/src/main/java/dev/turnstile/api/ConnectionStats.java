package dev.turnstile.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;

/**
 * One open connection as the status page shows it: who, on which worker, since when, what it
 * has exchanged and what it is doing now. Made by {@link ServerStats#connectionOpened} and
 * dropped by {@link ServerStats#connectionClosed}; the model's driver keeps it and updates it.
 *
 * <p><b>Cost.</b> The hot path ({@link #phase}, {@link #read}, {@link #wrote},
 * {@link #messageHandled}) allocates nothing and uses release stores (plain stores on x86): no
 * lock, no atomic read-modify-write.
 * <p><b>Thread-safety.</b> Each counter has one writer at a time: the thread that owns the
 * connection at that moment (its blocking thread, its loop, the writer under the connection's
 * lock, the master for a process), handing over with a happens-before (a lock, a queue). Readers
 * on any thread see values at most a moment old (acquire loads).
 */
public final class ConnectionStats {

    private static final VarHandle MESSAGES, BYTES_IN, BYTES_OUT, STATE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MESSAGES = lookup.findVarHandle(ConnectionStats.class, "messages", long.class);
            BYTES_IN = lookup.findVarHandle(ConnectionStats.class, "bytesIn", long.class);
            BYTES_OUT = lookup.findVarHandle(ConnectionStats.class, "bytesOut", long.class);
            STATE = lookup.findVarHandle(ConnectionStats.class, "state", WorkerState.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConnectionInfo info;
    private final WorkerStats worker;
    private final Instant openedAt = Instant.now();
    @SuppressWarnings("unused") private long messages;   // through MESSAGES: one writer at a time
    @SuppressWarnings("unused") private long bytesIn;    // through BYTES_IN
    @SuppressWarnings("unused") private long bytesOut;   // through BYTES_OUT
    @SuppressWarnings("unused") private WorkerState state = WorkerState.READING; // through STATE

    ConnectionStats(ConnectionInfo info, WorkerStats worker) {
        this.info = info;
        this.worker = worker;
    }

    public ConnectionInfo info() {
        return info;
    }

    /** The worker that runs this connection. */
    public WorkerStats worker() {
        return worker;
    }

    public Instant openedAt() {
        return openedAt;
    }

    public long messages() {
        return (long) MESSAGES.getAcquire(this);
    }

    public long bytesIn() {
        return (long) BYTES_IN.getAcquire(this);
    }

    public long bytesOut() {
        return (long) BYTES_OUT.getAcquire(this);
    }

    public WorkerState state() {
        return (WorkerState) STATE.getAcquire(this);
    }

    /** The connection is now in {@code state}; its worker is not told (see {@link #phase}). */
    public void state(WorkerState state) {
        STATE.setRelease(this, state);
    }

    /** The connection and its worker are now in {@code state}: the worker is busy with this connection. */
    public void phase(WorkerState state) {
        STATE.setRelease(this, state);
        worker.state(state);
    }

    /** {@code n} bytes read from the peer (the server's total is counted apart, by the driver). */
    public void read(long n) {
        BYTES_IN.setRelease(this, (long) BYTES_IN.get(this) + n);
    }

    /** {@code n} bytes written to the peer (the server's total is counted apart, by the driver). */
    public void wrote(long n) {
        BYTES_OUT.setRelease(this, (long) BYTES_OUT.get(this) + n);
    }

    /** {@code n} messages answered on this connection (the worker's and server's counts are apart). */
    public void messagesHandled(long n) {
        MESSAGES.setRelease(this, (long) MESSAGES.get(this) + n);
    }

    /** Counts one answered message here, on the worker and on the server. Hot path: no allocation. */
    public void messageHandled() {
        MESSAGES.setRelease(this, (long) MESSAGES.get(this) + 1);
        worker.messageHandled();
    }
}
