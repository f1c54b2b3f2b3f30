package dev.turnstile.model.eventloop;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.Framer;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.Outbound;
import dev.turnstile.api.ConnectionStats;
import dev.turnstile.api.WorkerState;
import dev.turnstile.core.ConnectionHandle;
import dev.turnstile.core.Conversation;
import dev.turnstile.core.OutboundBuffer;
import dev.turnstile.core.Sockets;
import dev.turnstile.core.tls.TlsChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One connection on a {@link SelectorLoop}, from registration to close: reads when the loop says
 * it is readable, hands the bytes to the connection's {@link Conversation}, writes the replies,
 * and closes. Where the handler runs is the subclass's part: {@link OnLoopConnection} answers on
 * the loop thread, {@link OnWorkerConnection} on a {@link HandlerPool} worker; the loop makes one
 * or the other for every connection, by its model.
 *
 * <p><b>States</b> (bits of {@code state}; only move forward except PAUSED):
 * <ul>
 * <li>EOF: the peer shut its output; never read again; replies still go out, then close.</li>
 * <li>PAUSED: unsent replies passed the high-water mark; not read until they drop to the
 *     low-water mark (with workers: until they are all sent).</li>
 * <li>JOB: a batch of input is with a worker ({@link OnWorkerConnection} only); not read and
 *     never timed out until it returns.</li>
 * <li>STOPPING: shutdown asked to close once the replies in hand are written.</li>
 * <li>CLOSED: the conversation is over and the close is reported; nothing more is read for it.</li>
 * <li>LINGER: closed, but the peer may still be sending, so our output is shut (the kernel sends
 *     the replies it holds, then FIN) and its input is discarded until it closes or the linger
 *     time ends. Closing with unread input would send a reset instead, and the kernel would drop
 *     replies it had not delivered yet.</li>
 * <li>RELEASED: the socket is closed and the loop has forgotten the connection.</li>
 * <li>HANDSHAKE: TLS only, the first state: the handshake runs ({@link TlsHandshake}); the
 *     conversation is not open yet and the handler has not been told of the connection (a
 *     failed handshake closes it as {@link CloseReason#TLS_HANDSHAKE_FAILED} without a word to
 *     the handler).</li>
 * </ul>
 * The interest set follows from them in {@link #settle}: OP_WRITE while replies are unsent, OP_READ
 * while none of EOF, PAUSED, JOB, STOPPING holds and the conversation is not closing.
 *
 * <p><b>Memory.</b> An idle connection holds this object, its conversation and framer, and the
 * JDK's channel and key. Bytes are held only while needed: {@code inbound} while a message is
 * unfinished, {@code outbound} while a write was partial. Reads go into the loop's shared read
 * buffer whenever the unfinished message fits comfortably in it.
 *
 * <p><b>Timeouts</b>, checked by the loop's tick sweep ({@link #expireIfDue}), each kept as one
 * long: {@code lastActive} (any read or write progress: the idle timeout);
 * {@code writeWaitSince} (when unsent replies began waiting, renewed by each write that moves
 * bytes: the write timeout, even while a worker holds the connection); {@code messageSince}
 * (when the unfinished message began, renewed whenever a message completes: the message
 * timeout, not applied while a worker holds the input or while reading is paused for our own
 * unsent replies, and restarted when that pause ends).
 *
 * <p><b>The handle.</b> Each connection owns its {@link ConnectionHandle} ({@link ConnectionHandle.Owner}):
 * {@link #wake} posts the subclass's preallocated drain task to the loop, {@link #abort} posts a
 * close with the handle's reason. {@link #settle} publishes the unsent byte count to the handle
 * when it changes, and closes as a slow consumer when it passes the bound. The reason a close was
 * reported with is kept ({@code closedWith}) for a handler that hears of it after its worker job.
 *
 * <p><b>TLS.</b> With TLS, {@code io} is a {@link TlsChannel} over the socket, and everything
 * above works on plaintext as before: reads give decrypted bytes, writes take plaintext and
 * encrypt it. The channel holds at most about a record each way; its unsent ciphertext keeps
 * OP_WRITE on and holds back the close ({@link #settle}), and plaintext it decrypted ahead of a
 * read (more records than the read buffer took) is read by a posted task once reading is wanted,
 * since the socket will not signal it. Without TLS {@code io} is the socket itself and nothing
 * on the plaintext path changes.
 *
 * <p><b>Thread-safety.</b> Loop thread only, except {@link #wake} and {@link #abort} (any thread:
 * they only post to the loop) and what an {@link OnWorkerConnection} lends its worker during a
 * job (see there).
 */
abstract class LoopConnection implements Outbound, ConnectionHandle.Owner {

    private static final Logger log = LoggerFactory.getLogger(LoopConnection.class);

    static final int EOF = 1, PAUSED = 2, JOB = 4, STOPPING = 8, CLOSED = 16, LINGER = 32, RELEASED = 64,
            HANDSHAKE = 128;
    static final int MIN_BUFFER = 1024;
    /** The longest a closed connection lingers to let its replies out (never longer than the idle timeout). */
    private static final long LINGER_NANOS = 2_000_000_000L;

    final SelectorLoop loop;
    final SocketChannel channel;
    final ByteChannel io;                       // the socket, or its TLS channel: where plaintext is read and written
    final TlsChannel tls;                       // null: plaintext
    private final Runnable reread = this::reread; // posted when TLS holds plaintext the socket will not signal
    private boolean rereadPosted;               // loop thread only
    private final SelectionKey key;
    private final MessageHandler handler;       // named in slow-callback warnings
    final Conversation conversation;
    final ConnectionHandle handle;              // the service's side: any thread
    final ConnectionStats stats;                // bytes, messages and state for the status page: the owner of the moment
    private final Runnable abortTask = this::abortNow; // posted to the loop by abort()
    private long published;                     // loop thread only: unwritten bytes last told to the handle
    CloseReason closedWith;                     // loop thread only: the reported reason, kept for a handler still on a worker
    ByteBuffer inbound;                         // loop thread (worker during a job); write mode; null: no unfinished message
    OutboundBuffer outbound;                    // loop thread only; null: every reply sent
    int state;                                  // loop thread only
    int interest;                               // loop thread only: what key.interestOps() was last set to
    long lastActive;                            // loop thread only: the loop's clock at the last progress
    long writeWaitSince;                        // loop thread only: unsent replies waiting since, or last moved; 0: none
    long messageSince;                          // loop thread only: the unfinished message began; 0: none held
    int slot = -1;                              // loop thread only: index in the loop's ConnectionTable

    LoopConnection(SelectorLoop loop, SocketChannel channel, SelectionKey key, ConnectionInfo info, Framer framer,
                   MessageHandler handler, ConnectionStats stats) {
        this.loop = loop;
        this.stats = stats;
        this.channel = channel;
        this.tls = loop.tls() == null ? null : new TlsChannel(channel, loop.tls().newEngine());
        this.io = tls == null ? channel : tls;
        this.key = key;
        this.handler = handler;
        this.handle = new ConnectionHandle(info, loop.maxPendingBytes(), loop.timers());
        handle.ownedBy(this);
        this.conversation = new Conversation(handle, framer, handler, this, stats);
        this.interest = key.interestOps();
        this.lastActive = loop.now();
    }

    final ConnectionInfo info() {
        return conversation.info();
    }

    final MessageHandler handler() {
        return handler;
    }

    /**
     * Loop thread, right after registration: the handler's {@code onOpen} runs (on the loop, or
     * on a worker as the first job), and its greeting is written.
     */
    abstract void opened();

    /** Loop thread, right after registration: opens, or with TLS begins the handshake and opens after it. */
    final void start() {
        if (tls == null) {
            opened();
        } else {
            state |= HANDSHAKE;
            TlsHandshake.step(this);
        }
    }

    /** TLS: the handshake is done; the conversation opens as a plaintext one would at registration. */
    final void handshakeDone() {
        state &= ~HANDSHAKE;
        lastActive = loop.now();
        interest(SelectionKey.OP_READ);
        opened();
    }

    /** TLS: what the handshake waits for. */
    final void handshakeWaits(int ops) {
        interest(ops);
    }

    final boolean handshaking() {
        return (state & HANDSHAKE) != 0;
    }

    /** TLS: decrypted plaintext waits that no readiness will announce; read it if reading is still wanted. */
    private void reread() {
        rereadPosted = false;
        if (!closed() && (interest & SelectionKey.OP_READ) != 0) {
            onReady(SelectionKey.OP_READ);
        }
    }

    // ---- ConnectionHandle.Owner: any thread --------------------------------------------------

    /**
     * Something was queued on the handle: post this connection's drain task to the loop. The
     * handle calls this at most once until the next drain starts, so the loop's task queue holds
     * at most one drain per connection.
     */
    @Override
    public final void wake() {
        loop.execute(drainTask()); // false: the loop has ended, and closed this connection on its way out
    }

    /** A close-now was asked (slow consumer, the service's close()): the loop closes, dropping what is unwritten. */
    @Override
    public final void abort() {
        loop.execute(abortTask);
    }

    /** The task {@link #wake} posts: made once per connection, so a wake allocates only the queue's node. */
    abstract Runnable drainTask();

    /** Loop thread: the close-now asked through the handle. */
    private void abortNow() {
        if (!closed()) {
            log.debug("{} {}: closed from the service's side: {}", loop.name(), info().peer(), handle.abortReason());
            close(handle.abortReason());
        }
    }

    /** The loop saw readiness for this connection. Sorts its own failures; never throws. */
    final void onReady(int readyOps) {
        if ((state & LINGER) != 0) {
            discardInput();
            return;
        }
        if ((state & HANDSHAKE) != 0) {
            TlsHandshake.step(this);
            return;
        }
        try {
            if ((readyOps & SelectionKey.OP_WRITE) != 0 && (outbound != null || tls != null)) {
                if (outbound != null) {
                    writePending();
                } else {
                    tls.flush();
                }
                settle();
            }
            if ((readyOps & SelectionKey.OP_READ) != 0 && (interest & SelectionKey.OP_READ) != 0 && !closed()) {
                onReadable();
            }
        } catch (IOException e) {
            peerGone(e);
        } catch (RuntimeException | Error e) {
            failed(e);
        }
    }

    private void onReadable() throws IOException {
        ByteBuffer buffer = readBuffer();
        stats.phase(WorkerState.READING);
        int n = io.read(buffer);
        if (n == 0) {
            keepUnfinished(buffer.flip());
            return;
        }
        boolean endOfInput = n < 0;
        if (endOfInput) {
            state |= EOF;
        } else {
            loop.countRead(n);
            stats.read(n);
            lastActive = loop.now();
        }
        received(buffer.flip(), endOfInput);
    }

    /**
     * Bytes were read: {@code buffer} (read mode) is the loop's shared read buffer or
     * {@code inbound}, holding the unfinished message first. The subclass has the handler answer
     * them, where it runs, and settles.
     */
    abstract void received(ByteBuffer buffer, boolean endOfInput) throws IOException;

    /**
     * Where the next read goes, in write mode, already holding the unfinished message if any: the
     * loop's shared buffer when the unfinished bytes fit comfortably in it (one large read, no
     * matter how little is held), else the connection's own buffer, grown toward the maximum.
     */
    private ByteBuffer readBuffer() {
        ByteBuffer shared = loop.readBuffer();
        shared.clear();
        if (inbound == null) {
            return shared;
        }
        if (inbound.position() <= shared.capacity() / 2) {
            inbound.flip();
            shared.put(inbound);
            inbound.clear(); // kept for reuse if the message is still unfinished after this read
            return shared;
        }
        if (!inbound.hasRemaining()) {
            int max = loop.maxInboundBytes();
            if (inbound.capacity() >= max) {
                throw new IllegalStateException("inbound buffer full at " + inbound.capacity()
                        + " bytes; the framer should have refused the message");
            }
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(max, inbound.capacity() * 2));
            inbound = bigger.put(inbound.flip());
        }
        return inbound;
    }

    /** Keeps the bytes left in {@code buffer} (read mode) as the unfinished message, or drops the buffer. */
    final void keepUnfinished(ByteBuffer buffer) {
        int left = buffer.remaining();
        if (buffer == inbound) {
            if (left > 0) {
                inbound.compact();
            } else {
                inbound = null;
            }
        } else if (left == 0) {
            inbound = null;
        } else {
            if (inbound == null || inbound.capacity() < left) {
                inbound = ByteBuffer.allocate(Math.min(loop.maxInboundBytes(), Math.max(MIN_BUFFER, 2 * left)));
            }
            inbound.clear();
            inbound.put(buffer);
        }
    }

    /** Writes what {@code outbound} holds, as far as the socket takes it now; a write is activity. */
    final void writePending() throws IOException {
        stats.phase(WorkerState.WRITING);
        int n = outbound.writeOnce(io);
        if (n > 0) {
            loop.countWritten(n);
            stats.wrote(n);
            lastActive = loop.now();
            writeWaitSince = lastActive; // settle clears it if nothing is left
        }
    }

    /**
     * After a decode: {@code completed} says at least one message was consumed, {@code left} how
     * many bytes of an unfinished message remain. Starts, renews or clears the message clock.
     */
    final void messageProgress(boolean completed, int left) {
        if (left == 0) {
            messageSince = 0;
        } else if (completed || messageSince == 0) {
            messageSince = loop.now();
        }
    }

    /**
     * Brings the interest set and the state in line with what is pending; closes once the
     * conversation is over and every reply is written. The loop's water marks are the mode's:
     * with workers both are 0, so that a connection with unsent replies is not read.
     */
    final void settle() {
        if (closed()) {
            return;
        }
        int pending = outbound == null ? 0 : outbound.pending();
        if (pending == 0) {
            outbound = null;
            writeWaitSince = 0;
        } else if (writeWaitSince == 0) {
            writeWaitSince = loop.now();
        }
        if (pending != published) { // only when it changed: nothing on the fast path, where nothing stays unsent
            published = pending;
            handle.unwritten(pending);
        }
        if (pending > 0 && handle.overBound(pending)) {
            handle.markAborted(CloseReason.SLOW_CONSUMER); // logs it once, as a sender's abort would
            close(CloseReason.SLOW_CONSUMER);
            return;
        }
        boolean job = (state & JOB) != 0;
        boolean closing = conversation.isClosing() || (state & (EOF | STOPPING)) != 0;
        boolean cipherWaits = tls != null && tls.wantsWritable(); // TLS: encrypted bytes the socket has not taken
        stats.state(closing ? WorkerState.CLOSING : job ? WorkerState.HANDLING
                : pending > 0 ? WorkerState.WRITING : WorkerState.READING);
        if (closing && !job && pending == 0 && !cipherWaits) {
            finish(closeReason());
            return;
        }
        if (pending > loop.highWaterBytes()) {
            state |= PAUSED;
        } else if (pending <= loop.lowWaterBytes()) {
            if ((state & PAUSED) != 0 && messageSince != 0) {
                messageSince = loop.now(); // we held the message up, not the peer: its time starts again
            }
            state &= ~PAUSED;
        }
        int want = pending > 0 || cipherWaits ? SelectionKey.OP_WRITE : 0;
        if (!closing && !job && (state & PAUSED) == 0) {
            want |= SelectionKey.OP_READ;
        }
        interest(want);
        if (tls != null && (want & SelectionKey.OP_READ) != 0 && !rereadPosted && tls.hasBufferedInput()) {
            rereadPosted = true;
            loop.execute(reread);
        }
    }

    private void interest(int want) {
        if (want != interest) {
            key.interestOps(want);
            interest = want;
        }
    }

    private CloseReason closeReason() {
        CloseReason reason = conversation.closeReason();
        if (reason != null) {
            return reason;
        }
        return (state & STOPPING) != 0 ? CloseReason.SHUTDOWN : CloseReason.PEER_CLOSED;
    }

    // ---- Ends --------------------------------------------------------------------------------

    /**
     * The tick sweep: closes if unsent replies have not moved for {@code writeNanos}, if an
     * unfinished message is older than {@code messageNanos} (not while a worker holds the input
     * or reading is paused), or if nothing has happened for {@code idleNanos} (a worker's batch
     * counts as activity); lets a lingering one go after the linger time.
     */
    final void expireIfDue(long now, long idleNanos, long writeNanos, long messageNanos) {
        if ((state & LINGER) != 0) {
            if (now - lastActive >= Math.min(LINGER_NANOS, idleNanos)) {
                release();
            }
        } else if ((state & HANDSHAKE) != 0) {
            if (now - lastActive >= loop.handshakeNanos()) {
                TlsHandshake.timedOut(this);
            }
        } else if (outbound != null && writeWaitSince != 0 && now - writeWaitSince >= writeNanos) {
            log.info("{} {}: took none of our bytes for {} ms; closing", loop.name(), info().peer(),
                    writeNanos / 1_000_000);
            close(CloseReason.WRITE_TIMEOUT);
        } else if ((state & JOB) == 0) {
            if (messageSince != 0 && (state & PAUSED) == 0 && now - messageSince >= messageNanos) {
                log.debug("{} {}: message unfinished after {} ms; closing", loop.name(), info().peer(),
                        messageNanos / 1_000_000);
                close(CloseReason.MESSAGE_TIMEOUT);
            } else if (now - lastActive >= idleNanos) {
                log.debug("{} {}: idle; closing", loop.name(), info().peer());
                close(CloseReason.IDLE_TIMEOUT);
            }
        }
    }

    /** Busy: replies in hand not yet written, or a worker answering. */
    final boolean busy() {
        return outbound != null || (state & JOB) != 0;
    }

    /** Shutdown: read nothing more, close once the replies in hand are written. */
    final void stopAfterReplies() {
        state |= STOPPING;
        settle();
    }

    /** Unsent reply bytes, for inspection. */
    final int unsentBytes() {
        return outbound == null ? 0 : outbound.pending();
    }

    /** True while reading is held back by unsent replies. */
    final boolean readPaused() {
        return (state & PAUSED) != 0;
    }

    /** True once shutdown asked it to close after the replies in hand. */
    final boolean stopping() {
        return (state & STOPPING) != 0;
    }

    /**
     * Shutdown's last resort: closes now, interrupting the handler if it is still running
     * elsewhere, and says who this was and what it was doing, for the shutdown report.
     */
    final String forceClose() {
        String who = "connection " + info().id() + " from " + info().peer() + " on " + loop.name() + ": ";
        String what = interruptHandler(who);
        if (what == null) {
            what = who + unsentBytes() + " reply bytes unsent; closed";
        }
        close(CloseReason.SHUTDOWN);
        return what;
    }

    /**
     * Shutdown's last resort, before closing: interrupts the handler if it is running on another
     * thread and describes it after {@code who}; null if it is not running elsewhere.
     */
    abstract String interruptHandler(String who);

    final void peerGone(IOException e) {
        if (Sockets.isPeerGone(e)) {
            log.debug("{} {}: peer gone: {}", loop.name(), info().peer(), e.toString());
        } else {
            log.info("{} {}: connection failed: {}", loop.name(), info().peer(), e.toString());
        }
        close(CloseReason.RESET);
    }

    /** Our bug (the handler's or ours), an Error such as a stack overflow included: warn with the stack and close. */
    void failed(Throwable e) {
        log.warn("{} {}: connection failed in service {}; closing it", loop.name(), info().peer(),
                loop.serviceName(), e);
        close(CloseReason.SERVER_ERROR);
    }

    final boolean closed() {
        return (state & CLOSED) != 0;
    }

    /** True while closed but still letting the replies out; see LINGER. */
    final boolean lingering() {
        return (state & LINGER) != 0;
    }

    /**
     * The polite end, once every reply is with the kernel: if the peer has shut its output, close;
     * else report the close, shut our output and linger (see LINGER).
     */
    private void finish(CloseReason reason) {
        if ((state & EOF) != 0) {
            if (tls != null) {
                tls.closeOutbound(); // the peer is done sending; it still reads our close_notify
            }
            close(reason);
            return;
        }
        try {
            if (tls != null) {
                tls.closeOutbound(); // close_notify, as far as the socket takes it now
            }
            channel.shutdownOutput();
        } catch (IOException e) {
            close(reason);
            return;
        }
        report(reason);
        state |= LINGER;
        lastActive = loop.now();
        interest(SelectionKey.OP_READ);
    }

    /** Lingering: reads and drops what the peer still sends; lets go at its end of stream. */
    private void discardInput() {
        ByteBuffer shared = loop.readBuffer();
        shared.clear();
        try {
            int n = channel.read(shared);
            if (n < 0) {
                release();
            } else {
                loop.countRead(n);
            }
        } catch (IOException e) {
            release(); // the peer reset: it has what it is going to get
        }
    }

    /**
     * Closes now and reports it, unless already reported (a lingering connection is just let go);
     * the handler hears of it now, or when its worker returns. Idempotent.
     */
    final void close(CloseReason reason) {
        if (!closed()) {
            report(reason);
        }
        release();
    }

    /** The conversation is over: count the close and tell the handler (after its worker, if one holds it). */
    private void report(CloseReason reason) {
        state |= CLOSED;
        closedWith = reason;
        outbound = null;
        loop.reportClosed(this, reason);
        if ((state & (JOB | HANDSHAKE)) == 0) { // mid-handshake the handler never heard of it
            inbound = null;
            conversation.closed(reason);
        }
    }

    /** Closes the socket and leaves the loop. */
    private void release() {
        if ((state & RELEASED) != 0) {
            return;
        }
        state |= RELEASED;
        key.cancel();
        Sockets.closeQuietly(channel);
        loop.forget(this);
    }
}
