package dev.turnstile.loadgen;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Samples a run's {@link ProgressSource}s once a second on its own thread,
 * {@code turnstile-load-progress}, and hands each sample to a listener. Started with the run,
 * closed after it; a listener's exception ends the reporting, never the run.
 *
 * <p><b>Thread-safety.</b> {@link #windowOpened} and {@link #close} may be called from any
 * thread; everything else is on the reporter thread.
 */
final class ProgressReporter implements AutoCloseable {

    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final List<? extends ProgressSource> sources;
    private final ProgressListener listener;
    private final long startedAt;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private volatile RunWindow window; // null until the loops start
    private final Histogram recent = Latency.newHistogram(); // reporter thread only

    ProgressReporter(List<? extends ProgressSource> sources, ProgressListener listener, long startedAt) {
        this.sources = List.copyOf(sources);
        this.listener = listener;
        this.startedAt = startedAt;
        this.thread = Thread.ofPlatform().name("turnstile-load-progress").daemon().unstarted(this::report);
        if (listener != ProgressListener.NONE) {
            thread.start();
        }
    }

    void windowOpened(RunWindow w) {
        this.window = w;
    }

    private void report() {
        long lastAt = System.nanoTime();
        long lastMessages = 0;
        long next = lastAt + TICK_NANOS;
        try {
            while (!stop.await(Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                long now = System.nanoTime();
                next += TICK_NANOS;
                long messages = 0;
                long open = 0;
                ErrorCounts errors = ErrorCounts.NONE;
                recent.reset();
                for (ProgressSource s : sources) {
                    messages += s.messages();
                    open += s.open();
                    errors = errors.plus(s.errors());
                    s.drainRecentLatency(recent);
                }
                double rate = (messages - lastMessages) * 1e9 / Math.max(1, now - lastAt);
                listener.onProgress(new ProgressSample(Duration.ofNanos(now - startedAt), phase(now), messages,
                        rate, open, errors, recent));
                lastAt = now;
                lastMessages = messages;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();  // the reporter thread ends: nothing else to restore
        }
    }

    private String phase(long now) {
        RunWindow w = window;
        if (w == null) {
            return "connecting";
        }
        if (now < w.windowStart()) {
            return "warm-up";
        }
        return now < w.windowEnd() ? "measuring" : "finishing";
    }

    /** Stops reporting and waits for the reporter thread to end. */
    @Override
    public void close() throws InterruptedException {
        stop.countDown();
        if (thread.isAlive()) {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
    }
}
