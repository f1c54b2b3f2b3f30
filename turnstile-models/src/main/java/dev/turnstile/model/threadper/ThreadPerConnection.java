package dev.turnstile.model.threadper;

import dev.turnstile.core.Admission;
import dev.turnstile.core.BlockingModel;

import java.nio.channels.ServerSocketChannel;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * A thread per accepted connection, made by a {@link Thread.Builder}: platform threads here,
 * virtual threads in {@code VirtualThreadPerConnection}. The builder is used by the acceptor
 * thread only.
 */
public class ThreadPerConnection extends BlockingModel {

    private final String name;
    private final Thread.Builder threads;
    private final Admission admission;

    /** Platform threads; at most {@code maxConnections} at once ({@link Integer#MAX_VALUE}: no bound). */
    public ThreadPerConnection(int maxConnections) {
        this("thread-per-connection", Thread.ofPlatform().name("turnstile-conn-", 1), maxConnections);
    }

    protected ThreadPerConnection(String name, Thread.Builder threads, int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max-connections must be >= 1 (got " + maxConnections + ")");
        }
        this.name = name;
        this.threads = threads;
        this.admission = maxConnections == Integer.MAX_VALUE ? Admission.unbounded() : Admission.bounded(maxConnections);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    protected void startServing(ServerSocketChannel listener) {
        startAcceptor("turnstile-acceptor-" + port(), listener, admission, (socket, release) -> {
            Thread t = threads.unstarted(() -> {
                String worker = Thread.currentThread().getName().replaceFirst("^turnstile-", "");
                try {
                    runConnection(socket, worker, release);
                } finally {
                    context().stats().retireWorker(worker);
                }
            });
            try {
                t.start();
            } catch (OutOfMemoryError e) { // "unable to create native thread": refuse this one, keep serving
                throw new RejectedExecutionException("cannot start a thread: " + e.getMessage(), e);
            }
        });
    }

    @Override
    protected List<String> stopWorkers(Instant deadline) {
        return List.of(); // connection threads are the connections: drained and forced by the base
    }
}
