package dev.turnstile.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting for a condition that has no event to wait on (a counter in another process, a file in
 * /proc): poll it every few milliseconds against a deadline. The one polling loop of the tests;
 * where an event exists, wait on the event (a latch or a future) instead.
 */
public final class Poll {

    private static final long INTERVAL_NANOS = 10_000_000L;

    private Poll() {
    }

    /** Waits until {@code condition} holds; fails naming {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        if (!within(timeout, condition)) {
            throw new AssertionError("timed out after " + timeout + " waiting for " + what);
        }
    }

    /**
     * Probes until a value satisfies {@code done} and returns it; fails naming {@code what} and the
     * last value after {@code timeout}.
     */
    public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!done.test(value)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last: " + value);
            }
            pause();
            value = probe.get();
        }
        return value;
    }

    /** True if {@code condition} held before {@code timeout} ran out; false if not (or if interrupted). */
    public static boolean within(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            pause();
        }
        return true;
    }

    private static void pause() {
        LockSupport.parkNanos(INTERVAL_NANOS);
    }
}
