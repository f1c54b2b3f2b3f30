package dev.turnstile.loadgen;

import java.time.Duration;

/**
 * A run's timeline in {@link System#nanoTime()} values: sending starts at {@code origin}, the
 * measured window is [{@code windowStart}, {@code windowEnd}), and every loop stops by
 * {@code hardEnd} whatever is still pending (replies are awaited for the timeout after the
 * window, plus a margin).
 */
record RunWindow(long origin, long windowStart, long windowEnd, long hardEnd) {

    static RunWindow startingAt(long origin, LoadOptions options) {
        long windowStart = origin + options.warmup().toNanos();
        long windowEnd = windowStart + options.duration().toNanos();
        long hardEnd = windowEnd + options.timeout().toNanos() + Duration.ofSeconds(2).toNanos();
        return new RunWindow(origin, windowStart, windowEnd, hardEnd);
    }
}
