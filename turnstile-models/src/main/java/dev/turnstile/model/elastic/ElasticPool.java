package dev.turnstile.model.elastic;

import dev.turnstile.core.Admission;
import dev.turnstile.core.BlockingModel;

import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool that grows from {@code minWorkers} to {@code maxWorkers} threads as connections wait,
 * and shrinks back after {@code keepAlive} without work. Built on {@link ThreadPoolExecutor}
 * with a hand-off queue: a connection goes to an idle thread if one is polling, else a new thread
 * is made, up to the ceiling. The acceptor holds one admission permit per running connection, so
 * at the ceiling it waits before accept().
 *
 * <p>How the knobs interact: {@code minWorkers} threads are started at once and never time out;
 * threads above it live while they keep getting connections within {@code keepAlive}. With
 * {@code minWorkers == maxWorkers} this is a fixed pool.
 *
 * <p>Size changes are counted and reported under one lock, so the pool events arrive in the
 * order the sizes changed and the last one is the current size.
 */
public final class ElasticPool extends BlockingModel {

    private final int minWorkers;
    private final int maxWorkers;
    private final Duration keepAlive;
    private final Object sizeLock = new Object();
    private int live;                                         // pool threads alive; guarded by sizeLock
    private final AtomicInteger busy = new AtomicInteger();  // threads running a connection
    private final AtomicInteger names = new AtomicInteger();
    private ThreadPoolExecutor executor;                      // set in startServing, before the acceptor starts

    public ElasticPool(int minWorkers, int maxWorkers, Duration keepAlive) {
        if (minWorkers < 1) {
            throw new IllegalArgumentException("min must be >= 1 (got " + minWorkers + ")");
        }
        if (maxWorkers < minWorkers) {
            throw new IllegalArgumentException("max must be >= min (got " + maxWorkers + " < " + minWorkers + ")");
        }
        if (keepAlive.isNegative() || keepAlive.isZero()) {
            throw new IllegalArgumentException("keep-alive must be positive (got " + keepAlive + ")");
        }
        this.minWorkers = minWorkers;
        this.maxWorkers = maxWorkers;
        this.keepAlive = keepAlive;
    }

    @Override
    public String name() {
        return "elastic-pool";
    }

    @Override
    protected void startServing(ServerSocketChannel listener) {
        executor = new ThreadPoolExecutor(minWorkers, maxWorkers, keepAlive.toNanos(), TimeUnit.NANOSECONDS,
                new SynchronousQueue<>(), this::newWorker, ElasticPool::waitForTaker);
        executor.prestartAllCoreThreads();
        startAcceptor("turnstile-acceptor-" + port(), listener, Admission.bounded(maxWorkers), (socket, release) ->
                executor.execute(() -> {
                    busy.incrementAndGet();
                    try {
                        runConnection(socket, Thread.currentThread().getName().replaceFirst("^turnstile-", ""), release);
                    } finally {
                        busy.decrementAndGet();
                    }
                }));
    }

    /** Called by the executor when it adds a thread: at start (the floor) or because all are busy. */
    private Thread newWorker(Runnable work) {
        String name = "turnstile-worker-" + names.incrementAndGet();
        return Thread.ofPlatform().name(name).unstarted(() -> {
            synchronized (sizeLock) {
                int size = ++live;
                int busyNow = busy.get();
                context().stats().poolResized(size, size <= minWorkers && busyNow == 0
                        ? "started " + size + " of min " + minWorkers
                        : "grew to " + size + ": " + busyNow + " busy, 1 waiting");
            }
            try {
                work.run();
            } finally {
                context().stats().retireWorker(name.replaceFirst("^turnstile-", ""));
                synchronized (sizeLock) {
                    int left = --live;
                    context().stats().poolResized(left, lifecycle.isRunning()
                            ? "shrank to " + left + ": " + name + " idle for " + keepAlive.toMillis() + " ms"
                            : "stopped " + name);
                }
            }
        });
    }

    /**
     * At the ceiling every thread is busy, but the acceptor only holds a connection when a permit
     * was free, so a thread is about to ask for work: wait for it rather than reject.
     */
    private static void waitForTaker(Runnable connection, ThreadPoolExecutor executor) {
        if (executor.isShutdown()) {
            throw new RejectedExecutionException("pool is stopping");
        }
        try {
            executor.getQueue().put(connection);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for a pool thread");
        }
    }

    @Override
    protected List<String> stopWorkers(Instant deadline) {
        executor.shutdown();
        try {
            long ms = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            if (!executor.awaitTermination(ms, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
                return List.of("elastic pool: " + executor.getPoolSize() + " threads did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.of();
    }
}
