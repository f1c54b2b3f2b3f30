package dev.turnstile.loadgen;

import org.HdrHistogram.Histogram;

/**
 * Live figures of a part of a run (a loop, or a child process), read by the progress reporter
 * while the part runs. Counts are cumulative and include the warm-up.
 */
interface ProgressSource {

    /** Replies received and checked so far. */
    long messages();

    /** Connections open now. */
    long open();

    ErrorCounts errors();

    /**
     * Adds the latencies recorded since the previous call to {@code into}. Called by one thread,
     * the reporter, only.
     */
    void drainRecentLatency(Histogram into);
}
