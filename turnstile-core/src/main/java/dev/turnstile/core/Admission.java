package dev.turnstile.core;

import java.util.concurrent.Semaphore;

/**
 * The bound on connections a model runs at once: a permit is taken before accept() and given
 * back when the connection closes, so with every permit taken the acceptor waits and the excess
 * waits in the kernel's listen backlog, not in our memory.
 *
 * <p>Thread-safe. {@link #unbounded()} never waits.
 */
public final class Admission {

    private final Semaphore permits; // null: unbounded
    private final int limit;

    private Admission(int limit) {
        this.limit = limit;
        this.permits = limit == Integer.MAX_VALUE ? null : new Semaphore(limit, true);
    }

    /** At most {@code limit} connections at once. */
    public static Admission bounded(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1 (got " + limit + ")");
        }
        return new Admission(limit);
    }

    public static Admission unbounded() {
        return new Admission(Integer.MAX_VALUE);
    }

    /** Waits for a permit; false if interrupted (the server is stopping), with the interrupt status kept. */
    public boolean acquire() {
        if (permits == null) {
            return true;
        }
        try {
            permits.acquire();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Takes a permit if one is free now, without waiting. */
    public boolean tryAcquire() {
        return permits == null || permits.tryAcquire();
    }

    public void release() {
        if (permits != null) {
            permits.release();
        }
    }

    /** The bound, or {@link Integer#MAX_VALUE} when unbounded. */
    public int limit() {
        return limit;
    }

    /** Connections that could still be admitted now. */
    public int available() {
        return permits == null ? Integer.MAX_VALUE : permits.availablePermits();
    }
}
