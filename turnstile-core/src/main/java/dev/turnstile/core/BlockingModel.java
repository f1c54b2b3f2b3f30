package dev.turnstile.core;

import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.ServerContext;
import dev.turnstile.api.ServerModel;
import dev.turnstile.api.ShutdownReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What every in-process thread model shares: binding, the lifecycle, the connections it runs,
 * and the three-step shutdown. A subclass says only where accepted sockets run, by starting
 * accept loops with a {@link Dispatcher} ({@link #startAcceptor}) or threads of its own, and how
 * its own threads stop ({@link #stopWorkers}).
 *
 * <p><b>Shutdown.</b> (1) Close the listener: accept loops end. (2) Drain: open connections keep
 * being served until they close or the grace period ends. (3) Force: idle connections are closed
 * at once, busy ones after the replies in hand (up to one more second), then whatever is left is
 * interrupted and closed and named in the report with its stack. Finally the model's own threads
 * are stopped. Safe from any thread and idempotent: every call returns the first call's report.
 */
public abstract class BlockingModel implements ServerModel {

    private static final Logger log = LoggerFactory.getLogger(BlockingModel.class);
    /** How long busy connections get to finish the message in hand once forcing starts. */
    static final Duration FORCE_GRACE = Duration.ofSeconds(1);
    /** How long the model's own threads get to stop after the connections are gone. */
    static final Duration WORKER_STOP_GRACE = Duration.ofSeconds(2);

    protected final Lifecycle lifecycle = new Lifecycle();
    private final StopOnce stopOnce = new StopOnce();
    private final List<Thread> acceptors = new CopyOnWriteArrayList<>();
    private final ConnectionTimers timers = new ConnectionTimers();
    private volatile ServerContext context;
    private volatile BlockingDriver driver;
    private volatile OpenConnections connections;
    private volatile ServerSocketChannel listener;
    private volatile InetSocketAddress localAddress;

    @Override
    public final void start(ServerContext context) throws IOException {
        lifecycle.start();
        this.context = context;
        this.connections = new OpenConnections();
        this.driver = new BlockingDriver(context, connections, timers);
        try {
            this.listener = openListener(context.config());
            this.localAddress = Sockets.local(listener);
            startServing(listener);
        } catch (IOException | RuntimeException | Error e) {
            Sockets.closeQuietly(listener);
            lifecycle.advanceTo(Lifecycle.State.STOPPED);
            throw e;
        }
    }

    /**
     * The listening socket to serve: bound here from {@code config} by default; a subclass may
     * supply one made elsewhere, such as a worker process's inherited socket. The model owns it
     * from here on and closes it when it stops.
     */
    protected ServerSocketChannel openListener(ServerConfig config) throws IOException {
        return ListeningSocket.bind(config);
    }

    /** Starts the threads that accept from {@code listener} and serve, and returns. */
    protected abstract void startServing(ServerSocketChannel listener) throws IOException;

    /**
     * Stops the model's own threads once the listener is closed and no connection is left,
     * waiting until {@code deadline} at most.
     *
     * @return a description of each thread that did not stop, for the report
     */
    protected abstract List<String> stopWorkers(Instant deadline);

    /** The context given to {@link #start}. */
    protected final ServerContext context() {
        return context;
    }

    /** Runs one connection to its end on the calling thread; see {@link BlockingDriver#run}. */
    protected final void runConnection(SocketChannel socket, String worker, Runnable release) {
        driver.run(socket, worker, release);
    }

    /**
     * Starts an {@link AcceptLoop} on a new platform thread named {@code name}. Shutdown closes
     * the listener and interrupts the thread if it waits for admission.
     */
    protected final Thread startAcceptor(String name, ServerSocketChannel listener, Admission admission,
                                         Dispatcher dispatcher) {
        Thread t = Thread.ofPlatform().name(name).unstarted(newAcceptLoop(listener, admission, dispatcher));
        acceptors.add(t);
        t.start();
        return t;
    }

    /**
     * An accept loop for a thread the subclass runs itself, such as a pool worker that accepts
     * and then serves inline. Such threads are not interrupted when shutdown starts (they may be
     * serving); closing the listener ends their loop, and {@link #stopWorkers} joins them.
     */
    protected final AcceptLoop newAcceptLoop(ServerSocketChannel listener, Admission admission, Dispatcher dispatcher) {
        return new AcceptLoop(listener, admission, dispatcher,
                socket -> context.stats().connectionRejected(Sockets.remote(socket).toString(), "rejected by " + name()),
                this::failed);
    }

    /** The port number for thread names, such as {@code turnstile-acceptor-20446}. */
    protected final int port() {
        return localAddress.getPort();
    }

    @Override
    public final InetSocketAddress localAddress() {
        if (localAddress == null) {
            throw new IllegalStateException("not started");
        }
        return localAddress;
    }

    @Override
    public final ShutdownReport shutdown(Duration grace) {
        return stopOnce.run(lifecycle, () -> stop(grace));
    }

    @Override
    public final void awaitTermination() throws InterruptedException {
        lifecycle.awaitStopped();
    }

    private ShutdownReport stop(Duration grace) {
        long started = System.nanoTime();
        if (lifecycle.state() == Lifecycle.State.NEW) {
            lifecycle.advanceTo(Lifecycle.State.STOPPED);
            return new ShutdownReport(Duration.ZERO, 0, 0, List.of());
        }
        lifecycle.advanceTo(Lifecycle.State.DRAINING);
        Sockets.closeQuietly(listener);
        for (Thread t : acceptors) {
            t.interrupt(); // dedicated acceptors only: wakes one waiting for admission
        }
        int open = connections.size();
        List<String> stragglers = new ArrayList<>();
        int forced = 0;
        if (!connections.awaitEmpty(Instant.now().plus(grace))) {
            lifecycle.advanceTo(Lifecycle.State.FORCING);
            forced = connections.closeIdleAndFlagBusy();
            if (!connections.awaitEmpty(Instant.now().plus(FORCE_GRACE))) {
                stragglers.addAll(connections.forceAll());
                connections.awaitEmpty(Instant.now().plus(FORCE_GRACE));
            }
        }
        Instant workersDeadline = Instant.now().plus(WORKER_STOP_GRACE);
        stragglers.addAll(Stragglers.joinAll(acceptors, workersDeadline));
        stragglers.addAll(stopWorkers(workersDeadline));
        timers.stop();
        lifecycle.advanceTo(Lifecycle.State.STOPPED);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        ShutdownReport r = new ShutdownReport(took, Math.max(0, open - forced), forced, stragglers);
        for (String s : stragglers) {
            log.warn("{} shutdown: {}", name(), s);
        }
        return r;
    }

    private void failed(Throwable cause) {
        log.error("{} failed: {}; stopping", name(), cause.toString());
        Thread.ofPlatform().name("turnstile-failstop").start(() -> shutdown(Duration.ofSeconds(5)));
    }
}
