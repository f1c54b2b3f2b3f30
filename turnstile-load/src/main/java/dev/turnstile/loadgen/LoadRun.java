package dev.turnstile.loadgen;

import org.HdrHistogram.Histogram;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One run in this process: splits the connections over {@code threads} {@link ClientLoop}s, waits
 * until they have connected, passes the {@link StartGate}, opens the {@link RunWindow} for all of
 * them at once, waits for them to end and adds up their results.
 *
 * <p>Every wait is bounded: the connect phase by the timeout per batch of connects, the run by
 * the window's hard end. A loop that overruns is interrupted and the run fails with a clear error.
 */
final class LoadRun {

    private static final long MARGIN_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final LoadOptions options;
    private final ProgressListener progress;
    private final StartGate gate;

    LoadRun(LoadOptions options, ProgressListener progress, StartGate gate) {
        this.options = options;
        this.progress = progress;
        this.gate = gate;
    }

    LoadResult run() throws IOException, InterruptedException {
        long startedAt = System.nanoTime();
        int threads = options.threads();
        CountDownLatch connected = new CountDownLatch(threads);
        CompletableFuture<RunWindow> start = new CompletableFuture<>();
        List<ClientLoop> loops = new ArrayList<>();
        SSLContext tls = options.tls().newContext();
        int first = 0;
        for (int i = 0; i < threads; i++) {
            int count = options.connections() / threads + (i < options.connections() % threads ? 1 : 0);
            loops.add(new ClientLoop(options, tls, new MessageSlab(options.messageSet(), options.framing()), first, count,
                    0x5eed + i, connected, start));
            first += count;
        }
        List<Thread> running = new ArrayList<>();
        RunWindow window = null;
        double cpuPercent = 0;
        try (ProgressReporter reporter = new ProgressReporter(loops.stream().map(l -> l.tally).toList(), progress,
                startedAt)) {
            for (int i = 0; i < threads; i++) {
                running.add(Thread.ofPlatform().name("turnstile-load-loop-" + i).start(loops.get(i)));
            }
            try {
                if (!connected.await(connectBoundNanos(), TimeUnit.NANOSECONDS)) {
                    throw new IOException("connecting took longer than its bound; giving up");
                }
                gate.awaitStart(loops.stream().mapToLong(l -> l.tally.open()).sum());
                window = RunWindow.startingAt(System.nanoTime(), options);
                reporter.windowOpened(window);
                start.complete(window);
                cpuPercent = cpuPercentOverWindow(running, window);
            } finally {
                start.completeExceptionally(new IOException("the run was called off before it started"));
                join(running, window);
            }
        }
        for (ClientLoop loop : loops) {
            if (loop.failure() != null) {
                throw new IOException("load loop failed: " + loop.failure(), loop.failure());
            }
        }
        return result(loops, window, cpuPercent);
    }

    /**
     * This process's CPU use while the window is open, in percent of one core (as {@code top}
     * shows it): the client's own cost, to set beside the server's. Returns once the window has
     * closed or every loop has ended.
     */
    private static double cpuPercentOverWindow(List<Thread> running, RunWindow window) throws InterruptedException {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)) {
            return 0;
        }
        joinUntil(running, window.windowStart());
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        joinUntil(running, window.windowEnd());
        long cpu1 = os.getProcessCpuTime();
        long t1 = System.nanoTime();
        return cpu0 < 0 || t1 - t0 < 1_000_000 ? 0 : 100.0 * (cpu1 - cpu0) / (t1 - t0);
    }

    /** Waits until {@code deadline} or until every thread has ended, whichever is first. */
    private static void joinUntil(List<Thread> running, long deadline) throws InterruptedException {
        for (Thread t : running) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            t.join(java.time.Duration.ofNanos(left));
        }
    }

    /** Each loop connects its share at most {@link ClientLoop#connectsInFlight} at a time, each within the timeout. */
    private long connectBoundNanos() {
        long perLoop = (long) options.connections() / options.threads() + 1;
        int inFlight = ClientLoop.connectsInFlight(options);
        long batches = (perLoop + inFlight - 1) / inFlight;
        return batches * options.timeout().toNanos() + MARGIN_NANOS;
    }

    /** Waits for the loops to end by the window's hard end (or at once if the run never started). */
    private static void join(List<Thread> running, RunWindow window) throws InterruptedException {
        long deadline = (window != null ? window.hardEnd() : System.nanoTime()) + MARGIN_NANOS;
        boolean overran = false;
        for (Thread t : running) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(java.time.Duration.ofNanos(left))) {
                overran = true;
                t.interrupt();
            }
        }
        for (Thread t : running) {
            t.join(TimeUnit.SECONDS.toMillis(5));
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop after being interrupted");
            }
        }
        if (overran) {
            throw new IllegalStateException("a load loop ran past the run's hard end and was interrupted");
        }
    }

    private LoadResult result(List<ClientLoop> loops, RunWindow window, double cpuPercent) {
        Histogram latency = Latency.newHistogram();
        long messages = 0;
        long connects = 0;
        long lastReply = 0;
        long finished = 0;
        ErrorCounts errors = ErrorCounts.NONE;
        for (ClientLoop loop : loops) {
            latency.add(loop.window());
            messages += loop.countedMessages();
            connects += options.workload() == Workload.CHURN ? loop.countedConnects() : loop.established();
            lastReply = Math.max(lastReply, loop.lastCountedReplyAt());
            finished = Math.max(finished, loop.finishedAt());
            errors = errors.plus(loop.tally.errors());
        }
        // The window as it ran: all of it, unless every connection reached its message bound first.
        long end = finished < window.windowEnd() ? lastReply : window.windowEnd();
        double duration = Math.max(0, end - window.windowStart()) / 1e9;
        return new LoadResult(options.workload(), options.connections(), options.threads(), 1,
                options.framing().cliName(), options.messageSet().spec(), options.rate(),
                options.warmup().toNanos() / 1e9, duration, messages, connects, latency, errors, firstError(loops),
                cpuPercent, options.tls().enabled());
    }

    private static String firstError(List<ClientLoop> loops) {
        for (ErrorKind kind : ErrorKind.values()) {
            for (ClientLoop loop : loops) {
                String detail = loop.firstError(kind);
                if (detail != null) {
                    return kind.key() + ": " + detail;
                }
            }
        }
        return null;
    }
}
