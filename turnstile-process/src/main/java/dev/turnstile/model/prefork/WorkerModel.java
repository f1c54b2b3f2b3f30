package dev.turnstile.model.prefork;

import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ServerContext;
import dev.turnstile.core.AcceptGate;
import dev.turnstile.core.AcceptLimits;
import dev.turnstile.core.Admission;
import dev.turnstile.core.BlockingModel;
import dev.turnstile.core.Dispatcher;
import dev.turnstile.core.ListenerDrain;
import dev.turnstile.core.Sockets;
import dev.turnstile.core.Stragglers;
import dev.turnstile.model.process.Scoreboard;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What runs inside one pool worker process: {@code threads} threads, each looping on accept()
 * of the worker's listening socket (the one it inherited, or its own SO_REUSEPORT socket) and
 * serving what it accepted, with the core's accept loop, driver and three-step shutdown, as
 * the in-process {@code thread-pool} does.
 *
 * <p><b>Limits.</b> The server's connection limits bind the whole pool, not each worker: the
 * accept loops apply them through {@link SharedLimits}, over the counts all workers keep in the
 * scoreboard (the worker's own config carries none).
 *
 * <p><b>A handler's VirtualMachineError</b> closes its connection (as in every model) and then
 * retires the worker: it stops accepting at once, finishes the conversations in hand and exits
 * {@code FAILED}; the master replaces it. A process is the unit of failure here, and a JVM that ran
 * out of stack or memory once is not given more connections.
 *
 * <p><b>Recycling.</b> With a limit, the connection that reaches it closes the listener before
 * it is served, so this worker accepts no more; {@code onLimit} then tells the worker's main
 * thread to drain and exit. Thread-safe: the counter is atomic; the listener is the model's.
 */
final class WorkerModel extends BlockingModel {

    private final ServerSocketChannel inherited;
    private final Scoreboard.Slot slot;
    private final int threads;
    private final long connectionLimit;
    private final Runnable onLimit;
    private final Runnable onFatal;
    private final AtomicLong accepted = new AtomicLong();
    private final List<Thread> workers = new ArrayList<>(); // written in startServing only, before any read
    private volatile ServerSocketChannel listener;

    /**
     * @param inherited       the listening socket to serve, or null to bind one from the config (with SO_REUSEPORT)
     * @param slot            this worker's scoreboard slot, where its share of the connection limits is kept
     * @param connectionLimit connections to serve before retiring; 0 for no limit
     * @param onFatal         told once a handler failed with a VirtualMachineError, after this worker stopped accepting
     */
    WorkerModel(ServerSocketChannel inherited, Scoreboard.Slot slot, int threads, long connectionLimit, Runnable onLimit,
                Runnable onFatal) {
        this.inherited = inherited;
        this.slot = slot;
        this.threads = threads;
        this.connectionLimit = connectionLimit;
        this.onLimit = onLimit;
        this.onFatal = onFatal;
    }

    @Override
    public String name() {
        return "process-pool-worker";
    }

    /** The pool's limits, shared through the scoreboard; none if the master set none. */
    @Override
    protected AcceptGate acceptGate(ServerContext context) {
        if (slot.board().limits().equals(ConnectionLimits.none())) {
            return new AcceptLimits(context.config().limits(), context.stats(), name());
        }
        return new SharedLimits(slot, () -> {
            ServerSocketChannel l = listener;
            return l == null || l.isOpen();
        }, inherited != null ? SharedLimits.PermitTaken.BEFORE_ACCEPT : SharedLimits.PermitTaken.AFTER_ACCEPT);
    }

    @Override
    protected ServerSocketChannel openListener(ServerContext context) throws IOException {
        return inherited != null ? inherited : dev.turnstile.core.ListeningSocket.bind(context.config(), true);
    }

    /**
     * The master's socket is shared: the master seals it when the pool stops, and then this worker
     * takes what is queued before closing its copy; a worker retiring alone just closes its copy,
     * which loses nothing. A socket of its own (SO_REUSEPORT) it seals itself.
     */
    @Override
    protected ListenerDrain.Ownership listenerOwnership(ServerContext context) {
        return inherited != null ? ListenerDrain.Ownership.SHARED : ListenerDrain.Ownership.OWNED;
    }

    @Override
    protected void startServing(ServerSocketChannel listener) {
        this.listener = listener;
        String process = "pid-" + ProcessHandle.current().pid();
        for (int i = 1; i <= threads; i++) {
            String worker = threads == 1 ? process : process + "-" + i;
            Dispatcher serveHere = (socket, release) -> {
                countTowardsLimit();
                runConnection(socket, worker, release);
            };
            Thread t = Thread.ofPlatform().name("turnstile-worker-" + i)
                    .unstarted(newAcceptLoop(listener, Admission.unbounded(), serveHere));
            workers.add(t);
            t.start();
        }
    }

    private void countTowardsLimit() {
        if (connectionLimit > 0 && accepted.incrementAndGet() == connectionLimit) {
            Sockets.closeQuietly(listener); // accept no more; this one is still served
            onLimit.run();
        }
    }

    /**
     * A handler ran out of stack or memory: this JVM is no longer trusted with new connections.
     * The worker accepts no more (the other workers take them), and {@code onFatal} has the main
     * thread finish the conversations in hand and exit {@code FAILED}, so the master replaces it.
     */
    @Override
    protected void handlerFailedFatally(VirtualMachineError error) {
        Sockets.closeQuietly(listener);
        onFatal.run();
    }

    /** Connections accepted so far. */
    long accepted() {
        return accepted.get();
    }

    @Override
    protected List<String> stopWorkers(Instant deadline) {
        return Stragglers.joinAll(workers, deadline);
    }
}
