package dev.turnstile.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Counters and current {@link WorkerState} of one worker (a thread, pool slot, event loop or
 * process). Written by the threads that run the worker's connections, read by anyone.
 *
 * <p><b>State.</b> Set by the model's driver where it waits, reads, calls the handler, writes and
 * closes: a release store of an enum constant (a plain store on x86), no allocation. With several
 * connections on one worker (a loop) the state is that of the connection it serves right now.
 * <p><b>Thread-safety.</b> Every field is atomic or published with release/acquire.
 */
public final class WorkerStats {

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(WorkerStats.class, "state", WorkerState.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final ServerStats server;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();
    @SuppressWarnings("unused") private WorkerState state = WorkerState.IDLE; // through STATE
    private volatile WorkerKind kind = WorkerKind.THREAD;

    WorkerStats(String name, ServerStats server) {
        this.name = name;
        this.server = server;
    }

    public String name() {
        return name;
    }

    /** Connections this worker has taken, in all. */
    public long connections() {
        return connections.get();
    }

    /** Messages this worker has answered, in all. */
    public long messages() {
        return messages.get();
    }

    /** Connections this worker runs right now. */
    public int active() {
        return active.get();
    }

    /** What the worker is doing now. */
    public WorkerState state() {
        return (WorkerState) STATE.getAcquire(this);
    }

    /** The worker is now {@code state}. Hot path: one release store. */
    public void state(WorkerState state) {
        STATE.setRelease(this, state);
    }

    public WorkerKind kind() {
        return kind;
    }

    /** Says what the worker is; returns this. Set once, when the worker is made. */
    public WorkerStats kind(WorkerKind kind) {
        if (this.kind != kind) {
            this.kind = kind;
        }
        return this;
    }

    /**
     * Where the handler's time per message goes, or null (the usual case: then nobody reads the
     * clock). See {@link ServerStats#handlerTimeSink(LongConsumer)}.
     */
    public LongConsumer handlerTimeSink() {
        return server.handlerTimeSink();
    }

    void opened() {
        connections.incrementAndGet();
        active.incrementAndGet();
    }

    void closed() {
        active.decrementAndGet();
    }

    /** Counts one answered message. Hot path: two atomic adds, no allocation. */
    public void messageHandled() {
        messages.incrementAndGet();
        server.messageCounted();
    }

    /** Counts {@code n} answered messages at once, such as a worker process reported them. */
    public void messagesHandled(long n) {
        messages.addAndGet(n);
        server.messagesCounted(n);
    }
}
