package dev.turnstile.model.eventloop;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.Framer;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.ConnectionStats;
import dev.turnstile.api.WorkerState;
import dev.turnstile.core.OutboundBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A {@link LoopConnection} whose handler runs on the loop thread ({@code event-loop},
 * {@code multi-loop}): what was read is decoded and answered in the same callback, then written.
 *
 * <p><b>Memory.</b> Replies go into the loop's shared staging buffer and are written at the end
 * of the callback; only what the socket did not take, or what outgrew the staging buffer, is
 * copied into the connection's own {@code outbound}. In the steady state of whole messages
 * answered at once nothing is allocated: this is the loop's fast path, so its methods are final
 * and decide nothing by mode.
 *
 * <p><b>Invariants.</b> The staging buffer is empty between callbacks: each callback that stages
 * replies writes them or moves them to {@code outbound} before it returns, and a failed one
 * drops them. While {@code outbound} holds bytes, new replies go after them there, never into
 * the staging buffer, so they keep their order.
 * <p><b>The handle.</b> The open and what other threads queue run on the loop too, held and
 * timed as a readiness callback is ({@link SelectorLoop#runHeld}): the greeting or the drained
 * sends are staged and written exactly as a read callback's replies, so they use the staging
 * buffer while it is valid. A wake posts the same preallocated task each time.
 * <p><b>Thread-safety.</b> Loop thread only (the base's {@code wake} and {@code abort} excepted).
 */
final class OnLoopConnection extends LoopConnection {

    private final Runnable drainNow = this::drainNow;                     // made once: a wake allocates no task
    private final Runnable drainTask = () -> loop.runHeld(this, drainNow);

    OnLoopConnection(SelectorLoop loop, SocketChannel channel, SelectionKey key, ConnectionInfo info, Framer framer,
                     MessageHandler handler, ConnectionStats stats) {
        super(loop, channel, key, info, framer, handler, stats);
    }

    /** The handler greets now, on the loop, and the greeting is written as a read callback's replies are. */
    @Override
    void opened() {
        loop.runHeld(this, this::openNow);
    }

    private void openNow() {
        stepThenWrite(Step.OPEN);
    }

    @Override
    Runnable drainTask() {
        return drainTask;
    }

    /**
     * Loop thread, posted by a wake: what other threads queued on the handle is framed into the
     * staging buffer (or after what {@code outbound} holds, paused or not: the bound, not the
     * water marks, limits pushed bytes) and written as a read callback's replies are. A
     * connection that is closed or stopping starts nothing new.
     */
    private void drainNow() {
        if ((state & (CLOSED | STOPPING)) != 0) {
            return;
        }
        stepThenWrite(Step.DRAIN);
    }

    private enum Step { OPEN, DRAIN }

    /** Opens or drains the conversation, then writes what it staged; sorts its own failures. */
    private void stepThenWrite(Step step) {
        try {
            stats.phase(WorkerState.HANDLING);
            switch (step) {
                case OPEN -> conversation.open();
                case DRAIN -> conversation.drain();
            }
            flushReplies();
            settle();
        } catch (IOException e) {
            peerGone(e);
        } catch (RuntimeException | Error e) {
            failed(e);
        }
    }

    /** Decode and answer now, then write. The loop times the whole callback. */
    @Override
    void received(ByteBuffer buffer, boolean endOfInput) throws IOException {
        int start = buffer.position();
        stats.phase(WorkerState.HANDLING);
        conversation.receive(buffer, endOfInput);
        messageProgress(buffer.position() > start, buffer.remaining());
        keepUnfinished(buffer);
        flushReplies();
        settle();
    }

    /** Writes the replies of this callback: from the loop's staging buffer, or what spilled into our own. */
    private void flushReplies() throws IOException {
        ByteBuffer staged = loop.replyBuffer();
        if (staged.position() > 0) {
            staged.flip();
            stats.phase(WorkerState.WRITING);
            try {
                int n = io.write(staged);
                if (n > 0) {
                    loop.countWritten(n);
                    stats.wrote(n);
                    lastActive = loop.now(); // pushed bytes too: a connection only listening is not idle
                    writeWaitSince = lastActive;
                }
                if (staged.hasRemaining()) {
                    outbound = new OutboundBuffer(Math.max(MIN_BUFFER, staged.remaining() + staged.remaining() / 2));
                    outbound.put(staged);
                }
            } finally {
                staged.clear();
            }
        } else if (outbound != null && (interest & SelectionKey.OP_WRITE) == 0) {
            writePending(); // spilled during this callback; not yet waiting for writability
        }
    }

    // ---- Outbound: where the conversation puts framed replies -------------------------------

    @Override
    public void put(ByteBuffer bytes) {
        if (outbound == null) {
            ByteBuffer staged = loop.replyBuffer();
            if (bytes.remaining() <= staged.remaining()) {
                staged.put(bytes);
                return;
            }
            spill(staged, bytes.remaining());
        }
        outbound.put(bytes);
    }

    @Override
    public void put(byte b) {
        if (outbound == null) {
            ByteBuffer staged = loop.replyBuffer();
            if (staged.hasRemaining()) {
                staged.put(b);
                return;
            }
            spill(staged, 1);
        }
        outbound.put(b);
    }

    @Override
    public int pending() {
        return outbound != null ? outbound.pending() : loop.replyBuffer().position();
    }

    /** This callback's replies outgrew the staging buffer: move them into a buffer of our own. */
    private void spill(ByteBuffer staged, int more) {
        outbound = new OutboundBuffer(Math.max(MIN_BUFFER, 2 * (staged.position() + more)));
        staged.flip();
        outbound.put(staged);
        staged.clear();
    }

    // ---- Ends --------------------------------------------------------------------------------

    /** The handler runs on the loop, which is running this: nothing to interrupt. */
    @Override
    String interruptHandler(String who) {
        return null;
    }

    @Override
    void failed(Throwable e) {
        loop.replyBuffer().clear(); // whatever this callback staged is not to be sent
        super.failed(e);
    }
}
