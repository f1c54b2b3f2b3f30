package dev.turnstile.bench;

import java.time.Duration;

/**
 * Samples a process tree on a thread of its own ({@code turnstile-bench-monitor}) while a cell's
 * load runs, and reduces the samples to a {@link ProcessUsage}: CPU as the difference between the
 * first and the last sample that found the tree alive, peaks as the largest value seen. A process
 * that ends by itself (the load generator) is measured up to its last sample, at most
 * {@link #INTERVAL} before its end.
 *
 * <p>Thread-safety: {@link #start} and {@link #stop} are called by the cell's runner thread; the
 * peaks are written by the monitor thread only and read after {@link #stop} has joined it.
 */
final class ProcessMonitor {

    static final Duration INTERVAL = Duration.ofMillis(100);

    private final ProcessTreeProbe probe;
    private final long idleRssBytes;
    private ProcessTreeProbe.Sample first;  // runner thread: set in start()
    private Thread sampler;                 // runner thread only
    private long peakHwm;                   // monitor thread until joined
    private int peakThreads;                // monitor thread until joined
    private int peakProcesses;              // monitor thread until joined
    private ProcessTreeProbe.Sample latest; // monitor thread until joined: the last sample with a live tree

    /** Reads the idle figures of the tree at once. */
    ProcessMonitor(long rootPid) {
        this.probe = new ProcessTreeProbe(rootPid);
        this.idleRssBytes = probe.sample().rssBytes();
    }

    /** Takes the first sample and starts sampling every {@link #INTERVAL}. */
    void start() {
        first = probe.sample();
        record(first);
        sampler = Thread.ofPlatform().name("turnstile-bench-monitor").daemon().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(INTERVAL); // a sampling period, not synchronisation
                    record(probe.sample());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stop() asked us to end
            }
        });
    }

    /** Stops sampling, takes the last sample and returns the usage between the first and the last. */
    ProcessUsage stop() throws InterruptedException {
        sampler.interrupt();
        sampler.join();
        record(probe.sample());
        ProcessTreeProbe.Sample last = latest != null ? latest : first; // never seen alive: no usage
        return new ProcessUsage(Math.max(0, last.cpuSeconds() - first.cpuSeconds()),
                (last.nanoTime() - first.nanoTime()) / 1e9, idleRssBytes, peakHwm, peakThreads, peakProcesses);
    }

    private void record(ProcessTreeProbe.Sample sample) {
        if (sample.processes() > 0) {
            latest = sample;
        }
        peakHwm = Math.max(peakHwm, Math.max(sample.hwmBytes(), sample.rssBytes()));
        peakThreads = Math.max(peakThreads, sample.threads());
        peakProcesses = Math.max(peakProcesses, sample.processes());
    }
}
