package dev.turnstile.model.eventloop;

import dev.turnstile.core.OutboundBuffer;

/**
 * One connection's job on its way through a {@link HandlerPool} worker (loop-with-workers): what
 * the job is (the open, input read, or only what other threads queued on the handle), whether
 * input ended with it, the replies the handler produced, how it failed, and the worker running
 * it, for shutdown reports. Made on a connection's first job and reused for the next.
 *
 * <p><b>Ownership.</b> The loop fills it in ({@link #prepare}) and submits it; from then on the
 * worker owns it until {@link SelectorLoop#jobDone} gives it back, after which the loop takes
 * the results. The executor's hand-off and the loop's completion queue order those accesses; only
 * {@link #thread} is read across them, by shutdown, and is volatile.
 */
final class WorkerBatch implements Runnable {

    private static final int INITIAL_REPLY_BYTES = 1024;
    /** What a job is: the handler's onOpen, input read, or only what other threads queued on the handle. */
    static final int OPEN = 0, INPUT = 1, DRAIN = 2;

    private final OnWorkerConnection connection;
    private final SelectorLoop loop;
    private int kind;                   // set by the loop before submit: OPEN, INPUT or DRAIN
    private boolean endOfInput;         // set by the loop before submit
    private OutboundBuffer replies;     // filled by the worker; taken by the loop
    private Throwable failure;          // set by the worker; taken by the loop
    private volatile Thread thread;     // the worker while it runs this batch

    WorkerBatch(OnWorkerConnection connection, SelectorLoop loop) {
        this.connection = connection;
        this.loop = loop;
    }

    /** Loop thread, before submitting: what this batch is about. */
    void prepare(int kind, boolean endOfInput) {
        this.kind = kind;
        this.endOfInput = endOfInput;
        this.replies = null;
        this.failure = null;
    }

    /** On a worker: the connection's handler does the job; then the loop gets the connection back. */
    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            connection.runOnWorker(kind, endOfInput);
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            thread = null;
            loop.jobDone(connection);
        }
    }

    /** Where the handler's replies go while the worker runs it. */
    OutboundBuffer replies() {
        if (replies == null) {
            replies = new OutboundBuffer(INITIAL_REPLY_BYTES);
        }
        return replies;
    }

    /** Bytes the handler has queued so far. */
    int pendingReplies() {
        return replies == null ? 0 : replies.pending();
    }

    /** Loop thread, after the batch: its replies (null if none), no longer the batch's. */
    OutboundBuffer takeReplies() {
        OutboundBuffer r = replies;
        replies = null;
        return r;
    }

    /** Loop thread, after the batch: what the worker failed with, or null. */
    Throwable takeFailure() {
        Throwable f = failure;
        failure = null;
        return f;
    }

    /** The worker running this batch now, or null. Any thread. */
    Thread thread() {
        return thread;
    }
}
