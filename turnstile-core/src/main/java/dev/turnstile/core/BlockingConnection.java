package dev.turnstile.core;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionStats;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.WorkerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The owner of one framed connection under a blocking model: the connection's thread reads, and
 * whoever holds {@link #lock} drives the {@link Conversation} and writes. That is the
 * connection's thread after each read, or, for what other threads queued on the handle while it
 * waits in {@code read()}, a writer started on demand.
 *
 * <p><b>Why a writer.</b> The connection's thread spends its life blocked in {@code read()}; a
 * send from another thread (a chat message, a reply computed elsewhere) must not wait for the
 * peer's next message, and the sender must never block on a slow peer. So a queued send wakes a
 * virtual thread, {@code turnstile-writer-ID}, which takes the lock, drains the handle and
 * writes, and ends when nothing is left. A virtual thread costs little, holds no pool worker,
 * and may block in a write to a slow peer without holding up anyone but itself; the bound on
 * pending bytes ends that wait by closing the socket ({@link #abort}), as does the model's
 * stuck-write sweep past the write timeout (see {@link OpenConnections}).
 * <p><b>Closing from the writer.</b> When a drain makes the conversation close (a
 * close-after-writes, a task that threw), the writer shuts the socket's output after the
 * replies, then its input, which ends the connection thread's {@code read()}; that thread then
 * reports the close as it does any other.
 * <p><b>Thread-safety.</b> The conversation and {@code out} are guarded by {@link #lock}.
 * {@link #wake} and {@link #abort} are called from any thread.
 */
final class BlockingConnection implements ConnectionHandle.Owner {

    /** A blocking write renews its write-timeout clock every this many bytes the peer takes. */
    static final int WRITE_SLICE_BYTES = 64 * 1024;
    private static final Logger log = LoggerFactory.getLogger(BlockingConnection.class);

    private final SocketChannel channel;
    private final ServerStats stats;
    private final ConnectionStats connectionStats;                // its bytes and state, for the status page
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean writerRunning = new AtomicBoolean();
    private final OutboundBuffer out = new OutboundBuffer(1024); // guarded by lock
    private final ConnectionHandle handle;
    private final OpenConnections.Entry entry;                    // told when a write may block, for the write timeout
    private final Runnable writing;                               // entry::writing, made once
    private Conversation conversation;                            // set once, before the first call
    private ConnectionStreams streams;                            // set with the conversation: where replies go
    private boolean ended;                                        // guarded by lock: closed() has run

    BlockingConnection(SocketChannel channel, ServerStats stats, ConnectionStats connectionStats, ConnectionHandle handle,
                       OpenConnections.Entry entry) {
        this.channel = channel;
        this.connectionStats = connectionStats;
        this.entry = entry;
        this.writing = entry::writing;
        this.stats = stats;
        this.handle = handle;
        handle.ownedBy(this);
    }

    OutboundBuffer outbound() {
        return out;
    }

    ConnectionHandle handle() {
        return handle;
    }

    void attach(Conversation conversation, ConnectionStreams streams) {
        this.conversation = conversation;
        this.streams = streams;
    }

    /** True once a conversation was made (the service's handler was created). Connection thread. */
    boolean attached() {
        return conversation != null;
    }

    /** Connection thread: the handler's greeting, and whatever was queued meanwhile, written. */
    void open() throws IOException {
        lock.lock();
        try {
            conversation.open();
            conversation.drain();
            flushLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Connection thread, after a read: answers what was read, and what was queued, and writes it all. */
    void receive(ByteBuffer in, boolean endOfInput) throws IOException {
        lock.lock();
        try {
            conversation.receive(in, endOfInput);
            if (conversation.hasQueued()) {
                conversation.drain();
            }
            flushLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Connection thread, once: the socket is closed; tells the handler, after any writer's call. */
    void closed(CloseReason reason) {
        lock.lock();
        try {
            ended = true;
            conversation.closed(reason);
        } finally {
            lock.unlock();
        }
    }

    private void flushLocked() throws IOException {
        if (out.pending() > 0) {
            handle.unwritten(out.pending());
            connectionStats.phase(WorkerState.WRITING);
            try { // each slice renews the write clock: the model's sweep closes a peer that takes none for the write timeout
                long n = out.writeAll(streams.writer(), WRITE_SLICE_BYTES, writing);
                stats.bytesOut(n);
                connectionStats.wrote(n);
            } finally {
                entry.wrote();
            }
            out.release();
            handle.unwritten(0);
        }
    }

    // ---- ConnectionHandle.Owner: any thread --------------------------------------------------

    @Override
    public void wake() {
        if (writerRunning.compareAndSet(false, true)) {
            Thread.ofVirtual().name("turnstile-writer-" + handle.info().id()).start(this::drainOnWriter);
        }
    }

    /** Closing the socket ends a blocked read or write at once; the connection thread reports the close. */
    @Override
    public void abort() {
        Sockets.closeQuietly(channel);
    }

    /** On the writer: drain and write until nothing is queued, then end. */
    private void drainOnWriter() {
        do {
            lock.lock();
            try {
                if (!ended) {
                    conversation.drain();
                    flushLocked();
                    connectionStats.phase(WorkerState.READING); // the connection's thread still waits in read()
                    if (conversation.isClosing()) {
                        endInput();
                    }
                }
            } catch (IOException e) {
                handle.abort(CloseReason.RESET); // the connection thread sees the closed socket and reports it
            } catch (RuntimeException | Error e) { // a task's Error: this writer ends, the connection with it
                log.error("{}: failed on the writer; closing the connection", handle.info().peer(), e);
                handle.abort(CloseReason.SERVER_ERROR);
            } finally {
                lock.unlock();
            }
            writerRunning.set(false);
        } while (handle.hasQueued() && writerRunning.compareAndSet(false, true));
    }

    /** The peer gets every reply, then the end; the connection thread's read returns end of input. */
    private void endInput() throws IOException {
        streams.shutdownOutput();
        channel.shutdownInput();
    }
}
