package dev.turnstile.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples a process tree on a thread of its own ({@code turnstile-bench-monitor}) while a cell's
 * load (or a soak) runs, keeps every sample, and reduces them to a {@link ProcessUsage}: CPU as the difference between the
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
    private final Duration interval;
    private final long idleRssBytes;
    private final List<ProcessTreeProbe.Sample> samples = new ArrayList<>(); // as the peaks
    private ProcessTreeProbe.Sample first;  // runner thread: set in start()
    private Thread sampler;                 // runner thread only
    private long peakHwm;                   // monitor thread until joined
    private int peakThreads;                // monitor thread until joined
    private int peakProcesses;              // monitor thread until joined
    private volatile ProcessTreeProbe.Sample latest; // written by the monitor thread: the last sample with a live tree

    /** Reads the idle figures of the tree at once. */
    ProcessMonitor(long rootPid) {
        this(new ProcessTreeProbe(rootPid), INTERVAL);
    }

    /** Reads the idle figures of the tree at once; samples every {@code interval} once started. */
    ProcessMonitor(ProcessTreeProbe probe, Duration interval) {
        this.probe = probe;
        this.interval = interval;
        this.idleRssBytes = probe.sample().rssBytes();
    }

    /** Takes the first sample and starts sampling every interval ({@link #INTERVAL} unless given). */
    void start() {
        first = probe.sample();
        record(first);
        sampler = Thread.ofPlatform().name("turnstile-bench-monitor").daemon().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(interval); // a sampling period, not synchronisation
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

    /** The last sample that found the tree alive, or null; from any thread, while sampling goes on. */
    ProcessTreeProbe.Sample latest() {
        return latest;
    }

    /** Every sample taken from {@link #start} to {@link #stop}, in order, those of a dead tree included; after stop. */
    List<ProcessTreeProbe.Sample> samples() {
        return List.copyOf(samples);
    }

    private void record(ProcessTreeProbe.Sample sample) {
        samples.add(sample);
        if (sample.processes() > 0) {
            latest = sample;
        }
        peakHwm = Math.max(peakHwm, Math.max(sample.hwmBytes(), sample.rssBytes()));
        peakThreads = Math.max(peakThreads, sample.threads());
        peakProcesses = Math.max(peakProcesses, sample.processes());
    }
}
