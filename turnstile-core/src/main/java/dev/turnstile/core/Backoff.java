package dev.turnstile.core;

import java.time.Duration;

/**
 * Pause between retries of a failing operation, such as accept() when the process is out of
 * descriptors: 5 ms, doubling, capped at 1 s; {@link #reset} after a success. Not thread-safe:
 * one per loop.
 */
public final class Backoff {

    static final Duration FIRST = Duration.ofMillis(5);
    static final Duration CAP = Duration.ofSeconds(1);

    private Duration next = FIRST;

    /** The delay to wait now; doubles the next one up to the cap. */
    public Duration next() {
        Duration now = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(CAP) > 0 ? CAP : doubled;
        return now;
    }

    public void reset() {
        next = FIRST;
    }

    /**
     * Waits for {@code delay}, or less if interrupted; the interrupt status is kept so the caller's
     * loop sees it and stops.
     */
    public void pause(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
