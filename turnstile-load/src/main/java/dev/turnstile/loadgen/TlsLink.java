package dev.turnstile.loadgen;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The TLS layer of one client connection slot: an {@link SSLEngine} in client mode between the
 * loop's plaintext and a non-blocking socket. The {@link ClientLoop} calls it instead of reading
 * and writing the socket itself; it never blocks and never waits: each call does what the socket
 * allows now and says what it needs next.
 *
 * <p><b>Buffers.</b> One record in each direction, allocated when the slot first handshakes and
 * reused by every later connection of the slot (churn makes a new engine per cycle, not new
 * buffers). {@code netIn} holds received bytes not yet unwrapped and is kept in fill mode
 * (position = end of data); {@code netOut} holds a wrapped record not yet written and is kept in
 * drain mode (position to limit = unwritten). A read takes at most one record's worth of bytes, so
 * what it unwraps always fits the loop's 64 KiB read buffer. After the handshake nothing here
 * allocates per message; the JDK's engine makes its own small result objects per call.
 *
 * <p><b>Thread-safety.</b> None: confined to the loop thread that owns the connection.
 */
final class TlsLink {

    /** What a handshake needs before it can go on. */
    enum Step {
        /** Finished: application data may flow. */
        DONE,
        /** Waiting for the server's bytes. */
        READ,
        /** Waiting for the socket to take the rest of a record. */
        WRITE
    }

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final ByteBuffer scratch; // the loop's read buffer, for what handshake records unwrap to (nothing)
    private SSLEngine engine;    // the current connection's; null between connections
    private ByteBuffer netIn;    // fill mode
    private ByteBuffer netOut;   // drain mode
    private boolean inboundClosed;

    /** @param scratch a buffer of at least one record's plaintext, shared with the loop (same thread) */
    TlsLink(ByteBuffer scratch) {
        this.scratch = scratch;
    }

    /** Starts a connection's TLS with a fresh engine; the first {@link #handshake} sends the hello. */
    void begin(SSLEngine newEngine) throws SSLException {
        int packet = newEngine.getSession().getPacketBufferSize();
        if (netIn == null || netIn.capacity() < packet) {
            netIn = ByteBuffer.allocate(packet);
            netOut = ByteBuffer.allocate(packet);
        }
        netIn.clear();
        netOut.clear().flip();
        inboundClosed = false;
        engine = newEngine;
        engine.beginHandshake();
    }

    /**
     * Moves the handshake on as far as the socket allows now.
     *
     * @throws IOException the handshake failed (an untrusted certificate, a server that does not
     *                     speak TLS) or the server closed or reset the connection meanwhile
     */
    Step handshake(SocketChannel channel) throws IOException {
        while (true) {
            if (!flush(channel)) {
                return Step.WRITE;
            }
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(NOTHING);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapHandshake()) {
                        int n = channel.read(netIn);
                        if (n < 0) {
                            throw new EOFException("the server closed the connection during the TLS handshake");
                        }
                        if (n == 0) {
                            return Step.READ;
                        }
                    }
                }
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    return Step.DONE;
                }
            }
        }
    }

    /**
     * Wraps from {@code plain} and writes, until {@code plain} is consumed or the socket is full.
     * Returns the plaintext bytes consumed; {@link #hasPendingOutput()} tells whether a wrapped
     * record still waits for the socket (it goes out first on the next call).
     */
    int send(SocketChannel channel, ByteBuffer plain) throws IOException {
        int consumed = 0;
        while (flush(channel) && plain.hasRemaining()) {
            consumed += wrap(plain);
        }
        return consumed;
    }

    boolean hasPendingOutput() {
        return netOut.hasRemaining();
    }

    /**
     * Reads what the socket has and unwraps every whole record into {@code app}, which is cleared
     * first and flipped at the end (position to limit = the plaintext received). Returns the
     * plaintext bytes, or -1 once the server has closed (end of stream or close_notify) and no
     * plaintext is left.
     */
    int receive(SocketChannel channel, ByteBuffer app) throws IOException {
        app.clear();
        int n = inboundClosed ? -1 : channel.read(netIn);
        netIn.flip();
        try {
            while (netIn.hasRemaining() && !inboundClosed) {
                SSLEngineResult r = engine.unwrap(netIn, app);
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    inboundClosed = true;
                } else if (r.getStatus() != SSLEngineResult.Status.OK) {
                    break;  // underflow: the rest of the record is still on its way
                }
                afterPostHandshake(channel, r.getHandshakeStatus());
            }
        } finally {
            netIn.compact();
        }
        app.flip();
        if (app.hasRemaining()) {
            return app.remaining();
        }
        return n < 0 || inboundClosed ? -1 : 0;
    }

    /**
     * Ends the connection's TLS politely: a close_notify, if the socket takes it now; nothing is
     * awaited. The engine is let go either way.
     */
    void close(SocketChannel channel) {
        if (engine == null) {
            return;
        }
        try {
            engine.closeOutbound();
            if (!engine.isInboundDone() && flush(channel)) {
                wrap(NOTHING);
                flush(channel);
            }
        } catch (IOException e) {
            // the connection is going anyway: a close_notify that cannot go is no error of the run
        }
        engine = null;
    }

    /** Handshake messages after the handshake (TLS 1.3 tickets, key updates): tasks run, replies sent. */
    private void afterPostHandshake(SocketChannel channel, SSLEngineResult.HandshakeStatus status) throws IOException {
        if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
            status = engine.getHandshakeStatus();
        }
        if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP && !inboundClosed && flush(channel)) {
            wrap(NOTHING);
            flush(channel);
        }
    }

    /** Unwraps one handshake record from {@code netIn}; false when a whole record has not arrived yet. */
    private boolean unwrapHandshake() throws SSLException {
        netIn.flip();
        try {
            SSLEngineResult r = engine.unwrap(netIn, scratch.clear());
            return switch (r.getStatus()) {
                case OK -> true;
                case BUFFER_UNDERFLOW -> false;
                case BUFFER_OVERFLOW -> throw new SSLException("the server sent application data during the handshake");
                case CLOSED -> throw new SSLException("the server ended TLS during the handshake");
            };
        } finally {
            netIn.compact();
        }
    }

    /** Wraps into the empty {@code netOut}; returns the plaintext bytes consumed. */
    private int wrap(ByteBuffer plain) throws SSLException {
        netOut.clear();
        SSLEngineResult r;
        try {
            r = engine.wrap(plain, netOut);
        } finally {
            netOut.flip();
        }
        if (r.getStatus() == SSLEngineResult.Status.CLOSED && plain != NOTHING) {
            throw new SSLException("TLS is closed: cannot send");
        }
        return r.bytesConsumed();
    }

    /** Writes what {@code netOut} holds; true once it is all out. */
    private boolean flush(SocketChannel channel) throws IOException {
        if (netOut.hasRemaining()) {
            channel.write(netOut);
        }
        return !netOut.hasRemaining();
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();  // on the loop thread: a client's handshake cost is part of what it measures
        }
    }
}
