package dev.turnstile.loadgen;

import org.HdrHistogram.Histogram;

/** Latency percentiles in microseconds, read from a histogram. All zero when nothing was recorded. */
public record LatencySummary(long p50, long p90, long p99, long p999, long max, double mean) {

    public static LatencySummary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0, 0.0);
        }
        return new LatencySummary(h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), h.getMean());
    }
}
