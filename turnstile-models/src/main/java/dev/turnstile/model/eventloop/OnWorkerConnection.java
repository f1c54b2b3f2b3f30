package dev.turnstile.model.eventloop;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.Framer;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.WorkerStats;
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
 * is never called concurrently, its replies keep their order, and a job's replies become
 * {@code outbound} only when nothing else is pending. A job is never timed out.
 * <p><b>Memory.</b> Besides the base's buffers, the {@link WorkerBatch} (made on the first job,
 * then reused) holds the replies while a worker answers.
 * <p><b>Thread-safety.</b> Loop thread only, except during a job: from {@link #submit} until the
 * loop takes the completion ({@link #jobDone}), the worker owns {@code inbound}, the conversation
 * and the batch; the executor's hand-off and the loop's completion queue order the two.
 */
final class OnWorkerConnection extends LoopConnection {

    private WorkerBatch batch;                  // made on the first job, then reused

    OnWorkerConnection(SelectorLoop loop, SocketChannel channel, SelectionKey key, ConnectionInfo info, Framer framer,
                       MessageHandler handler, WorkerStats worker) {
        super(loop, channel, key, info, framer, handler, worker);
    }

    @Override
    void received(ByteBuffer buffer, boolean endOfInput) {
        submit(buffer, endOfInput);
    }

    /** Hands the bytes read (read mode) to a worker; the connection is not read until it returns. */
    private void submit(ByteBuffer buffer, boolean endOfInput) {
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
        if (batch == null) {
            batch = new WorkerBatch(this, loop);
        }
        batch.prepare(endOfInput);
        state |= JOB;
        settle();
        try {
            loop.handlers().execute(batch);
        } catch (RejectedExecutionException e) { // the pool is stopping: so is the server
            state &= ~JOB;
            close(CloseReason.SHUTDOWN);
        }
    }

    /** On the worker running this connection's batch: decode and answer what was read. */
    void receiveOnWorker(boolean endOfInput) {
        ByteBuffer in = inbound.flip();
        conversation.receive(in, endOfInput);
        if (in.hasRemaining()) {
            in.compact();
        } else {
            inbound = null;
        }
    }

    /** On the loop, once the worker is done: write its replies and read again. */
    void jobDone() {
        state &= ~JOB;
        OutboundBuffer replies = batch.takeReplies();
        Throwable failure = batch.takeFailure();
        if (closed()) {
            inbound = null;
            conversation.closed(CloseReason.SHUTDOWN); // deferred by close() while the worker held the handler
            return;
        }
        if (failure != null) {
            failed(failure);
            return;
        }
        try {
            if (replies != null && replies.pending() > 0) {
                outbound = replies; // nothing else was pending: a connection with unsent replies is not read
                writePending();
            }
            settle();
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
