package dev.turnstile.core.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;

/**
 * One TLS connection over a non-blocking {@link SocketChannel}, as a {@link ByteChannel} of
 * plaintext: {@link #read} gives decrypted bytes, {@link #write} takes plaintext and encrypts it,
 * and {@link #handshake} drives the handshake as far as the socket allows now. An event loop uses
 * it where it would use the socket, so the plaintext side (framing, unsent replies, water marks)
 * stays as it is; this class owns only the encrypted side.
 *
 * <p><b>Buffers</b>, all bounded by the session's record sizes, so a slow peer or a stalled
 * handshake holds at most about three records per connection: {@code netIn} (ciphertext read but
 * not yet decrypted: one partial record at most), {@code netOut} (ciphertext not yet taken by the
 * socket, a record plus a little room so that a handshake flight leaves in one write:
 * {@link #write} encrypts no more plaintext while it holds anything, so the caller keeps
 * its unsent plaintext, and its own backpressure applies), and {@code appIn} (plaintext decrypted
 * but not yet taken, only when the caller's buffer had no room for a whole record). A caller that
 * stops reading must ask {@link #hasBufferedInput} before it waits for the socket again: bytes
 * held here make the socket no more readable.
 *
 * <p><b>Closing.</b> In TLS 1.3 the peer's close_notify ends only its direction, so replies still
 * go out after it (a half-close); in TLS 1.2 it ends both, and a later {@link #write} fails as
 * the peer being gone.
 *
 * <p><b>Delegated tasks</b> (the handshake's certificate and key work) run inline on the caller's
 * thread, as Netty's {@code SslHandler} does by default: for a server without client
 * authentication they are one signature per full handshake.
 *
 * <p><b>Readiness.</b> {@link #wantsWritable} says the socket must become writable for progress
 * (ciphertext waits in {@code netOut}); {@link #handshake} says which readiness it waits for.
 *
 * <p>Not thread-safe: one thread (the connection's loop) drives it.
 */
public final class TlsChannel implements ByteChannel {

    /** What {@link #handshake} waits for next. */
    public enum Handshake { DONE, NEEDS_READABLE, NEEDS_WRITABLE }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final int RECORD_HEADER = 5;
    /**
     * Room in {@code netOut} past one whole record (the engine wraps only into a record's worth of
     * space): a handshake flight's records (ServerHello, ChangeCipherSpec, the encrypted rest)
     * gather behind each other and go out in one write, as long as they come to this much.
     */
    private static final int FLIGHT_SLACK = 4096;

    private final SocketChannel channel;
    private final SSLEngine engine;
    private ByteBuffer netIn;      // write mode: ciphertext read, not yet unwrapped
    private ByteBuffer netOut;     // write mode: ciphertext wrapped, not yet written
    private ByteBuffer appIn;      // write mode: plaintext unwrapped, not yet read; null until needed
    private boolean handshakeDone;
    private boolean inboundDone;   // the peer's close_notify or end of stream was read
    private boolean open = true;
    private boolean begun;         // beginHandshake was called

    /** A channel over {@code channel} (non-blocking, connected) with a fresh server-side {@code engine}. */
    public TlsChannel(SocketChannel channel, SSLEngine engine) {
        this.channel = channel;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet + FLIGHT_SLACK);
    }

    /** The underlying socket. */
    public SocketChannel socket() {
        return channel;
    }

    /** True once the handshake has finished. */
    public boolean handshakeDone() {
        return handshakeDone;
    }

    /** The protocol agreed on (TLSv1.3, TLSv1.2), once the handshake has finished. */
    public String protocol() {
        return engine.getSession().getProtocol();
    }

    /**
     * Drives the handshake: unwraps what the peer sent, runs the engine's tasks inline, wraps and
     * writes our flights, until the handshake is done or the socket has nothing more to give or
     * take now.
     *
     * @throws SSLException if the peer's bytes are not a handshake we accept (a plaintext client,
     *                      no protocol or cipher in common), or it closed during the handshake;
     *                      the alert, if any, has been sent as far as the socket took it
     */
    public Handshake handshake() throws IOException {
        try {
            if (!begun) {
                begun = true;
                engine.beginHandshake();
            }
            while (true) {
                HandshakeStatus status = engine.getHandshakeStatus();
                switch (status) {
                    case NOT_HANDSHAKING, FINISHED -> {
                        if (!flush()) {
                            return Handshake.NEEDS_WRITABLE;
                        }
                        handshakeDone = true;
                        if (appIn != null && appIn.position() == 0) {
                            appIn = null; // reads go straight into the caller's buffer when it has room for a record
                        }
                        return Handshake.DONE;
                    }
                    case NEED_TASK -> runTasks();
                    case NEED_WRAP -> {
                        // the flight's records gather in netOut and go out in one write, before we wait for the peer
                        if (wrap(EMPTY).getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && !flush()) {
                            return Handshake.NEEDS_WRITABLE;
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (!flush()) {
                            return Handshake.NEEDS_WRITABLE;
                        }
                        SSLEngineResult r = unwrap(appIn());
                        switch (r.getStatus()) {
                            case BUFFER_UNDERFLOW -> {
                                int n = fill();
                                if (n < 0) {
                                    throw new SSLHandshakeException("the peer closed the connection during the handshake");
                                }
                                if (n == 0) {
                                    return Handshake.NEEDS_READABLE;
                                }
                            }
                            case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                            case CLOSED -> throw new SSLHandshakeException("the peer closed TLS during the handshake");
                            case OK -> { }
                        }
                    }
                }
            }
        } catch (SSLException e) {
            sendAlert();
            throw e;
        }
    }

    /**
     * Decrypted bytes into {@code dst}: what is held first, else as much as the socket gives now.
     * Returns 0 when a record is unfinished (or only a handshake message came), -1 at the peer's
     * close_notify or end of stream. Answers the peer's post-handshake messages (a key update) as
     * it reads them.
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (appIn != null && appIn.position() > 0) {
            return takeHeld(dst);
        }
        if (inboundDone) {
            return -1;
        }
        int appSize = engine.getSession().getApplicationBufferSize();
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK || status == HandshakeStatus.NEED_WRAP) {
                Handshake step = handshake(); // a post-handshake message to answer (a key update)
                if (appIn != null && appIn.position() > 0) {
                    return takeHeld(dst);
                }
                if (step != Handshake.DONE) {
                    return 0; // waits for the socket; wantsWritable says which way
                }
                continue;
            }
            if (netIn.position() == 0) { // nothing held: read before asking the engine, which could only underflow
                int n = fill();
                if (n < 0) {
                    inboundDone = true;
                    return -1;
                }
                if (n == 0) {
                    return 0;
                }
            }
            boolean direct = dst.remaining() >= appSize;
            ByteBuffer target = direct ? dst : appIn();
            SSLEngineResult r = unwrap(target);
            switch (r.getStatus()) {
                case OK -> {
                    if (r.bytesProduced() > 0) {
                        return direct ? r.bytesProduced() + readMore(dst, appSize) : takeHeld(dst);
                    }
                }
                case BUFFER_UNDERFLOW -> {
                    int n = fill();
                    if (n < 0) {
                        inboundDone = true; // end of stream without close_notify: the peer is gone all the same
                        return -1;
                    }
                    if (n == 0) {
                        return 0;
                    }
                }
                case BUFFER_OVERFLOW -> appIn = grow(appIn(), appSize);
                case CLOSED -> {
                    inboundDone = true;
                    return -1;
                }
            }
        }
    }

    /** After a record went straight into {@code dst}: the whole records held behind it, while one more fits. */
    private int readMore(ByteBuffer dst, int appSize) throws SSLException {
        int more = 0;
        while (dst.remaining() >= appSize && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                && hasBufferedInput()) {
            SSLEngineResult r = unwrap(dst);
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesProduced() == 0) {
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    inboundDone = true; // the next read says -1
                }
                break;
            }
            more += r.bytesProduced();
        }
        return more;
    }

    /**
     * Encrypts plaintext from {@code src} and writes it, as far as the socket takes it now;
     * returns the plaintext bytes taken. Takes none while earlier ciphertext still waits for the
     * socket, or before the handshake is done: the caller keeps them, so its own bound on unsent
     * bytes holds.
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        if (!open) {
            throw new ClosedChannelException();
        }
        if (!flush() || !handshakeDone) {
            return 0;
        }
        int taken = 0;
        while (src.hasRemaining()) {
            SSLEngineResult r = wrap(src);
            taken += r.bytesConsumed();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) { // TLS 1.2: the peer's close_notify closed both ways
                throw new java.io.EOFException("the peer closed TLS; replies after its close_notify are dropped");
            }
            if (!flush()) {
                break;
            }
        }
        return taken;
    }

    /** True while ciphertext waits for the socket: the caller should wait for writability and call {@link #flush}. */
    public boolean wantsWritable() {
        return netOut.position() > 0;
    }

    /**
     * True if bytes are held that a {@link #read} would give without the socket being readable:
     * decrypted plaintext, or a whole record not yet decrypted.
     */
    public boolean hasBufferedInput() {
        if (appIn != null && appIn.position() > 0) {
            return true;
        }
        int held = netIn.position();
        if (held < RECORD_HEADER) {
            return false;
        }
        int length = ((netIn.get(3) & 0xff) << 8) | (netIn.get(4) & 0xff);
        return held >= RECORD_HEADER + length;
    }

    /**
     * Writes waiting ciphertext, and answers what the engine still has to say (a key update's
     * reply), as far as the socket takes it now; true if nothing is left waiting.
     */
    public boolean flush() throws IOException {
        if (netOut.position() > 0) {
            netOut.flip();
            try {
                channel.write(netOut);
            } finally {
                netOut.compact();
            }
        }
        return netOut.position() == 0;
    }

    /**
     * The polite end of our side: a close_notify, written as far as the socket takes it now
     * (never waited for). The caller then shuts or closes the socket.
     */
    public void closeOutbound() {
        engine.closeOutbound();
        try {
            wrap(EMPTY);
            flush();
        } catch (IOException e) {
            // the peer is gone or the socket shut: nothing more to say
        }
    }

    @Override
    public boolean isOpen() {
        return open && channel.isOpen();
    }

    /** Closes the socket at once (no close_notify: see {@link #closeOutbound}). */
    @Override
    public void close() throws IOException {
        open = false;
        channel.close();
    }

    // ---- The engine's side ---------------------------------------------------------------------

    private SSLEngineResult unwrap(ByteBuffer target) throws SSLException {
        netIn.flip();
        try {
            SSLEngineResult r = engine.unwrap(netIn, target);
            if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                handshakeDone = true;
            }
            return r;
        } finally {
            netIn.compact();
        }
    }

    /** Wraps into {@code netOut}, which is flushed first if it has no room for a record. */
    private SSLEngineResult wrap(ByteBuffer src) throws IOException {
        while (true) {
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                handshakeDone = true;
            }
            if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                return r;
            }
            if (netOut.position() > 0) {
                return r; // a full record does not fit behind what waits: the caller flushes first
            }
            netOut = grow(netOut, engine.getSession().getPacketBufferSize());
        }
    }

    /** Reads ciphertext into {@code netIn}, grown to a whole record if full. */
    private int fill() throws IOException {
        if (!netIn.hasRemaining()) {
            netIn = grow(netIn, engine.getSession().getPacketBufferSize());
        }
        return channel.read(netIn);
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** After a failed handshake: the engine's alert, written if the socket takes it now. */
    private void sendAlert() {
        try {
            engine.closeOutbound();
            wrap(EMPTY);
            flush();
        } catch (IOException | RuntimeException e) {
            // the alert is a courtesy; the caller closes the socket either way
        }
    }

    private ByteBuffer appIn() {
        if (appIn == null) {
            appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        }
        return appIn;
    }

    private int takeHeld(ByteBuffer dst) {
        appIn.flip();
        int n = Math.min(dst.remaining(), appIn.remaining());
        int limit = appIn.limit();
        appIn.limit(appIn.position() + n);
        dst.put(appIn);
        appIn.limit(limit);
        appIn.compact();
        return n;
    }

    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, buffer.capacity() * 2));
        buffer.flip();
        return bigger.put(buffer);
    }
}
