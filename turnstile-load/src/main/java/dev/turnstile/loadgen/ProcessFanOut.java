package dev.turnstile.loadgen;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A {@code --processes P} run: P child JVMs ({@link ChildProcess}), each with an even share of
 * the connections (and of the rate), all connected before any starts, started together, their
 * results merged exactly ({@link LoadResult#merge}: counts add, histograms add).
 *
 * <p>Bounded: a child that does not connect or finish within the run's bounds plus JVM start-up
 * fails the run; every child is ended before {@link #run} returns, whatever happened.
 */
final class ProcessFanOut {

    private static final long JVM_START_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final LoadOptions options;
    private final ProgressListener progress;

    ProcessFanOut(LoadOptions options, ProgressListener progress) {
        this.options = options;
        this.progress = progress;
    }

    LoadResult run() throws IOException, InterruptedException {
        List<LoadOptions> shares = shares(options);
        List<ChildProcess> children = new CopyOnWriteArrayList<>();  // read by the shutdown hook too
        long startedAt = System.nanoTime();
        Thread reaper = Thread.ofPlatform().name("turnstile-load-reaper").unstarted(() -> destroyAll(children));
        Runtime.getRuntime().addShutdownHook(reaper);  // Ctrl-C in the parent ends the children too
        try {
            for (int i = 0; i < shares.size(); i++) {
                children.add(ChildProcess.start(i, shares.get(i)));
            }
            try (ProgressReporter reporter = new ProgressReporter(children, progress, startedAt)) {
                long connectBound = (options.connections() / options.processes() / ClientLoop.connectsInFlight(options) + 1)
                        * options.timeout().toNanos();
                long readyBy = System.nanoTime() + JVM_START_NANOS + connectBound;
                for (ChildProcess c : children) {
                    c.awaitReady(readyBy);
                }
                for (ChildProcess c : children) {
                    c.go();
                }
                RunWindow window = RunWindow.startingAt(System.nanoTime(), options);
                reporter.windowOpened(window);
                long doneBy = window.hardEnd() + JVM_START_NANOS;
                List<LoadResult> results = new ArrayList<>();
                for (ChildProcess c : children) {
                    results.add(c.resultBy(doneBy));
                }
                return LoadResult.merge(results);
            }
        } finally {
            destroyAll(children);
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs, which is what we want
            }
        }
    }

    private static void destroyAll(List<ChildProcess> children) {
        for (ChildProcess c : List.copyOf(children)) {
            c.destroy();
        }
    }

    /** Even shares of connections and rate, the remainder to the first; one process each. */
    static List<LoadOptions> shares(LoadOptions o) {
        List<LoadOptions> out = new ArrayList<>();
        int p = o.processes();
        for (int i = 0; i < p; i++) {
            int connections = o.connections() / p + (i < o.connections() % p ? 1 : 0);
            double rate = o.rate() * connections / o.connections();
            out.add(o.toBuilder().processes(1).connections(connections).rate(rate).build());
        }
        return out;
    }
}
