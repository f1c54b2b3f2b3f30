package dev.turnstile.model.eventloop;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.FramedService;
import dev.turnstile.api.Framer;
import dev.turnstile.api.FramerFactory;
import dev.turnstile.api.MessageHandler;
import dev.turnstile.api.ProxyProtocol;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.ServerContext;
import dev.turnstile.api.ConnectionStats;
import dev.turnstile.api.WorkerKind;
import dev.turnstile.api.WorkerState;
import dev.turnstile.api.WorkerStats;
import dev.turnstile.core.ConnectionTimers;
import dev.turnstile.core.Sockets;
import dev.turnstile.core.framing.Framers;
import dev.turnstile.core.tls.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One event loop: a thread with a {@link Selector} that runs every connection given to it, for
 * the connection's whole life. Each round it runs posted tasks, selects, lets each ready
 * connection read, answer and write ({@link LoopConnection}), and once per tick closes idle,
 * stuck-writing and slow-message connections and resumes a paused accept.
 *
 * <p><b>Ownership.</b> Everything here is touched by the loop thread only, except the task and
 * completion queues and the wake flag, through which other threads talk to the loop
 * ({@link #execute}, {@link #adopt}, {@link #jobDone}), the few volatile counters that
 * others read, and what the running callback is ({@link #heldSince}, {@link #heldBy}), which the
 * loop publishes with release stores (plain stores on x86) for the {@link LoopWatchdog}.
 * <p><b>Shared buffers.</b> One read buffer and one reply staging buffer per loop, both direct,
 * used by one connection at a time during its callback; a connection copies out only what must
 * outlive the callback (an unfinished message, replies the socket did not take).
 * <p><b>Time.</b> The loop reads the clock once per round; a connection's last activity is that
 * reading, so idle timeouts cost one field write per read and a sweep over the connections per
 * tick (a quarter of the shortest of the idle, write and message timeouts, between 10 ms and
 * 1 s), never a timer per connection. The write and message timeouts are as cheap: a connection
 * keeps when its unsent replies last moved and when its unfinished message began, as longs.
 * <p><b>Connections' handles.</b> A connection's drain and close-now requests from other threads
 * arrive as tasks ({@link #execute}); handler work that is not a readiness callback (the open,
 * drained sends and tasks) runs through {@link #runHeld}, held and timed like one. Framers come
 * from the service's factory (its own framing, else the server's), chosen once per loop.
 * <p><b>Stopping.</b> An interrupt makes the loop exit (shutdown's last resort for a loop stuck
 * in a handler); on exit, whatever connections remain are closed and reported.
 */
final class SelectorLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(SelectorLoop.class);
    /** {@link #heldSince} when no connection callback is running. */
    static final long NOT_HELD = Long.MIN_VALUE;
    private static final VarHandle HELD_SINCE;
    private static final VarHandle HELD_BY;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HELD_SINCE = lookup.findVarHandle(SelectorLoop.class, "heldSince", long.class);
            HELD_BY = lookup.findVarHandle(SelectorLoop.class, "heldBy", LoopConnection.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final int READ_BUFFER_BYTES = 64 * 1024;
    static final int REPLY_BUFFER_BYTES = 64 * 1024;
    private static final long MIN_TICK_NANOS = 10_000_000L;
    private static final long MAX_TICK_NANOS = 1_000_000_000L;

    private final String name;
    private final SelectorGroup group;
    private final ServerContext context;
    private final FramedService service;
    private final HandlerPool handlers;               // null: handlers run on this loop
    private final Selector selector;
    private final WorkerStats worker;
    private final StallWatch stalls;
    private final Thread thread;
    private final ConnectionTable connections = new ConnectionTable();
    private final ProxyProtocol proxy;                // whether connections begin with a PROXY header
    private final Set<ProxyStage> awaitingHeader = new HashSet<>(); // loop thread only
    private final FramerFactory framers;              // the service's framing, else the server's
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Queue<OnWorkerConnection> completions = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean selecting = new AtomicBoolean(); // true: may be blocked in select, needs a wakeup
    private final Consumer<SelectionKey> onReady = this::onReady;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);   // loop thread only
    private final ByteBuffer replyBuffer = ByteBuffer.allocateDirect(REPLY_BUFFER_BYTES); // loop thread only; empty between callbacks
    private final long idleNanos;
    private final long writeNanos;
    private final long messageNanos;
    private final long handshakeNanos; // TLS: a connection still handshaking after this is closed
    private final long tickNanos;
    private final int maxInboundBytes;
    private final int highWaterBytes; // with workers 0, as is lowWaterBytes: see OnWorkerConnection
    private final int lowWaterBytes;
    private final boolean handlersOnLoop;
    private LoopAcceptor acceptor;    // set before start, then loop thread only
    private long now;                 // loop thread only: the clock after the last select or callback
    private boolean timing;           // loop thread only: now was read in this round's first callback
    private long nextTick;            // loop thread only
    private long bytesIn;             // loop thread only: added to the server's stats once per round
    private long bytesOut;            // loop thread only
    private boolean exiting;          // loop thread only
    @SuppressWarnings("unused") // through HELD_SINCE: written by the loop (release), read by the watchdog (acquire)
    private long heldSince = NOT_HELD; // when the running connection callback started, or NOT_HELD
    @SuppressWarnings("unused") // through HELD_BY, likewise; set before heldSince
    private LoopConnection heldBy;    // the connection whose callback is running, or the last one's
    private volatile int open;        // written by the loop thread only: connections in the table
    private volatile boolean ended;   // the loop thread has finished (or never will run tasks again)

    SelectorLoop(String name, SelectorGroup group, ServerContext context, LoopSettings settings, HandlerPool handlers)
            throws IOException {
        this.name = name;
        this.group = group;
        this.context = context;
        this.service = (FramedService) context.service();
        this.handlers = handlers;
        this.handlersOnLoop = handlers == null;
        this.highWaterBytes = handlersOnLoop ? settings.highWaterBytes() : 0;
        this.lowWaterBytes = handlersOnLoop ? settings.lowWaterBytes() : 0;
        this.selector = Selector.open();
        this.worker = context.stats().worker(name).kind(WorkerKind.LOOP); // listed from the start, before its first connection
        this.stalls = new StallWatch(name, service.name(), settings.slowCallback());
        ServerConfig config = context.config();
        this.framers = Framers.forService(service, config);
        this.proxy = config.proxyProtocol();
        this.idleNanos = config.idleTimeout().toNanos();
        this.writeNanos = config.writeTimeout().toNanos();
        this.messageNanos = config.messageTimeout().toNanos();
        this.handshakeNanos = config.tls() == null ? Long.MAX_VALUE : config.tls().handshakeTimeout().toNanos();
        long shortest = Math.min(Math.min(idleNanos, handshakeNanos), Math.min(writeNanos, messageNanos));
        this.tickNanos = Math.clamp(shortest / 4, MIN_TICK_NANOS, MAX_TICK_NANOS);
        this.maxInboundBytes = config.maxMessageBytes() + 2; // an unfinished message never exceeds the maximum
        this.thread = Thread.ofPlatform().name("turnstile-" + name).unstarted(this);
    }

    /** Accepts from {@code listener} on this loop, giving each socket to the loop {@code placement} picks. Before {@link #start}. */
    void acceptFrom(ServerSocketChannel listener, Supplier<SelectorLoop> placement) throws IOException {
        listener.configureBlocking(false);
        SelectionKey key = listener.register(selector, SelectionKey.OP_ACCEPT);
        acceptor = new LoopAcceptor(this, listener, key, placement, group);
        key.attach(acceptor);
    }

    void start() {
        thread.start();
    }

    /** A close made room under max-connections: accept again if this loop accepts. Loop thread. */
    void resumeAccepting() {
        if (acceptor != null) {
            acceptor.resumeAfterLimit();
        }
    }

    @Override
    public void run() {
        Throwable fatal = null;
        now = System.nanoTime();
        nextTick = now + tickNanos;
        try {
            while (!exiting) {
                runTasks();
                if (exiting || Thread.currentThread().isInterrupted()) {
                    break;
                }
                select();
                now = System.nanoTime();
                if (now - nextTick >= 0) {
                    tick();
                }
                if (acceptor != null && acceptor.paused()) {
                    acceptor.resumeIfDue(now);
                }
                reportBytes();
            }
        } catch (IOException | RuntimeException | Error e) {
            fatal = e;
            log.error("{} died; closing its connections", name, e);
        } finally {
            exiting = true;
            CloseReason reason = fatal == null ? CloseReason.SHUTDOWN : CloseReason.SERVER_ERROR;
            connections.forEachSnapshot(c -> c.close(reason));
            closeAwaitingHeader(reason);
            ended = true;
            runTasks(); // adoptions posted meanwhile are refused by register()
            reportBytes();
            Sockets.closeQuietly(selector);
            if (fatal != null) {
                group.loopDied(this, fatal);
            }
        }
    }

    private void select() throws IOException {
        timing = false;
        worker.state(WorkerState.IDLE); // waiting for readiness; a callback sets the phase of the connection it serves
        selecting.set(true);
        try {
            if (!tasks.isEmpty() || !completions.isEmpty()) {
                selector.selectNow(onReady);
            } else {
                selector.select(onReady, timeoutMillis());
            }
        } finally {
            selecting.set(false);
        }
    }

    /** Until the next tick or the accept pause's end, at least 1 ms (0 would mean forever). */
    private long timeoutMillis() {
        long deadline = nextTick;
        if (acceptor != null && acceptor.paused()) {
            deadline = Math.min(deadline, acceptor.resumeAt());
        }
        return Math.max(1, (deadline - System.nanoTime() + 999_999) / 1_000_000);
    }

    /**
     * One ready key. Callbacks run back to back inside select, so one clock reading after each
     * times it (the first also gets one before): a callback that held the loop too long is
     * noticed with one clock read per callback, and {@code now} stays fresh for the next.
     */
    private void onReady(SelectionKey key) {
        if (!timing) {
            now = System.nanoTime();
            timing = true;
        }
        Object attachment = key.attachment();
        try {
            if (attachment instanceof LoopConnection c) {
                boolean handler = handlersOnLoop && !c.handshaking(); // a TLS handshake step is ours, not the handler's
                if (handler) {
                    HELD_BY.setRelease(this, c);
                    HELD_SINCE.setRelease(this, now);
                }
                try {
                    c.onReady(key.readyOps());
                } finally {
                    if (handler) {
                        HELD_SINCE.setRelease(this, NOT_HELD);
                    }
                }
                long end = System.nanoTime();
                if (handler) {
                    stalls.check(now, end, c);
                }
                now = end;
            } else if (attachment instanceof LoopAcceptor a) {
                a.onAcceptable();
                now = System.nanoTime();
            } else if (attachment instanceof ProxyStage stage) {
                switch (stage.onReadable()) {
                    case ProxyStage.Outcome.Read read -> headerRead(stage, read.client());
                    case ProxyStage.Outcome.Refused refused -> refuseHeader(stage, refused.reason(), refused.why());
                    case ProxyStage.Outcome.Waiting waiting -> { }
                }
                now = System.nanoTime();
            }
        } catch (CancelledKeyException e) {
            // closed from another thread (a forced stop) after the selector saw it ready: nothing to serve
        }
    }

    private void tick() {
        nextTick = now + tickNanos;
        connections.expire(now, idleNanos, writeNanos, messageNanos);
        if (!awaitingHeader.isEmpty()) {
            for (ProxyStage stage : List.copyOf(awaitingHeader)) {
                if (stage.expired(now)) {
                    refuseHeader(stage, CloseReason.PROXY_HEADER, "no whole PROXY header within " + proxy.headerTimeout());
                }
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("{}: task failed", name, e);
            }
        }
        OnWorkerConnection done;
        while ((done = completions.poll()) != null) {
            done.jobDone();
        }
    }

    private void reportBytes() {
        if (bytesIn != 0) {
            context.stats().bytesIn(bytesIn);
            bytesIn = 0;
        }
        if (bytesOut != 0) {
            context.stats().bytesOut(bytesOut);
            bytesOut = 0;
        }
    }

    // ---- Talking to the loop from other threads ----------------------------------------------

    /** Runs {@code task} on the loop thread soon. False if the loop has ended and will not run it. */
    boolean execute(Runnable task) {
        tasks.add(task);
        if (ended && tasks.remove(task)) {
            return false;
        }
        wake();
        return true;
    }

    /** Runs {@code work} on the loop thread and completes with its result; fails if the loop has ended. */
    <T> CompletableFuture<T> call(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!execute(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
                throw e;
            }
        })) {
            result.completeExceptionally(new IllegalStateException(name + " has ended"));
        }
        return result;
    }

    /** A worker finished a connection's batch; the loop writes the replies. Any thread. */
    void jobDone(OnWorkerConnection c) {
        completions.add(c);
        if (ended && completions.remove(c)) {
            c.jobDone(); // the loop thread is gone: nobody else touches the connection now
            return;
        }
        wake();
    }

    private void wake() {
        if (selecting.compareAndSet(true, false)) {
            selector.wakeup();
        }
    }

    /** Takes a newly accepted socket into this loop: at once on the loop thread, else by a task. */
    void adopt(SocketChannel socket) {
        if (Thread.currentThread() == thread) {
            register(socket);
        } else if (!execute(() -> register(socket))) {
            refuse(socket, "loop " + name + " has stopped");
        }
    }

    private void register(SocketChannel socket) {
        if (exiting) {
            refuse(socket, "server stopping");
            return;
        }
        SelectionKey key;
        try {
            socket.configureBlocking(false);
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            key = socket.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) { // reset before we got to it, or the loop is closing
            refuse(socket, "could not register: " + e);
            return;
        }
        ConnectionInfo info = new ConnectionInfo(group.nextId(), Sockets.remote(socket), Sockets.local(socket), name);
        if (proxy.enabled()) {
            InetSocketAddress peer = info.remote();
            if (peer.getAddress() == null || !proxy.trusts(peer.getAddress())) {
                context.stats().connectionOpened(info);
                closeBeforeHeader(socket, key, info, CloseReason.PROXY_HEADER,
                        "not in --proxy-from " + proxy.from() + "; closing without reading");
                return;
            }
            ProxyStage stage = new ProxyStage(this, socket, key, info, proxy, now);
            key.attach(stage);
            awaitingHeader.add(stage);
            return; // the connection is made once its header is read: headerRead
        }
        open(socket, key, info);
    }

    /** The PROXY header of {@code stage} is whole: the connection begins, as {@code client}'s. */
    private void headerRead(ProxyStage stage, InetSocketAddress client) {
        awaitingHeader.remove(stage);
        ConnectionInfo socketInfo = stage.info();
        if (!group.limits().admitSource(client)) {
            stage.key().cancel();
            Sockets.closeQuietly(stage.channel()); // counted and logged by the limits; closed() gives back the permit
            group.closed(socketInfo.remote());
            return;
        }
        open(stage.channel(), stage.key(), new ConnectionInfo(socketInfo.id(), client, socketInfo.local(), name));
    }

    private void refuseHeader(ProxyStage stage, CloseReason reason, String why) {
        awaitingHeader.remove(stage);
        context.stats().connectionOpened(stage.info());
        closeBeforeHeader(stage.channel(), stage.key(), stage.info(), reason, why);
    }

    /** Closes a connection whose PROXY header was refused (already counted as opened), and counts the close. */
    private void closeBeforeHeader(SocketChannel socket, SelectionKey key, ConnectionInfo info, CloseReason reason, String why) {
        if (why != null) {
            log.info("{} {}: PROXY protocol: {}", name, info.peer(), why);
        }
        key.cancel();
        Sockets.closeQuietly(socket);
        context.stats().connectionClosed(info, reason);
        group.closed(info.remote());
    }

    /** Closes every connection still waiting for its PROXY header (a stop). */
    private void closeAwaitingHeader(CloseReason reason) {
        for (ProxyStage stage : List.copyOf(awaitingHeader)) {
            refuseHeader(stage, reason, null);
        }
    }

    /** Makes the connection for a registered socket: its handler, its conversation, its greeting. */
    private void open(SocketChannel socket, SelectionKey key, ConnectionInfo info) {
        ServerConfig config = context.config();
        ConnectionStats stats = context.stats().connectionOpened(info);
        MessageHandler handler;
        try {
            handler = service.newHandler(info);
        } catch (RuntimeException e) {
            log.warn("{} {}: service {} could not create a handler; closing", name, info.peer(), service.name(), e);
            key.cancel();
            Sockets.closeQuietly(socket);
            context.stats().connectionClosed(info, CloseReason.SERVER_ERROR);
            if (proxy.enabled()) {
                group.limits().closedSource(info.remote());
            }
            group.closed(info.remote());
            return;
        }
        Framer framer = framers.newFramer(config.maxMessageBytes());
        LoopConnection c = handlersOnLoop
                ? new OnLoopConnection(this, socket, key, info, framer, handler, stats)
                : new OnWorkerConnection(this, socket, key, info, framer, handler, stats);
        key.attach(c);
        connections.add(c);
        open = connections.size();
        c.start();
    }

    /**
     * Runs handler work of {@code c} that was not a readiness callback (its open, what other
     * threads queued on its handle) as one is run: held, for the watchdog, and timed, for slow
     * callbacks. Loop thread; handlers on the loop only.
     */
    void runHeld(LoopConnection c, Runnable work) {
        now = System.nanoTime();
        HELD_BY.setRelease(this, c);
        HELD_SINCE.setRelease(this, now);
        try {
            work.run();
        } finally {
            HELD_SINCE.setRelease(this, NOT_HELD);
        }
        long end = System.nanoTime();
        stalls.check(now, end, c);
        now = end;
    }

    private void refuse(SocketChannel socket, String why) {
        InetSocketAddress peer = Sockets.remote(socket);
        context.stats().connectionRejected(peer.toString(), why);
        Sockets.closeQuietly(socket);
        group.closed(peer);
    }

    /** Called by a connection whose conversation is over (its socket may linger a little longer). */
    void reportClosed(LoopConnection c, CloseReason reason) {
        context.stats().connectionClosed(c.info(), reason);
    }

    /**
     * Called by a connection as its socket closes. Shutdown waits for this, not for the report, so
     * that a lingering connection's replies get out before the loop ends.
     */
    void forget(LoopConnection c) {
        connections.remove(c);
        open = connections.size();
        if (proxy.enabled()) {
            group.limits().closedSource(c.info().remote()); // admitted for the header's client
        }
        group.closed(c.info().remote());
    }

    // ---- Shutdown steps, run on the loop thread through call() --------------------------------

    /** Closes idle connections now, and asks busy ones to close after the replies in hand. Returns how many it touched. */
    int closeIdleAndFlagBusy() {
        closeAwaitingHeader(CloseReason.SHUTDOWN);
        int[] touched = {0};
        connections.forEachSnapshot(c -> {
            if (c.lingering()) {
                c.close(CloseReason.SHUTDOWN); // already counted as closed: only lets go of the socket
                return;
            }
            touched[0]++;
            if (c.busy()) {
                c.stopAfterReplies();
            } else {
                c.close(CloseReason.SHUTDOWN);
            }
        });
        return touched[0];
    }

    /** Closes every connection left, describing each for the report. */
    List<String> forceAll() {
        closeAwaitingHeader(CloseReason.SHUTDOWN);
        List<String> forced = new ArrayList<>();
        connections.forEachSnapshot(c -> {
            if (c.lingering()) {
                c.close(CloseReason.SHUTDOWN);
            } else {
                forced.add(c.forceClose());
            }
        });
        return forced;
    }

    /** Makes the loop end after this round. */
    void exit() {
        exiting = true;
    }

    /** What the loop holds now, for tests and diagnostics. */
    LoopProbe probe() {
        int[] counts = {0, 0}; // read paused, stopping
        long[] unsent = {0, 0}; // all, most for one connection
        connections.forEachSnapshot(c -> {
            if (c.readPaused()) {
                counts[0]++;
            }
            if (c.stopping()) {
                counts[1]++;
            }
            unsent[0] += c.unsentBytes();
            unsent[1] = Math.max(unsent[1], c.unsentBytes());
        });
        return new LoopProbe(name, connections.size(), counts[0], counts[1], unsent[0], unsent[1], stalls.stalls(),
                acceptor == null ? 0 : acceptor.failures());
    }

    // ---- For connections -----------------------------------------------------------------------

    String name() {
        return name;
    }

    Thread thread() {
        return thread;
    }

    long now() {
        return now;
    }

    ByteBuffer readBuffer() {
        return readBuffer;
    }

    ByteBuffer replyBuffer() {
        return replyBuffer;
    }

    HandlerPool handlers() {
        return handlers;
    }

    StallWatch stalls() {
        return stalls;
    }

    String serviceName() {
        return service.name();
    }

    /** Unsent reply bytes above which a connection is not read; with workers 0: any. */
    int highWaterBytes() {
        return highWaterBytes;
    }

    /** Unsent reply bytes at or below which a paused connection is read again; with workers 0: none. */
    int lowWaterBytes() {
        return lowWaterBytes;
    }

    int maxPendingBytes() {
        return context.config().maxPendingBytes();
    }

    ConnectionTimers timers() {
        return group.timers();
    }

    /** The server's TLS, or null: plaintext. */
    ServerTls tls() {
        return group.tls();
    }

    long handshakeNanos() {
        return handshakeNanos;
    }

    int maxInboundBytes() {
        return maxInboundBytes;
    }

    void countRead(int n) {
        bytesIn += n;
    }

    void countWritten(int n) {
        bytesOut += n;
    }

    /** When the connection callback running now started ({@link System#nanoTime}), or {@link #NOT_HELD}; any thread. */
    long heldSince() {
        return (long) HELD_SINCE.getAcquire(this);
    }

    /** The connection of the running callback (meaningful while {@link #heldSince} is not NOT_HELD); any thread. */
    LoopConnection heldBy() {
        return (LoopConnection) HELD_BY.getAcquire(this);
    }

    /** Connections this loop runs now; any thread. */
    int openConnections() {
        return open;
    }

    /** The selector's keys, for closing channels from outside when the loop is stuck. */
    Selector selector() {
        return selector;
    }
}
