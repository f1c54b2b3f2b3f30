package dev.turnstile.core;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ConnectionStats;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.FramerFactory;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.ServerContext;
import dev.turnstile.api.Session;
import dev.turnstile.api.SessionService;
import dev.turnstile.api.WorkerKind;
import dev.turnstile.api.WorkerState;
import dev.turnstile.core.framing.Framers;
import dev.turnstile.core.tls.ServerTls;
import dev.turnstile.core.proxy.ProxyPreface;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs one connection to its end on the calling thread: reads with the idle timeout, feeds a
 * {@link Conversation} (framed services) or hands the streams to a {@link SessionService}, writes
 * replies, and always closes the socket and reports the close, whatever happened. What other
 * threads send through a framed connection's handle is written by a {@link BlockingConnection}
 * writer while this thread waits in {@code read()}.
 *
 * <p><b>PROXY protocol.</b> When it is on, {@link ProxyPreface} reads the header first, on this
 * thread, and the connection's {@link ConnectionInfo} carries the client it names; nothing else
 * (stats, handler, session) sees the connection before that.
 *
 * <p><b>Timeouts.</b> A read waits at most the idle timeout; while an unfinished message is held
 * it waits at most until that message's deadline (the message timeout from the read that began
 * it, renewed whenever a message completes), and a timeout then closes with
 * {@link CloseReason#MESSAGE_TIMEOUT} rather than {@link CloseReason#IDLE_TIMEOUT}; a session
 * service reads its own stream, so only the idle timeout applies to it. Writes (framed or
 * session) say when each 64 KiB slice begins and when they end on the connection's
 * {@link OpenConnections.Entry}; a sweep on the
 * model's timer, started with the first connection and run every quarter of the write timeout
 * (10 ms to 1 s), closes the socket under a write stuck past the write timeout, and the close is
 * reported as {@link CloseReason#WRITE_TIMEOUT}.
 *
 * <p><b>Errors.</b> Each connection sorts its own: peer gone (reset, broken pipe) → debug; idle
 * and message timeouts → debug; write timeout → info; protocol broken → info (by
 * {@link Conversation}); our bug → warn with stack. A connection closed by shutdown logs nothing.
 * A handler's {@link VirtualMachineError} (a stack overflow, an {@link OutOfMemoryError}) closes its
 * connection {@link CloseReason#SERVER_ERROR} like any other failure of the service, logs an error,
 * and is then handed to the model's {@code fatalErrors}: the thread lives on (a pool's worker keeps
 * serving), and the model decides whether more must go (a pool worker process retires itself).
 *
 * <p><b>TLS.</b> With {@link ServerConfig#tls()} set, each connection first completes a handshake
 * within the handshake timeout ({@link ConnectionStreams}); one that fails or times out is closed
 * as {@link CloseReason#TLS_HANDSHAKE_FAILED}, logged at debug, and the service never hears of it.
 * Everything after runs over the SSLSocket's streams exactly as over the socket's.
 *
 * <p><b>Memory.</b> The read buffer starts at 4 KiB and grows only while a message is
 * unfinished, up to the maximum message length; it shrinks back after such a message.
 *
 * <p><b>States.</b> The connection's {@link ConnectionStats} and its worker say what the thread
 * is doing: READING while blocked in {@code read()}, HANDLING from the read's return until its
 * replies are framed, WRITING while they go out, CLOSING from the end of the conversation to the
 * socket's close; the worker is IDLE again once the connection is gone.
 *
 * <p>Thread-safe: one driver serves all connections of a model, each call on its own thread.
 */
public final class BlockingDriver {

    private static final Logger log = LoggerFactory.getLogger(BlockingDriver.class);
    private static final int INITIAL_READ_BUFFER = 4096;
    /** The longest a closing connection waits for its peer to finish sending; see {@link #lingerBeforeClose}. */
    static final java.time.Duration LINGER = java.time.Duration.ofSeconds(2);
    private static final long MIN_SWEEP_NANOS = 10_000_000L, MAX_SWEEP_NANOS = 1_000_000_000L;

    private final ServerContext context;
    private final OpenConnections connections;
    private final ConnectionTimers timers;
    private final FramerFactory framers; // null for a session service
    private final ServerTls tls;         // null: plaintext
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean sweeping = new AtomicBoolean(); // the stuck-write sweep was started
    private final Consumer<VirtualMachineError> fatalErrors;
    private final ProxyPreface proxy; // null: no PROXY protocol

    /**
     * A driver whose handlers' {@link VirtualMachineError}s cost only their connection.
     *
     * @param timers the clock for the connections' {@code schedule}; the model stops it when it stops
     */
    public BlockingDriver(ServerContext context, OpenConnections connections, ConnectionTimers timers) {
        this(context, connections, timers, null, error -> { });
    }

    /**
     * @param timers      the clock for the connections' {@code schedule}; the model stops it when it stops
     * @param limits      the server's limits, whose per-source part applies to the client a PROXY header
     *                    names ({@link AcceptGate#admitSource}); null: none
     * @param fatalErrors told, on the connection's thread after its close, when a handler failed
     *                    with a {@link VirtualMachineError}: the model's policy beyond closing that
     *                    connection (a pool worker process retires); must not throw
     */
    public BlockingDriver(ServerContext context, OpenConnections connections, ConnectionTimers timers,
                          AcceptGate limits, Consumer<VirtualMachineError> fatalErrors) {
        this.context = context;
        this.connections = connections;
        this.timers = timers;
        this.fatalErrors = fatalErrors;
        this.framers = context.service() instanceof FramedService framed
                ? Framers.forService(framed, context.config()) : null;
        this.tls = ServerTls.loadIfSet(context.config().tls());
        this.proxy = context.config().proxyProtocol().enabled()
                ? new ProxyPreface(context.config().proxyProtocol(), context.stats(), connections, limits) : null;
    }

    /**
     * Serves {@code channel} until it ends, as worker {@code worker}; closes it and runs
     * {@code release} exactly once, even if this throws.
     */
    public void run(SocketChannel channel, String worker, Runnable release) {
        ConnectionInfo info;
        try {
            info = new ConnectionInfo(ids.incrementAndGet(), Sockets.remote(channel), Sockets.local(channel), worker);
            if (proxy != null) {
                info = proxy.admit(channel, info); // the client's address from the PROXY header; null: refused
            }
        } catch (RuntimeException | Error e) {
            Sockets.closeQuietly(channel);
            release.run();
            throw e;
        }
        if (info == null) {
            release.run(); // refused by the PROXY stage: closed and counted there
            return;
        }
        if (proxy != null) {
            release = proxy.releaseFor(info, release);
        }
        if (!sweeping.get() && sweeping.compareAndSet(false, true)) {
            startWriteSweep();
        }
        boolean framed = context.service() instanceof FramedService;
        OpenConnections.Entry entry = connections.register(channel, "connection " + info.id() + " from " + info.peer(), framed);
        ConnectionStats stats = context.stats().connectionOpened(info);
        stats.worker().kind(Thread.currentThread().isVirtual() ? WorkerKind.VIRTUAL_THREAD : WorkerKind.THREAD);
        stats.phase(WorkerState.READING);
        BlockingConnection connection = framed ? new BlockingConnection(channel, context.stats(), stats,
                new ConnectionHandle(info, context.config().maxPendingBytes(), timers), entry) : null;
        CloseReason reason = CloseReason.SERVER_ERROR;
        VirtualMachineError fatal = null;
        try {
            channel.configureBlocking(true);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Socket socket = channel.socket();
            socket.setSoTimeout(Math.toIntExact(Math.min(Integer.MAX_VALUE, context.config().idleTimeout().toMillis())));
            ConnectionStreams streams;
            try {
                streams = ConnectionStreams.open(channel, tls, timers);
            } catch (IOException e) {
                if (entry.closedByShutdown()) {
                    throw e;
                }
                reason = CloseReason.TLS_HANDSHAKE_FAILED;
                log.debug("{} {}: TLS handshake failed: {}", worker, info.peer(), e.toString());
                return;
            }
            reason = switch (context.service()) {
                case FramedService service -> serveFramed(channel, streams, service, info, entry, connection, stats);
                case SessionService service -> serveSession(streams, service, info, entry, stats);
            };
        } catch (SocketTimeoutException e) {
            reason = CloseReason.IDLE_TIMEOUT;
            log.debug("{} {}: idle for {}; closing", worker, info.peer(), context.config().idleTimeout());
        } catch (IOException e) {
            CloseReason asked = connection == null ? null : connection.handle().abortReason();
            if (entry.closedByShutdown()) {
                reason = CloseReason.SHUTDOWN;
            } else if (entry.writeTimedOut()) {
                reason = CloseReason.WRITE_TIMEOUT;
                log.info("{} {}: took none of our bytes for {}; closing", worker, info.peer(),
                        context.config().writeTimeout());
            } else if (asked != null) {
                reason = asked; // closed at once from another thread: slow consumer, the service's close()
                log.debug("{} {}: closed: {}", worker, info.peer(), asked);
            } else if (Sockets.isPeerGone(e)) {
                reason = CloseReason.RESET;
                log.debug("{} {}: peer gone: {}", worker, info.peer(), e.toString());
            } else {
                reason = CloseReason.RESET;
                log.info("{} {}: connection failed: {}", worker, info.peer(), e.toString());
            }
        } catch (VirtualMachineError e) {
            fatal = e;
            reason = CloseReason.SERVER_ERROR; // even under shutdown: the model hears of it
            log.error("{} {}: service {} failed with {}; closing the connection", worker, info.peer(),
                    context.service().name(), e.getClass().getSimpleName(), e);
        } catch (RuntimeException | Error e) {
            if (entry.closedByShutdown()) {
                reason = CloseReason.SHUTDOWN;
            } else {
                reason = CloseReason.SERVER_ERROR;
                log.warn("{} {}: service {} failed; closing the connection", worker, info.peer(),
                        context.service().name(), e);
            }
        } finally {
            stats.phase(WorkerState.CLOSING);
            connections.remove(entry);
            Sockets.closeQuietly(channel);
            if (connection != null && connection.attached()) {
                connection.closed(reason);
            }
            context.stats().connectionClosed(info, reason);
            stats.worker().state(WorkerState.IDLE);
            release.run();
            if (fatal != null) {
                fatalErrors.accept(fatal);
            }
        }
    }

    private CloseReason serveFramed(SocketChannel channel, ConnectionStreams streams, FramedService service,
                                    ConnectionInfo info, OpenConnections.Entry entry,
                                    BlockingConnection connection, ConnectionStats stats) throws IOException {
        ServerConfig config = context.config();
        stats.phase(WorkerState.HANDLING); // the service makes its handler and greets
        Conversation conversation = new Conversation(connection.handle(), framers.newFramer(config.maxMessageBytes()),
                service.newHandler(info), connection.outbound(), stats);
        connection.attach(conversation, streams);
        InputStream in = streams.input();
        int maxBuffer = config.maxMessageBytes() + 2; // an unfinished message never exceeds the maximum
        ByteBuffer buffer = ByteBuffer.allocate(Math.min(INITIAL_READ_BUFFER, maxBuffer)); // write mode
        connection.open();
        if (conversation.isClosing()) {
            stats.phase(WorkerState.CLOSING);
            lingerBeforeClose(channel, streams);
            return conversation.closeReason();
        }
        Socket socket = channel.socket();
        int idleMillis = socket.getSoTimeout();
        int readTimeout = idleMillis;
        long messageNanos = config.messageTimeout().toNanos();
        long messageDeadline = 0; // System.nanoTime() by which the unfinished message must be complete; 0: none held
        while (true) {
            if (!buffer.hasRemaining()) {
                buffer = grow(buffer, maxBuffer);
            }
            int timeout = idleMillis;
            if (messageDeadline != 0) {
                long left = messageDeadline - System.nanoTime();
                if (left <= 0) {
                    return messageTimedOut(info);
                }
                timeout = (int) Math.min(idleMillis, Math.max(1, (left + 999_999) / 1_000_000));
            }
            if (timeout != readTimeout) {
                socket.setSoTimeout(timeout);
                readTimeout = timeout;
            }
            int n;
            stats.phase(WorkerState.READING);
            try {
                n = in.read(buffer.array(), buffer.position(), buffer.remaining());
            } catch (SocketTimeoutException e) {
                if (timeout < idleMillis) {
                    return messageTimedOut(info);
                }
                throw e;
            }
            boolean endOfInput = n < 0;
            stats.phase(WorkerState.HANDLING);
            if (n > 0) {
                buffer.position(buffer.position() + n);
                context.stats().bytesIn(n);
                stats.read(n);
            }
            if (!entry.beginWork()) {
                return CloseReason.SHUTDOWN; // shutdown closed this idle connection as input arrived
            }
            buffer.flip();
            connection.receive(buffer, endOfInput);
            if (!buffer.hasRemaining()) {
                messageDeadline = 0;
            } else if (buffer.position() > 0 || messageDeadline == 0) {
                messageDeadline = System.nanoTime() + messageNanos; // a new message began in this read
            }
            buffer.compact();
            if (conversation.isClosing()) {
                stats.phase(WorkerState.CLOSING);
                if (!endOfInput) {
                    lingerBeforeClose(channel, streams);
                }
                return conversation.closeReason();
            }
            if (buffer.position() == 0 && buffer.capacity() > INITIAL_READ_BUFFER) {
                buffer = ByteBuffer.allocate(INITIAL_READ_BUFFER);
            }
            if (!entry.endWork()) {
                lingerBeforeClose(channel, streams);
                return CloseReason.SHUTDOWN; // shutdown asked to close after the replies in hand
            }
        }
    }

    private CloseReason messageTimedOut(ConnectionInfo info) {
        log.debug("{} {}: message unfinished after {}; closing", info.worker(), info.peer(),
                context.config().messageTimeout());
        return CloseReason.MESSAGE_TIMEOUT;
    }

    /**
     * Starts the model's stuck-write sweep on its timer: every quarter of the write timeout,
     * between 10 ms and 1 s. Once per driver, with its first connection, so that a model that
     * never serves starts no timer thread.
     */
    private void startWriteSweep() {
        long writeNanos = context.config().writeTimeout().toNanos();
        long period = Math.clamp(writeNanos / 4, MIN_SWEEP_NANOS, MAX_SWEEP_NANOS);
        timers.every(java.time.Duration.ofNanos(period), () -> {
            try {
                connections.abortStuckWrites(System.nanoTime(), writeNanos);
            } catch (RuntimeException e) {
                log.warn("stuck-write sweep failed", e);
            }
        });
    }

    /**
     * Closing a socket with unread input makes the kernel reset the connection, which can destroy
     * replies still on their way (the over-long message's error line, say). So before such a close:
     * shut our output (the peer sees the end after every reply), then read and discard what the peer
     * still sends until it closes or {@link #LINGER} passes.
     */
    private static void lingerBeforeClose(SocketChannel channel, ConnectionStreams streams) {
        InputStream in = streams.input();
        long deadline = System.nanoTime() + LINGER.toNanos();
        byte[] discard = new byte[4096];
        try {
            streams.shutdownOutput();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                channel.socket().setSoTimeout((int) Math.max(1, left / 1_000_000));
                if (in.read(discard) < 0) {
                    return;
                }
            }
        } catch (IOException e) {
            // timed out, reset or closed by shutdown: the close that follows is all that is left to do
        }
    }

    private static ByteBuffer grow(ByteBuffer buffer, int max) {
        int capacity = Math.min(max, buffer.capacity() * 2);
        if (capacity <= buffer.capacity()) {
            throw new IllegalStateException("read buffer full at " + buffer.capacity() + " bytes; the framer should have refused the message");
        }
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        buffer.flip();
        return bigger.put(buffer);
    }

    private CloseReason serveSession(ConnectionStreams streams, SessionService service, ConnectionInfo info,
                                     OpenConnections.Entry entry, ConnectionStats connection) throws IOException {
        var stats = context.stats();
        connection.phase(WorkerState.HANDLING);
        InputStream in = new FilterInputStream(streams.input()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                connection.phase(WorkerState.READING);
                int n = super.read(b, off, len);
                connection.phase(WorkerState.HANDLING);
                if (n > 0) {
                    stats.bytesIn(n);
                    connection.read(n);
                }
                return n;
            }

            @Override
            public int read() throws IOException {
                connection.phase(WorkerState.READING);
                int b = super.read();
                connection.phase(WorkerState.HANDLING);
                if (b >= 0) {
                    stats.bytesIn(1);
                    connection.read(1);
                }
                return b;
            }
        };
        OutputStream out = new FilterOutputStream(streams.output()) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                connection.phase(WorkerState.WRITING);
                try {
                    for (int done = 0; done < len; ) { // slices, as BlockingConnection writes
                        int slice = Math.min(len - done, BlockingConnection.WRITE_SLICE_BYTES);
                        entry.writing();
                        out.write(b, off + done, slice);
                        done += slice;
                        stats.bytesOut(slice);
                        connection.wrote(slice);
                    }
                } finally {
                    entry.wrote();
                    connection.phase(WorkerState.HANDLING);
                }
            }

            @Override
            public void write(int b) throws IOException {
                connection.phase(WorkerState.WRITING);
                entry.writing();
                try {
                    out.write(b);
                } finally {
                    entry.wrote();
                    connection.phase(WorkerState.HANDLING);
                }
                stats.bytesOut(1);
                connection.wrote(1);
            }
        };
        service.serve(new Session() {
            @Override
            public ConnectionInfo info() {
                return info;
            }

            @Override
            public InputStream input() {
                return in;
            }

            @Override
            public OutputStream output() {
                return out;
            }
        });
        return CloseReason.SERVICE_CLOSED;
    }
}
