package dev.turnstile.loadgen;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A loop's live counters and recent latencies, for the progress line.
 *
 * <p><b>Thread-safety.</b> One writer, the loop thread, which publishes each count with a release
 * store (no read-modify-write, no lock: it is the only writer); any thread may read. Latencies go
 * to a {@link SingleWriterRecorder}, whose interval histograms the reporter thread swaps out.
 */
final class LoopTally implements ProgressSource {

    private static final int MESSAGES = 0;
    private static final int OPEN = 1;
    private static final int ERRORS = 2;

    private final AtomicLongArray counts = new AtomicLongArray(ERRORS + ErrorKind.values().length); // written by the loop thread only
    private final SingleWriterRecorder recent =
            new SingleWriterRecorder(Latency.HIGHEST_MICROS, Latency.SIGNIFICANT_DIGITS);
    private Histogram spare; // reporter thread only

    /** A reply came and was right; {@code micros} is its latency. Loop thread only. */
    void message(long micros) {
        bump(MESSAGES, 1);
        recent.recordValue(micros);
    }

    /** Loop thread only. */
    void opened() {
        bump(OPEN, 1);
    }

    /** Loop thread only. */
    void closed() {
        bump(OPEN, -1);
    }

    /** Loop thread only. */
    void error(ErrorKind kind) {
        bump(ERRORS + kind.ordinal(), 1);
    }

    private void bump(int i, long delta) {
        counts.lazySet(i, counts.get(i) + delta);
    }

    @Override
    public long messages() {
        return counts.get(MESSAGES);
    }

    @Override
    public long open() {
        return counts.get(OPEN);
    }

    @Override
    public ErrorCounts errors() {
        long[] byKind = new long[ErrorKind.values().length];
        for (int k = 0; k < byKind.length; k++) {
            byKind[k] = counts.get(ERRORS + k);
        }
        return ErrorCounts.of(byKind);
    }

    @Override
    public void drainRecentLatency(Histogram into) {
        Histogram interval = recent.getIntervalHistogram(spare);
        into.add(interval);
        spare = interval;
    }
}
