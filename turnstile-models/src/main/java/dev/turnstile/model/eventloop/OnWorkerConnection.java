package dev.turnstile.model.eventloop;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.Framer;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.ConnectionStats;
import dev.turnstile.core.OutboundBuffer;
import dev.turnstile.core.Stragglers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link LoopConnection} whose handler runs on a {@link HandlerPool} worker
 * ({@code loop-with-workers}): the loop reads, hands what it read to a worker as a
 * {@link WorkerBatch} (a job), and once the worker is done writes the replies and reads again.
 *
 * <p><b>Invariants.</b> At most one job at a time, and the connection is not read while it runs
 * (JOB) nor while any reply is unsent (the loop's water marks are 0 in this mode), so the handler
 * is never called concurrently and its replies keep their order: an input job's replies become
 * {@code outbound} only when nothing else is pending; a drain job, which may run while replies
 * are unsent, appends its replies after them. A job is never timed out.
 * <p><b>Jobs.</b> A job is the open (the handler's onOpen may block, so it runs on a worker), a
 * batch of input, or only a drain of what other threads queued on the handle (a wake with no job
 * running). Every job drains the handle when anything is queued; after every job the loop starts
 * a drain job if a wake came during the job or work is still queued, so a wake is never lost.
 * Replies of a drain job go after replies still unsent.
 * <p><b>Memory.</b> Besides the base's buffers, the {@link WorkerBatch} (made on the first job,
 * then reused) holds the replies while a worker answers.
 * <p><b>Thread-safety.</b> Loop thread only, except during a job: from {@link #submit} until the
 * loop takes the completion ({@link #jobDone}), the worker owns {@code inbound}, the conversation
 * and the batch; the executor's hand-off and the loop's completion queue order the two.
 */
final class OnWorkerConnection extends LoopConnection {

    private WorkerBatch batch;                  // made on the first job, then reused
    private final Runnable drainTask = this::drainQueued; // made once: a wake allocates no task
    private boolean drainAsked;                 // loop thread only: a wake came while a job ran
    private boolean messageCompleted;           // the job's owner: its input completed a message

    OnWorkerConnection(SelectorLoop loop, SocketChannel channel, SelectionKey key, ConnectionInfo info, Framer framer,
                       MessageHandler handler, ConnectionStats stats) {
        super(loop, channel, key, info, framer, handler, stats);
    }

    /** The handler's onOpen may block: it runs on a worker as the connection's first job. */
    @Override
    void opened() {
        submit(WorkerBatch.OPEN, false);
    }

    @Override
    void received(ByteBuffer buffer, boolean endOfInput) {
        if (buffer != inbound) {
            int n = buffer.remaining();
            if (inbound == null || inbound.capacity() < n) {
                inbound = ByteBuffer.allocate(Math.max(n, MIN_BUFFER / 4));
            }
            inbound.clear();
            inbound.put(buffer);
        } else {
            inbound.compact(); // back to write mode, as the worker expects
        }
        submit(WorkerBatch.INPUT, endOfInput);
    }

    @Override
    Runnable drainTask() {
        return drainTask;
    }

    /**
     * Loop thread, posted by a wake: a worker drains what other threads queued, as a job of its
     * own. While a job runs it is only remembered, and {@link #jobDone} starts the drain job: every
     * wake ends in a {@link dev.turnstile.core.Conversation#drain} call, the only thing that re-arms
     * the handle's wake, even when the running job took the queued work already (then the drain
     * job finds nothing, at the cost of one empty job). A connection that is closed, stopping or
     * closing starts nothing new.
     */
    private void drainQueued() {
        if ((state & JOB) != 0) {
            drainAsked = true;
            return;
        }
        drainAsked = false;
        if ((state & (CLOSED | STOPPING)) != 0 || conversation.isClosing()) {
            return;
        }
        submit(WorkerBatch.DRAIN, false);
    }

    /** Hands the connection to a worker for one job; the connection is not read until it returns. */
    private void submit(int kind, boolean endOfInput) {
        if (batch == null) {
            batch = new WorkerBatch(this, loop);
        }
        batch.prepare(kind, endOfInput);
        state |= JOB;
        settle();
        if (closed()) { // settle found it past the bound: the handler hears of it now, no job runs
            state &= ~JOB;
            inbound = null;
            conversation.closed(closedWith);
            return;
        }
        try {
            loop.handlers().execute(batch);
        } catch (RejectedExecutionException e) { // the pool is stopping: so is the server
            state &= ~JOB;
            close(CloseReason.SHUTDOWN);
        }
    }

    /**
     * On the worker running this connection's job: open, or decode and answer what was read, and
     * in any case carry out what other threads queued meanwhile. Replies go into the batch.
     */
    void runOnWorker(int kind, boolean endOfInput) {
        switch (kind) {
            case WorkerBatch.OPEN -> conversation.open();
            case WorkerBatch.INPUT -> {
                ByteBuffer in = inbound.flip();
                conversation.receive(in, endOfInput);
                messageCompleted = in.position() > 0;
                if (in.hasRemaining()) {
                    in.compact();
                } else {
                    inbound = null;
                }
            }
            default -> { } // DRAIN: only what follows
        }
        if (kind == WorkerBatch.DRAIN || conversation.hasQueued()) {
            conversation.drain(); // a DRAIN job drains even if nothing is left: that re-arms the wake
        }
    }

    /**
     * On the loop, once the worker is done: write its replies (after any still unsent), read
     * again, and start a drain job if more was queued meanwhile. A close that came during the
     * job is told to the handler now, with its reason.
     */
    void jobDone() {
        state &= ~JOB;
        OutboundBuffer replies = batch.takeReplies();
        Throwable failure = batch.takeFailure();
        if (closed()) {
            inbound = null;
            conversation.closed(closedWith); // deferred by close() while the worker held the handler
            return;
        }
        if (failure != null) {
            failed(failure);
            return;
        }
        messageProgress(messageCompleted, inbound == null ? 0 : inbound.position());
        messageCompleted = false;
        try {
            if (replies != null && replies.pending() > 0) {
                if (outbound == null) {
                    outbound = replies;
                } else {
                    replies.transferTo(outbound); // a drain job ran while earlier replies were unsent
                }
                writePending();
            }
            settle();
            if (drainAsked || conversation.hasQueued()) {
                drainQueued();
            }
        } catch (IOException e) {
            peerGone(e);
        } catch (RuntimeException | Error e) {
            failed(e);
        }
    }

    // ---- Outbound: where the conversation puts framed replies, on the worker -----------------

    @Override
    public void put(ByteBuffer bytes) {
        batch.replies().put(bytes);
    }

    @Override
    public void put(byte b) {
        batch.replies().put(b);
    }

    @Override
    public int pending() {
        return batch.pendingReplies();
    }

    // ---- Ends --------------------------------------------------------------------------------

    @Override
    String interruptHandler(String who) {
        Thread worker = batch == null ? null : batch.thread();
        if ((state & JOB) == 0 || worker == null) {
            return null;
        }
        String what = Stragglers.describe(who + "handler still running on " + worker.getName() + "; interrupted and closed", worker);
        worker.interrupt();
        return what;
    }
}
