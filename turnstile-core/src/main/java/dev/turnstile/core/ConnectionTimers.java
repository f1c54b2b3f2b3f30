package dev.turnstile.core;

import dev.turnstile.api.Scheduled;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The clock behind {@link dev.turnstile.api.Connection#schedule}: one daemon thread,
 * {@code turnstile-timer}, shared by the connections of one model, that only hands each due task
 * to its connection's owner (it never runs service code itself). The thread starts with the
 * first task and ends after 10 s with nothing scheduled, so a server whose services never
 * schedule has no timer thread. A model's own periodic sweep ({@link #every}, such as the
 * blocking models' stuck-write sweep) keeps it alive until {@link #stop}.
 *
 * <p><b>Thread-safety.</b> Thread-safe.
 */
public final class ConnectionTimers {

    private static final long IDLE_EXIT_SECONDS = 10;

    private final ScheduledThreadPoolExecutor executor;

    public ConnectionTimers() {
        executor = new ScheduledThreadPoolExecutor(1, task -> Thread.ofPlatform().name("turnstile-timer").daemon()
                .unstarted(task));
        executor.setRemoveOnCancelPolicy(true);
        executor.setKeepAliveTime(IDLE_EXIT_SECONDS, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Calls {@code handOff} once {@code delay} has passed, unless cancelled or stopped first. */
    public Scheduled schedule(Duration delay, Runnable handOff) {
        ScheduledFuture<?> future = executor.schedule(handOff, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    /**
     * Runs {@code sweep} every {@code period} on the timer thread until cancelled or stopped. The
     * sweep must be short and must not throw (one that throws ends its repeats).
     */
    public Scheduled every(Duration period, Runnable sweep) {
        long nanos = Math.max(1, period.toNanos());
        ScheduledFuture<?> future = executor.scheduleWithFixedDelay(sweep, nanos, nanos, TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    /** Drops every task still waiting; called when the model stops. Idempotent. */
    public void stop() {
        executor.shutdownNow();
    }
}
