package dev.turnstile.model.prefork;

import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of a pre-forked pool and how they interact, validated here with messages that name
 * the option.
 *
 * <p><b>Size.</b> {@code initial} workers are started at once. Afterwards, like Apache's prefork,
 * the master keeps the number of idle workers between {@code minSpare} and {@code maxSpare},
 * within {@code min} and {@code max} workers: with fewer idle than {@code minSpare} it starts
 * more (all it needs at once, up to {@code max}); with more than {@code maxSpare} it retires one
 * idle worker per second (down to {@code min}). With {@code min == max} the pool is fixed and
 * the spares do not matter. Starting workers count as idle, so a slow boot does not make the
 * pool overshoot.
 *
 * <p><b>Work.</b> Each worker runs {@code threadsPerWorker} connections at once (1: the notes'
 * process pool; more: a hybrid like Apache's worker MPM or gunicorn's gthread). A worker is idle
 * when it runs none. After {@code maxConnectionsPerWorker} connections (plus a random 0 to a
 * quarter more, so workers started together do not all retire together) a worker finishes the
 * one in hand and exits, and is replaced; 0 means never.
 *
 * <p><b>Busy and idle.</b> A worker is busy (its scoreboard state) when it holds
 * {@code workerCapacity} connections or more, and idle (a spare) while it has room. For the
 * built-in worker the capacity is 1: a worker running any connection is busy, as in Apache's
 * prefork, whatever its threads. A worker that runs an in-process model ({@code --worker-model})
 * holds many connections, so it is busy only when full ({@code --worker-capacity}, default
 * {@value #DEFAULT_HOSTED_CAPACITY}): its load is its open connections over its capacity. Only a
 * worker holding no connection at all is ever retired for being spare, so shrinking never cuts a
 * conversation short.
 *
 * <p><b>Supervision.</b> A worker that dies is replaced at once; but more than
 * {@code maxRestarts} deaths within {@code restartWindow} stop the pool with an error instead of
 * respawning in a loop. A worker whose heartbeat is older than {@code workerTimeout}, or that is
 * still starting after {@code bootTimeout}, gets SIGTERM, then SIGKILL.
 */
public record PoolPlan(int initial, int min, int max, int minSpare, int maxSpare, int threadsPerWorker,
                       int maxConnectionsPerWorker, Balance balance, int maxRestarts, Duration restartWindow,
                       Duration workerTimeout, Duration bootTimeout, int workerCapacity) {

    /** Connections a worker running an in-process model holds before it counts as full, unless told. */
    public static final int DEFAULT_HOSTED_CAPACITY = 1000;

    public PoolPlan {
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(restartWindow, "restartWindow");
        Objects.requireNonNull(workerTimeout, "workerTimeout");
        Objects.requireNonNull(bootTimeout, "bootTimeout");
        atLeast("min", min, 1);
        if (max < min) {
            throw new IllegalArgumentException("max must be >= min (got " + max + " < " + min + ")");
        }
        if (max > 1024) {
            throw new IllegalArgumentException("max must be <= 1024 worker processes (got " + max + ")");
        }
        if (initial < min || initial > max) {
            throw new IllegalArgumentException("workers must be between min and max (got " + initial + ", min " + min
                    + ", max " + max + ")");
        }
        atLeast("min-spare", minSpare, 0);
        if (maxSpare < minSpare) {
            throw new IllegalArgumentException("max-spare must be >= min-spare (got " + maxSpare + " < " + minSpare + ")");
        }
        atLeast("threads-per-worker", threadsPerWorker, 1);
        atLeast("max-connections-per-worker", maxConnectionsPerWorker, 0);
        atLeast("max-restarts", maxRestarts, 0);
        positive("restart-window", restartWindow);
        positive("worker-timeout", workerTimeout);
        positive("boot-timeout", bootTimeout);
        atLeast("worker-capacity", workerCapacity, 1);
    }

    /** A fixed pool of {@code n} workers with the defaults for everything else. */
    public static PoolPlan fixed(int n) {
        return new PoolPlan(n, n, n, 1, Math.max(1, n), 1, 0, Balance.SHARED, 10, Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(60), 1);
    }

    /** This plan with {@code balance}. */
    public PoolPlan withBalance(Balance b) {
        return new PoolPlan(initial, min, max, minSpare, maxSpare, threadsPerWorker, maxConnectionsPerWorker, b,
                maxRestarts, restartWindow, workerTimeout, bootTimeout, workerCapacity);
    }

    /** Scoreboard slots: room for every live worker plus as many retiring or being replaced. */
    public int slots() {
        return 2 * max;
    }

    private static void atLeast(String knob, int value, int floor) {
        if (value < floor) {
            throw new IllegalArgumentException(knob + " must be >= " + floor + " (got " + value + ")");
        }
    }

    private static void positive(String knob, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(knob + " must be positive (got " + d + ")");
        }
    }
}
