package dev.turnstile.loadgen;

import dev.turnstile.loadgen.Connection.State;
import dev.turnstile.posix.ClientSockets;
import org.HdrHistogram.Histogram;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One selector thread driving a share of the connections through a run: connect them all (except
 * under churn), signal {@code connected}, wait for the {@link RunWindow}, then send, check and time
 * messages until every connection is done or failed.
 *
 * <p><b>Cost per message.</b> One {@code read} and one {@code send} system call, plus a share of
 * an {@code epoll_wait}, as the reference C client makes; the watched events change only when a
 * send is partial. A plaintext loop makes them through {@link ClientSockets} (sockets by
 * descriptor, one downcall per call, the socket's token straight from the event) rather than
 * through NIO's channels and selector, whose locks, key lookups and JNI transitions cost this
 * client about a tenth more CPU per message than the C client. Nothing is allocated: requests are
 * sent from and replies compared against the loop's {@link MessageSlab}, replies are read into one
 * direct buffer.
 *
 * <p><b>TLS.</b> Under {@link ClientTls} the loop uses NIO: a {@link Selector}, and for each
 * connection slot a {@link TlsLink} that the steps call instead of reading and writing the
 * channel. A handshake is part of connecting: the connection stays among the
 * connects in flight (HANDSHAKING) until it is done, its time counts toward the connect timeout
 * (and under churn toward the cycle's latency), and a failed one (an untrusted certificate, a
 * server that does not speak TLS) is counted as a refused connect with the engine's reason.
 *
 * <p><b>Failure policy.</b> A connection's error is counted by kind and closes that connection
 * (under churn the slot starts its next cycle); the loop goes on. Only an error of the selector
 * itself ends the loop, which then reports it through {@link #failure()}.
 *
 * <p><b>Thread-safety.</b> Everything is confined to the loop thread, except {@link #tally}, which
 * publishes live counts, and the results, which others read only after the thread has ended.
 */
final class ClientLoop implements Runnable {

    /** Connects started but not finished, per loop: keeps a small accept backlog from overflowing. */
    static final int CONNECTS_IN_FLIGHT = 256;
    /**
     * Under TLS, fewer: the handshakes in flight share the loop thread's CPU, a JDK client handshake
     * costs about a millisecond of it warm (tens cold), and a server gives up on a handshake that
     * takes too long (Netty's SslHandler after 10 s): 32 keep each one short.
     */
    static final int TLS_CONNECTS_IN_FLIGHT = 32;
    private static final long RETRY_REFUSED_NANOS = Duration.ofMillis(10).toNanos();
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** The most ready sockets one wait reports (the C client's figure). */
    private static final int READY_EVENTS = 1024;

    private final Connection[] connections;
    private final MessageSlab slab;
    private final SendSchedule schedule;
    private final InetSocketAddress target;
    private final List<InetAddress> sources;
    private final boolean churn;
    private final long messageLimit;
    private final long timeoutNanos;
    private final long scanIntervalNanos;
    private final Duration timeout;
    private final int connectsInFlight;
    private final SSLContext tlsContext; // null for plaintext
    private final Selector selector;       // under TLS; null for plaintext
    private final ClientSockets sockets;   // for plaintext; null under TLS
    private final ByteBuffer readBuffer; // loop thread only
    private final long readAddress;      // plaintext: readBuffer's native address
    private final PriorityQueue<Connection> timers =                                     // loop thread only
            new PriorityQueue<>(Comparator.comparingLong(c -> c.dueAt));
    private final Consumer<SelectionKey> onReady = this::onReady;
    private final int firstOrdinal;       // a connection's token is its ordinal minus this: its index
    private final CountDownLatch connected;
    private final CompletableFuture<RunWindow> start;
    private final Histogram window = Latency.newHistogram(); // loop thread only; read after the end
    final LoopTally tally = new LoopTally();

    // All below: loop thread only; read by others only after the thread has ended.
    private RunWindow run;            // null until the start
    private int active;               // connections neither done nor failed
    private int connecting;           // connects in flight
    private int nextSource;
    private long established;         // successful connects, warm-up included
    private long countedMessages;     // replies received inside the window
    private long countedConnects;     // churn cycles completed inside the window
    private long lastCountedReplyAt;
    private long finishedAt;
    private final String[] firstErrors = new String[ErrorKind.values().length];
    private Throwable failure;
    private boolean signalled;

    /**
     * @param tlsContext   the run's TLS client context, or null for plaintext
     * @param firstOrdinal the process-wide index of this loop's first connection
     * @param count        how many connections this loop drives
     * @param connected    counted down once this loop's connects have all settled
     * @param start        completed with the run's timeline when every loop may start
     */
    ClientLoop(LoadOptions options, SSLContext tlsContext, MessageSlab slab, int firstOrdinal, int count, long seed,
               CountDownLatch connected, CompletableFuture<RunWindow> start) throws IOException {
        // Direct for the socket's own reads; under TLS the engine decrypts into it, faster into a heap array
        this.readBuffer = tlsContext == null ? ByteBuffer.allocateDirect(READ_BUFFER_BYTES)
                : ByteBuffer.allocate(READ_BUFFER_BYTES);
        this.connections = new Connection[count];
        for (int i = 0; i < count; i++) {
            connections[i] = new Connection(firstOrdinal + i, (firstOrdinal + i) % slab.count());
            if (tlsContext != null) {
                connections[i].tls = new TlsLink(readBuffer);
            }
        }
        this.tlsContext = tlsContext;
        this.connectsInFlight = connectsInFlight(options);
        this.slab = slab;
        this.schedule = SendSchedule.of(options, seed);
        this.target = new InetSocketAddress(options.host(), options.port());
        this.sources = options.sourceAddresses();
        this.nextSource = firstOrdinal;
        this.churn = options.workload() == Workload.CHURN;
        this.messageLimit = options.messagesPerConnection();
        this.timeout = options.timeout();
        this.timeoutNanos = options.timeout().toNanos();
        this.scanIntervalNanos = Math.max(1_000_000L, Math.min(100_000_000L, timeoutNanos / 10));
        this.connected = connected;
        this.start = start;
        this.active = count;
        this.firstOrdinal = firstOrdinal;
        if (tlsContext == null) {
            this.sockets = new ClientSockets(READY_EVENTS);
            this.selector = null;
            this.readAddress = ClientSockets.addressOf(readBuffer);
        } else {
            this.sockets = null;
            this.selector = Selector.open();
            this.readAddress = 0;
        }
    }

    @Override
    public void run() {
        try {
            if (!churn) {
                connectAll();
            }
            signalConnected();
            run = start.get();
            begin(System.nanoTime());
            serve();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (ExecutionException e) {
            failure = e.getCause();  // the run was called off before it started
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
        } finally {
            signalConnected();  // a loop that failed while connecting must not hold the others
            closeAll();
            finishedAt = System.nanoTime();
        }
    }

    // ---------------------------------------------------------------- phases

    private void signalConnected() {
        if (!signalled) {
            signalled = true;
            connected.countDown();
        }
    }

    /** Connects (and under TLS, handshakes) a loop keeps in flight at once while connecting. */
    static int connectsInFlight(LoadOptions options) {
        return options.tls().enabled() ? TLS_CONNECTS_IN_FLIGHT : CONNECTS_IN_FLIGHT;
    }

    /** Opens every connection, at most {@link #connectsInFlight} at a time, until each is settled. */
    private void connectAll() throws IOException, InterruptedException {
        int next = 0;
        long nextScan = System.nanoTime() + scanIntervalNanos;
        while (true) {
            long now = System.nanoTime();
            while (next < connections.length && connecting < connectsInFlight) {
                startConnect(connections[next++], now);
            }
            if (next == connections.length && connecting == 0) {
                return;
            }
            if (now >= nextScan) {
                expire(now);
                nextScan = now + scanIntervalNanos;
            }
            checkInterrupt();
            select(Math.max(1, (nextScan - now) / 1_000_000));
        }
    }

    /** Schedules every connection's first message (or, under churn, its first connect). */
    private void begin(long now) {
        for (Connection c : connections) {
            if (churn) {
                startConnect(c, now);
            } else if (c.state == State.READY) {
                scheduleNext(c, schedule.first(c, run.origin()), now);
            }
        }
    }

    /** Runs timers and I/O until every connection is done or failed, or the hard end comes. */
    private void serve() throws IOException, InterruptedException {
        long nextScan = System.nanoTime() + scanIntervalNanos;
        while (active > 0) {
            long now = System.nanoTime();
            runTimers(now);
            if (now >= nextScan) {
                expire(now);
                nextScan = now + scanIntervalNanos;
            }
            if (now >= run.hardEnd()) {
                abandon(now);
                return;
            }
            if (active == 0) {
                return;
            }
            checkInterrupt();
            Connection due = timers.peek();
            long wake = due == null ? nextScan : Math.min(nextScan, due.dueAt);
            await(wake - now);
        }
    }

    /**
     * Waits up to {@code nanos} for readiness. {@code epoll_wait} counts in milliseconds, so a
     * shorter wait polls once and parks: timers (think, rate) then keep sub-millisecond precision.
     */
    private void await(long nanos) throws IOException {
        if (nanos >= 1_000_000) {
            select(nanos / 1_000_000);
        } else if (select(0) == 0 && nanos > 0) {
            LockSupport.parkNanos(nanos);
        }
    }

    /** Waits up to {@code millis} (0: does not wait) and handles what is ready; returns how many were. */
    private int select(long millis) throws IOException {
        if (selector != null) {
            return millis == 0 ? selector.selectNow(onReady) : selector.select(onReady, millis);
        }
        int n = sockets.await((int) Math.min(Integer.MAX_VALUE, millis));
        for (int i = 0; i < n; i++) {
            onReady(connections[sockets.token(i)], sockets.ready(i));
        }
        return n;
    }

    private void runTimers(long now) {
        Connection c;
        while ((c = timers.peek()) != null && c.dueAt <= now) {
            timers.poll();
            if (churn) {
                c.state = State.CLOSED;  // a churn slot waits with no channel
                startConnect(c, now);
            } else {
                send(c, c.dueAt, now);
            }
        }
    }

    /** Fails whatever has waited longer than the timeout for a connect or a reply. */
    private void expire(long now) {
        for (Connection c : connections) {
            if (c.state == State.AWAITING && now - c.sentAt > timeoutNanos) {
                fail(c, ErrorKind.TIMEOUT, "no reply within " + DurationText.format(timeout), now);
            } else if (c.state == State.CONNECTING && now - c.connectStartedAt > timeoutNanos) {
                fail(c, ErrorKind.TIMEOUT, "no connect within " + DurationText.format(timeout), now);
            } else if (c.state == State.HANDSHAKING && now - c.connectStartedAt > timeoutNanos) {
                fail(c, ErrorKind.TIMEOUT, "no connect and TLS handshake within " + DurationText.format(timeout), now);
            }
        }
    }

    /** At the hard end: what still waits for the server times out, the rest is done. */
    private void abandon(long now) {
        for (Connection c : connections) {
            if (c.state == State.AWAITING || c.state == State.CONNECTING || c.state == State.HANDSHAKING) {
                fail(c, ErrorKind.TIMEOUT, "still waiting at the end of the run", now);
            } else if (!c.finished()) {
                finish(c, State.DONE);
            }
        }
    }

    // ---------------------------------------------------------------- connection steps

    private void startConnect(Connection c, long now) {
        c.connectStartedAt = now;
        if (sockets != null) {
            try {
                c.fd = sockets.connect(target, sources.isEmpty() ? null
                        : sources.get(Math.floorMod(nextSource++, sources.size())), token(c));
                c.writeInterest = true; // until connected: the connect ends in WRITABLE
                c.state = State.CONNECTING;
                connecting++;
            } catch (IOException e) {
                fail(c, ErrorKind.REFUSED, e.toString(), now);
            }
            return;
        }
        try {
            SocketChannel ch = SocketChannel.open(target.getAddress() instanceof Inet4Address
                    ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
            c.channel = ch;
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (!sources.isEmpty()) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(new InetSocketAddress(sources.get(Math.floorMod(nextSource++, sources.size())), 0));
            }
            boolean done = ch.connect(target);
            c.key = ch.register(selector, done ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
            c.writeInterest = false;
            if (done && c.tls != null) {
                connecting++;
                startHandshake(c);
            } else if (done) {
                connected(c, now);
            } else {
                c.state = State.CONNECTING;
                connecting++;
            }
        } catch (IOException e) {
            fail(c, ErrorKind.REFUSED, e.toString(), now);
        }
    }

    private void finishConnect(Connection c) {
        long now = System.nanoTime();
        try {
            if (sockets != null) {
                sockets.finishConnect(c.fd, token(c));
                c.writeInterest = false;
                connecting--;
                connected(c, now);
                return;
            }
            if (!c.channel.finishConnect()) {
                return;
            }
        } catch (IOException e) {
            fail(c, ErrorKind.REFUSED, e.toString(), now);
            return;
        }
        if (c.tls != null) {
            startHandshake(c);
            return;
        }
        connecting--;
        c.key.interestOps(SelectionKey.OP_READ);
        connected(c, now);
    }

    private void startHandshake(Connection c) {
        c.state = State.HANDSHAKING;
        try {
            c.tls.begin(ClientTls.newEngine(tlsContext));
        } catch (IOException e) {
            fail(c, ErrorKind.REFUSED, "TLS handshake failed: " + e.getMessage(), System.nanoTime());
            return;
        }
        handshake(c);
    }

    /** Moves the handshake on; once done, the connection is connected. */
    private void handshake(Connection c) {
        TlsLink.Step step;
        try {
            step = c.tls.handshake(c.channel);
        } catch (IOException e) {
            fail(c, ErrorKind.REFUSED, "TLS handshake failed: " + e.getMessage(), System.nanoTime());
            return;
        }
        boolean wantsWrite = step == TlsLink.Step.WRITE;
        if (wantsWrite != c.writeInterest || c.key.interestOps() == SelectionKey.OP_CONNECT) {
            c.key.interestOps(wantsWrite ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            c.writeInterest = wantsWrite;
        }
        if (step == TlsLink.Step.DONE) {
            connecting--;
            connected(c, System.nanoTime());
        }
    }

    private void connected(Connection c, long now) {
        established++;
        tally.opened();
        if (run == null) {
            c.state = State.READY;
        } else {
            send(c, c.connectStartedAt, now);  // churn: the cycle's latency runs from the connect
        }
    }

    /** Sends the next message, meant to go at {@code intended}. */
    private void send(Connection c, long intended, long now) {
        c.message = c.message + 1 == slab.count() ? 0 : c.message + 1;
        c.intendedAt = intended;
        c.sentAt = now;
        c.written = 0;
        c.received = 0;
        c.state = State.AWAITING;
        write(c);
    }

    private void write(Connection c) {
        if (sockets != null) {
            sendPlain(c);
            return;
        }
        try {
            if (c.tls == null) {
                c.written += c.channel.write(slab.request(c.message, c.written));
            } else {
                c.written += c.tls.send(c.channel, slab.request(c.message, c.written));
            }
        } catch (IOException e) {
            fail(c, ErrorKind.RESET, e.toString(), System.nanoTime());
            return;
        }
        boolean more = c.written < slab.requestLength(c.message) || (c.tls != null && c.tls.hasPendingOutput());
        if (more != c.writeInterest) {
            c.key.interestOps(more ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            c.writeInterest = more;
        }
    }

    /** Plaintext: sends the rest of the request; watches for room to send while some is left. */
    private void sendPlain(Connection c) {
        boolean more;
        try {
            int length = slab.requestLength(c.message);
            c.written += sockets.send(c.fd, slab.requestAddress(c.message, c.written), length - c.written);
            more = c.written < length;
            if (more != c.writeInterest) {
                sockets.watch(c.fd, token(c), more);
                c.writeInterest = more;
            }
        } catch (IOException e) {
            fail(c, ErrorKind.RESET, e.toString(), System.nanoTime());
        }
    }

    private void read(Connection c) {
        ByteBuffer in = readBuffer.clear();
        int n;
        try {
            if (sockets != null) {
                n = sockets.read(c.fd, readAddress, READ_BUFFER_BYTES);
                if (n > 0) {
                    in.position(n); // as a channel read leaves it, flipped below
                }
            } else {
                n = c.tls == null ? c.channel.read(in) : c.tls.receive(c.channel, in);
            }
        } catch (IOException e) {
            fail(c, ErrorKind.RESET, e.toString(), System.nanoTime());
            return;
        }
        if (n == 0) {
            return;
        }
        if (n < 0) {
            fail(c, ErrorKind.MISSING, c.state == State.AWAITING
                    ? "connection closed by the server while a reply was due"
                    : "connection closed by the server between messages", System.nanoTime());
            return;
        }
        if (c.tls == null) {
            in.flip();  // TlsLink.receive hands the plaintext over flipped
        }
        if (c.state != State.AWAITING || !slab.matches(c.message, c.received, in)) {
            fail(c, ErrorKind.MISMATCH, firstErrors[ErrorKind.MISMATCH.ordinal()] == null
                    ? describeMismatch(c, in) : null, System.nanoTime());
            return;
        }
        c.received += n;
        if (c.received == slab.expectedLength(c.message)) {
            replied(c, System.nanoTime());
        }
    }

    /**
     * A reply is in and right. It counts, toward throughput, the histogram and the message bound,
     * if it arrived inside the window, whenever its message was sent: as wrk and the C client
     * count, so that neither end of the window is biased by the replies in flight across it.
     */
    private void replied(Connection c, long now) {
        long micros = Latency.micros(now - c.intendedAt);
        tally.message(micros);
        boolean counts = now >= run.windowStart() && now < run.windowEnd();
        if (counts) {
            window.recordValue(micros);
            countedMessages++;
            c.counted++;
            lastCountedReplyAt = now;
        }
        if (churn) {
            if (counts) {
                countedConnects++;
            }
            close(c);
            if (runsOn(c, now)) {
                startConnect(c, now);
            } else {
                finish(c, State.DONE);
            }
        } else {
            scheduleNext(c, schedule.next(c, now), now);
        }
    }

    /** Sends now, parks the connection until {@code due}, or ends it if {@code due} is past the bounds. */
    private void scheduleNext(Connection c, long due, long now) {
        if (due >= run.windowEnd() || (messageLimit > 0 && c.counted >= messageLimit)) {
            finish(c, State.DONE);
        } else if (due <= now) {
            send(c, due, now);
        } else {
            park(c, due);
        }
    }

    private void park(Connection c, long due) {
        c.dueAt = due;
        c.state = State.WAITING;
        timers.add(c);
    }

    /** Whether a churn slot starts another cycle. */
    private boolean runsOn(Connection c, long now) {
        return now < run.windowEnd() && (messageLimit == 0 || c.counted < messageLimit);
    }

    /** Counts the error and closes the connection; a churn slot goes on with a new cycle. */
    private void fail(Connection c, ErrorKind kind, String detail, long now) {
        tally.error(kind);
        if (firstErrors[kind.ordinal()] == null && detail != null) {
            firstErrors[kind.ordinal()] = detail;
        }
        if (c.state == State.CONNECTING || c.state == State.HANDSHAKING) {
            connecting--;
        } else if (c.state == State.WAITING) {
            timers.remove(c);
        }
        close(c);
        if (churn && run != null && runsOn(c, now)) {
            if (kind == ErrorKind.REFUSED) {
                park(c, now + RETRY_REFUSED_NANOS);  // a refusing server is not hammered in a tight loop
            } else {
                startConnect(c, now);
            }
        } else {
            finish(c, State.FAILED);
        }
    }

    private void finish(Connection c, State end) {
        if (end == State.DONE) {
            close(c);
        }
        c.state = end;
        active--;
    }

    private void close(Connection c) {
        if (c.state == State.READY || c.state == State.WAITING || c.state == State.AWAITING) {
            tally.closed();
        }
        if (c.fd >= 0) {
            try {
                sockets.close(c.fd);
            } catch (IOException e) {
                // closing a client socket: nothing left to release or report
            }
            c.fd = -1;
        }
        if (c.channel != null) {
            if (c.tls != null) {
                c.tls.close(c.channel);
            }
            try {
                c.channel.close();
            } catch (IOException e) {
                // closing a client socket that failed: nothing left to release or report
            }
        }
        c.channel = null;
        c.key = null;
        c.state = State.CLOSED;
    }

    private void closeAll() {
        for (Connection c : connections) {
            if (c.channel != null || c.fd >= 0) {
                close(c);
            }
        }
        try {
            if (selector != null) {
                selector.close();
            } else {
                sockets.close();
            }
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    /** The token a plaintext connection's socket is watched under: its index in {@link #connections}. */
    private int token(Connection c) {
        return c.ordinal - firstOrdinal;
    }

    /** Plaintext: a socket {@link ClientSockets#await} reported, with its events. */
    private void onReady(Connection c, int events) {
        int fd = c.fd;
        if (fd < 0) {
            return; // a churn slot between connections, or one that failed earlier in this wait
        }
        if (c.state == State.CONNECTING) {
            finishConnect(c); // whether WRITABLE or ERROR: it says how the connect ended
            return;
        }
        if ((events & ClientSockets.WRITABLE) != 0 && c.state == State.AWAITING) {
            sendPlain(c);
        }
        // a send that failed closed the socket, and under churn the slot may already be connecting
        // again, maybe on the same descriptor number: only the same connection is read
        if ((events & (ClientSockets.READABLE | ClientSockets.ERROR | ClientSockets.HANG_UP)) != 0
                && c.fd == fd && c.state != State.CONNECTING) {
            read(c);
        }
    }

    private void onReady(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        if (key != c.key || !key.isValid()) {
            return;  // a key of an earlier channel of this churn slot
        }
        int ops = key.readyOps();
        if ((ops & SelectionKey.OP_CONNECT) != 0) {
            finishConnect(c);
            return;
        }
        if (c.state == State.HANDSHAKING) {
            handshake(c);
            return;
        }
        if ((ops & SelectionKey.OP_WRITE) != 0 && c.state == State.AWAITING) {
            write(c);
        }
        if ((ops & SelectionKey.OP_READ) != 0 && key == c.key) {
            read(c);
        }
    }

    private String describeMismatch(Connection c, ByteBuffer in) {
        byte[] got = new byte[Math.min(in.remaining(), 80)];
        in.get(in.position(), got);
        if (c.state != State.AWAITING) {
            return "unexpected bytes while no reply was due: " + quote(got);
        }
        ByteBuffer expected = slab.request(c.message, 0);
        byte[] sent = new byte[Math.min(expected.remaining(), 80)];
        expected.get(expected.position(), sent);
        return "reply to " + quote(sent) + " was " + quote(got) + (c.received > 0 ? " (after "
                + c.received + " right bytes)" : "");
    }

    private static String quote(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8).replace("\n", "\\n").replace("\r", "\\r");
        return "'" + s + "'";
    }

    private void checkInterrupt() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("load loop interrupted");
        }
    }

    // ---------------------------------------------------------------- results, after the thread ended

    Histogram window() {
        return window;
    }

    long countedMessages() {
        return countedMessages;
    }

    long countedConnects() {
        return countedConnects;
    }

    long established() {
        return established;
    }

    long lastCountedReplyAt() {
        return lastCountedReplyAt;
    }

    long finishedAt() {
        return finishedAt;
    }

    /** The first detail seen of {@code kind}, or null. */
    String firstError(ErrorKind kind) {
        return firstErrors[kind.ordinal()];
    }

    /** What ended the loop abnormally, or null. */
    Throwable failure() {
        return failure;
    }
}
