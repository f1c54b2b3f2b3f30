package dev.turnstile.core;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ConnectionStats;
import dev.turnstile.api.Framer;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.Outbound;
import dev.turnstile.api.ProtocolException;
import dev.turnstile.api.Replies;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.WorkerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * One connection's protocol as a byte-in, byte-out state machine with no I/O: bytes read go in
 * through {@link #receive}, framed replies come out in the {@link Outbound} given at creation.
 * Blocking drivers call it after each read and then write; event loops call it on readiness.
 * What other threads asked of the connection's {@link ConnectionHandle} is carried out by
 * {@link #drain}, on the same owner.
 *
 * <p><b>States.</b> OPEN until the handler asks to close, the peer breaks the protocol (the
 * handler's {@code onProtocolError} replies are queued) or the handler throws (nothing more is
 * handled). Then {@link #closeReason()} is set and the driver closes once the outbound queue has
 * been written. Replies queued before that are never dropped. {@link #closed} ends it for good.
 *
 * <p><b>Thread-safety.</b> None: the owner only, one thread at a time, as the handler requires.
 * Every handler call is marked on the handle (so the handle's calls made inside it go straight
 * here). Allocation-free per message: the conversation is its own sink and {@link Replies}.
 *
 * <p><b>Counting.</b> Each message handled is counted on the worker (and the server) and, when the
 * driver gave the connection's {@link ConnectionStats}, on the connection. When the server has a
 * handler-time sink ({@link dev.turnstile.api.ServerStats#handlerTimeSink}), the handler call is
 * timed with {@link System#nanoTime} and the sink told; without one the clock is not read.
 */
public final class Conversation implements Consumer<ByteBuffer>, Replies {

    private static final Logger log = LoggerFactory.getLogger(Conversation.class);

    private final ConnectionInfo info;
    private final Framer framer;
    private final MessageHandler handler;
    private final Outbound out;
    private final WorkerStats worker;
    // messages handled under a handler-time sink since the last timed one; the first is timed
    private int sinceTimed = ServerStats.HANDLER_TIMING_SAMPLE - 1;
    private final ConnectionStats connection; // null: counted on the worker only
    private final ConnectionHandle handle;
    private CloseReason closeReason; // null while open
    private boolean ended;           // closed() has run

    public Conversation(ConnectionHandle handle, Framer framer, MessageHandler handler, Outbound out, WorkerStats worker) {
        this(handle, framer, handler, out, worker, null);
    }

    /** A conversation whose messages are also counted on {@code connection} (and its worker). */
    public Conversation(ConnectionHandle handle, Framer framer, MessageHandler handler, Outbound out,
                        ConnectionStats connection) {
        this(handle, framer, handler, out, connection.worker(), connection);
    }

    private Conversation(ConnectionHandle handle, Framer framer, MessageHandler handler, Outbound out, WorkerStats worker,
                         ConnectionStats connection) {
        this.connection = connection;
        this.info = handle.info();
        this.handle = handle;
        this.framer = framer;
        this.handler = handler;
        this.out = out;
        this.worker = worker;
        handle.boundTo(this);
    }

    /**
     * A conversation with no driver behind it, for tests and benchmarks: what other threads queue
     * on its handle waits until {@link #drain} is called, and a close-now only marks the handle.
     */
    public Conversation(ConnectionInfo info, Framer framer, MessageHandler handler, Outbound out, WorkerStats worker) {
        this(undriven(info), framer, handler, out, worker);
    }

    private static ConnectionHandle undriven(ConnectionInfo info) {
        ConnectionHandle handle = new ConnectionHandle(info, Integer.MAX_VALUE, new ConnectionTimers());
        handle.ownedBy(new ConnectionHandle.Owner() {
            @Override
            public void wake() {
            }

            @Override
            public void abort() {
            }
        });
        return handle;
    }

    /** The connection is open: lets the handler greet or keep the handle. Call once, first. */
    public void open() {
        Thread self = Thread.currentThread();
        handle.caller(self);
        try {
            handler.onOpen(handle);
        } catch (RuntimeException e) {
            failed("onOpen", e);
        } finally {
            handle.caller(null);
        }
    }

    /**
     * Handles every complete message in {@code in} (read mode); leaves the unfinished rest at
     * {@code in.position()}. After end of input, whatever remains is handled as the last message
     * and the conversation closes with {@link CloseReason#PEER_CLOSED}.
     */
    public void receive(ByteBuffer in, boolean endOfInput) {
        if (closeReason != null) {
            in.position(in.limit()); // closing: input after the close is discarded
            return;
        }
        handle.caller(Thread.currentThread());
        try {
            framer.decode(in, endOfInput, this);
        } catch (ProtocolException e) {
            in.position(in.limit());
            protocolError(e);
            return;
        } finally {
            handle.caller(null);
        }
        if (endOfInput && closeReason == null) {
            closeReason = CloseReason.PEER_CLOSED;
        }
    }

    private void protocolError(ProtocolException e) {
        log.info("{} {}: {}; closing", info.worker(), info.peer(), e.getMessage());
        handle.caller(Thread.currentThread());
        try {
            handler.onProtocolError(e, this);
        } catch (RuntimeException failure) {
            log.warn("{} {}: handler {} failed in onProtocolError", info.worker(), info.peer(),
                    handler.getClass().getName(), failure);
        } finally {
            handle.caller(null);
        }
        closeReason = CloseReason.PROTOCOL_ERROR;
    }

    /** Framer callback: one complete message. */
    @Override
    public void accept(ByteBuffer message) {
        if (closeReason != null) {
            return;
        }
        try {
            LongConsumer sink = worker.handlerTimeSink();
            if (sink == null || ++sinceTimed < ServerStats.HANDLER_TIMING_SAMPLE) {
                handler.onMessage(message, this);
            } else {
                sinceTimed = 0;
                long start = System.nanoTime();
                handler.onMessage(message, this);
                sink.accept(System.nanoTime() - start);
            }
            if (connection != null) {
                connection.messageHandled();
            } else {
                worker.messageHandled();
            }
        } catch (RuntimeException e) {
            failed("onMessage", e);
        }
    }

    /**
     * Carries out what other threads queued on the handle, in order: sends are framed into the
     * outbound queue, tasks run as handler calls, a close-after-writes closes after what came
     * before it. Whatever comes after the conversation started closing is dropped. The driver
     * writes afterwards.
     */
    public void drain() {
        while (true) {
            Object item;
            while ((item = handle.take()) != null) {
                if (closeReason != null || ended) {
                    continue; // closing: drop the rest (take() keeps the byte count right)
                }
                if (item instanceof ByteBuffer payload) {
                    framer.encode(payload, out);
                } else if (ConnectionHandle.isCloseAfterWrites(item)) {
                    closeAfterReplies();
                } else {
                    runTask((Runnable) item);
                }
            }
            // Producers that added during the takes found the owner marked woken and did not wake it.
            // Clear the mark, then look once more: what is added from now on either is seen here or
            // wakes the owner again.
            handle.drainStarts();
            if (!handle.hasQueued()) {
                return;
            }
        }
    }

    private void runTask(Runnable task) {
        handle.caller(Thread.currentThread());
        try {
            task.run();
        } catch (RuntimeException e) {
            failed("a task", e);
        } finally {
            handle.caller(null);
        }
    }

    private void failed(String where, RuntimeException e) {
        log.warn("{} {}: handler {} failed in {}; closing the connection", info.worker(), info.peer(),
                handler.getClass().getName(), where, e);
        if (closeReason == null || closeReason == CloseReason.SERVICE_CLOSED) {
            closeReason = CloseReason.SERVER_ERROR;
        }
    }

    @Override
    public void send(ByteBuffer payload) {
        framer.encode(payload, out);
    }

    @Override
    public void closeAfterReplies() {
        if (closeReason == null) {
            closeReason = CloseReason.SERVICE_CLOSED;
        }
    }

    /** True once the conversation wants the connection closed (after writing what is queued). */
    public boolean isClosing() {
        return closeReason != null;
    }

    /** Why it is closing, or null while open. */
    public CloseReason closeReason() {
        return closeReason;
    }

    /** True if other threads have queued work for {@link #drain}. Any thread. */
    public boolean hasQueued() {
        return handle.hasQueued();
    }

    /**
     * The connection is gone, for {@code reason}: tells the handler, then completes the handle's
     * close future. Runs once; later calls do nothing.
     */
    public void closed(CloseReason reason) {
        if (ended) {
            return;
        }
        ended = true;
        if (closeReason == null) {
            closeReason = reason;
        }
        handle.caller(Thread.currentThread());
        try {
            handler.onClose(reason);
        } catch (RuntimeException | Error e) { // the connection is gone already: an Error here must not take its owner's thread
            log.warn("{} {}: handler {} failed in onClose", info.worker(), info.peer(), handler.getClass().getName(), e);
        } finally {
            handle.caller(null);
            handle.closed(reason);
        }
    }

    public ConnectionInfo info() {
        return info;
    }

    /** The handle services hold for this connection. */
    public ConnectionHandle handle() {
        return handle;
    }
}
