package dev.turnstile.core;

import dev.turnstile.api.ListenOn;
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
 * <p><b>Shutdown</b> runs the {@link StopSequence}: (1) seal the listener, let the accept loops take
 * what the kernel queued on it, then close it ({@link ListenerDrain}): accept loops end.
 * (2) Drain: open connections keep being served until they close or the grace period ends.
 * (3) Force: idle connections are closed at once, busy ones after the replies in hand (up to one
 * more second), then whatever is left is interrupted and closed and named in the report with its
 * stack. Finally the accept loops are joined and the model's own threads stopped. Safe from any
 * thread and idempotent: every call returns the first call's report.
 */
public abstract class BlockingModel implements ServerModel {

    private static final Logger log = LoggerFactory.getLogger(BlockingModel.class);

    protected final Lifecycle lifecycle = new Lifecycle();
    private final StopSequence stopping = new StopSequence(lifecycle, this::name);
    private final List<Thread> acceptors = new CopyOnWriteArrayList<>();
    private final ConnectionTimers timers = new ConnectionTimers();
    private volatile ServerContext context;
    private volatile BlockingDriver driver;
    private volatile OpenConnections connections;
    private volatile AcceptGate limits;
    private volatile ServerSocketChannel listener;
    private volatile InetSocketAddress localAddress;

    @Override
    public final void start(ServerContext context) throws IOException {
        lifecycle.start();
        this.context = context;
        this.connections = new OpenConnections();
        this.limits = acceptGate(context);
        this.driver = new BlockingDriver(context, connections, timers, limits, this::handlerFailedFatally);
        try {
            this.listener = openListener(context);
            this.localAddress = Sockets.local(listener);
            startServing(listener);
        } catch (IOException | RuntimeException | Error e) {
            Sockets.closeQuietly(listener);
            lifecycle.advanceTo(Lifecycle.State.STOPPED);
            throw e;
        }
    }

    /**
     * The listening socket to serve: bound here from the config, or inherited on standard input,
     * as the context says, by default; a subclass may supply one made elsewhere, such as a worker
     * process's inherited socket. The model owns it from here on and closes it when it stops.
     */
    protected ServerSocketChannel openListener(ServerContext context) throws IOException {
        return ListeningSocket.open(context, false);
    }

    /**
     * Whether a stop may seal the listener so that its acceptors take what the kernel queued
     * before it closes ({@link ListenerDrain}): a socket bound here is this model's own; one
     * inherited on standard input is shared with whoever passed it. A subclass that supplies its
     * own listener ({@link #openListener}) says which it is.
     */
    protected ListenerDrain.Ownership listenerOwnership(ServerContext context) {
        return context.listenOn() == ListenOn.STANDARD_INPUT ? ListenerDrain.Ownership.SHARED : ListenerDrain.Ownership.OWNED;
    }

    /**
     * The server's connection limits as the accept loops apply them: {@link AcceptLimits} over the
     * config's limits by default; a model whose limits are kept elsewhere (a pool worker process,
     * whose counts live in shared memory) supplies its own. Called once, in {@link #start}.
     */
    protected AcceptGate acceptGate(ServerContext context) {
        return AcceptLimits.of(context.config(), context.stats(), name());
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

    /**
     * A handler failed with a {@link VirtualMachineError} (out of stack, out of memory); its
     * connection is already closed {@link dev.turnstile.api.CloseReason#SERVER_ERROR}. By default
     * nothing more: the thread and the server serve on, since a stack overflow unwinds only its own
     * thread and a failed allocation may well have been that one connection's. A model whose unit
     * of failure is a process overrides this to retire the process. Called on the connection's
     * thread; must not throw.
     */
    protected void handlerFailedFatally(VirtualMachineError error) {
    }

    /** The context given to {@link #start}. */
    protected final ServerContext context() {
        return context;
    }

    /** Runs one connection to its end on the calling thread; see {@link BlockingDriver#run}. */
    protected final void runConnection(SocketChannel socket, String worker, Runnable release) {
        driver.run(socket, worker, release);
    }

    /**
     * Starts an {@link AcceptLoop} on a new platform thread named {@code name}; it honours the
     * server's {@link AcceptGate} as well as {@code admission}, the model's own bound. Shutdown closes
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
        return new AcceptLoop(listener, admission, limits, dispatcher,
                socket -> context.stats().connectionRejected(Sockets.remote(socket).toString(), "rejected by " + name()),
                this::failed, context.stats());
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
        return stopping.stop(grace, new Serving());
    }

    @Override
    public final void awaitTermination() throws InterruptedException {
        lifecycle.awaitStopped();
    }

    /** What this model runs, as its {@link StopSequence} sees it. */
    private final class Serving implements StopSequence.Drainable {

        @Override
        public void stopAccepting() {
            stopAccepting(Instant.now());
        }

        @Override
        public void stopAccepting(Instant drainDeadline) {
            if (listener != null) { // null if start failed before binding
                ListenerDrain.close(List.of(listener), listenerOwnership(context), drainDeadline); // acceptors take the queue first
            }
            for (Thread t : acceptors) {
                t.interrupt(); // dedicated acceptors only: wakes one waiting for admission
            }
        }

        @Override
        public int openConnections() {
            return connections.size();
        }

        @Override
        public boolean awaitEmpty(Instant deadline) {
            return connections.awaitEmpty(deadline);
        }

        @Override
        public int closeIdleAndFlagBusy(Instant answerBy, List<String> stragglers) {
            return connections.closeIdleAndFlagBusy();
        }

        @Override
        public List<String> forceAll(Instant answerBy) {
            return connections.forceAll();
        }

        @Override
        public List<String> stopWorkers(Instant deadline) {
            List<String> stuck = new ArrayList<>(Stragglers.joinAll(acceptors, deadline));
            stuck.addAll(BlockingModel.this.stopWorkers(deadline));
            timers.stop();
            return stuck;
        }
    }

    private void failed(Throwable cause) {
        log.error("{} failed: {}; stopping", name(), cause.toString());
        Thread.ofPlatform().name("turnstile-failstop").start(() -> shutdown(Duration.ofSeconds(5)));
    }
}
