package dev.turnstile.loadgen;

import org.HdrHistogram.Histogram;

import java.time.Duration;

/**
 * A run's state at one tick of the progress line.
 *
 * @param elapsed           since the run began (connecting included)
 * @param phase             {@code connecting}, {@code warm-up}, {@code measuring} or {@code finishing}
 * @param messages          replies so far, warm-up included
 * @param messagesPerSecond replies per second since the previous tick
 * @param open              connections open now
 * @param errors            errors so far, by kind
 * @param recentLatency     latencies since the previous tick (microseconds); valid during the call only
 */
public record ProgressSample(Duration elapsed, String phase, long messages, double messagesPerSecond, long open,
                             ErrorCounts errors, Histogram recentLatency) {

    /** The 99th percentile since the previous tick, in microseconds; 0 if no reply came. */
    public long p99Micros() {
        return recentLatency.getTotalCount() == 0 ? 0 : recentLatency.getValueAtPercentile(99);
    }
}
