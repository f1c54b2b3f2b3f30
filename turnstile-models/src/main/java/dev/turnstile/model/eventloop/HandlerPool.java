package dev.turnstile.model.eventloop;

import dev.turnstile.core.Stragglers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fixed pool of worker threads that run handlers for {@code loop-with-workers}, so that a
 * handler may block without stalling a loop.
 *
 * <p><b>Bounds.</b> {@code workers} threads, {@code turnstile-worker-N}, started at once. The queue
 * has no fixed capacity but cannot grow past the number of open connections: a connection has
 * at most one batch queued or running, and its loop does not read it again until the batch is
 * answered, so a slow pool slows reading (the excess waits in the kernel's socket buffers), not
 * memory. A blocked handler holds one worker; the others keep going.
 * <p><b>Thread-safety.</b> Thread-safe.
 */
final class HandlerPool {

    private final ThreadPoolExecutor executor;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger names = new AtomicInteger();

    HandlerPool(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1 (got " + workers + ")");
        }
        executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                work -> {
                    Thread t = Thread.ofPlatform().name("turnstile-worker-" + names.incrementAndGet()).unstarted(work);
                    threads.add(t);
                    return t;
                });
        executor.prestartAllCoreThreads();
    }

    int size() {
        return executor.getCorePoolSize();
    }

    /** Runs one connection's batch on a worker. @throws RejectedExecutionException once stopping */
    void execute(Runnable job) {
        executor.execute(job);
    }

    /**
     * Lets queued and running batches finish until {@code deadline}, then interrupts the workers
     * and waits one more second. Returns a description, with its stack, of each worker still alive.
     */
    List<String> stop(Instant deadline) {
        executor.shutdown();
        if (!awaitTermination(deadline)) {
            executor.shutdownNow();
            awaitTermination(Instant.now().plusSeconds(1));
        }
        List<String> stuck = new ArrayList<>();
        Instant exitDeadline = Instant.now().plusSeconds(1); // a terminated pool's threads are still on their way out
        for (Thread t : threads) {
            if (!Stragglers.joinUntil(t, exitDeadline)) {
                stuck.add(Stragglers.describe(t.getName() + " did not stop; interrupted", t));
            }
        }
        return stuck;
    }

    private boolean awaitTermination(Instant deadline) {
        long ms = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        try {
            return executor.awaitTermination(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return executor.isTerminated();
        }
    }
}
