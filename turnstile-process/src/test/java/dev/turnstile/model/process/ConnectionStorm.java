package dev.turnstile.model.process;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ServerListener;
import dev.turnstile.testing.Poll;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A storm of connect-and-close cycles against a server on loopback, measured from outside: some
 * threads connect and close at once (nothing sent), up to a bounded number of cycles spread evenly
 * over a bounded time (or as fast as connects go, if slower); meanwhile, every {@code probeEvery}, a fresh client connects, sends one line and
 * times its reply, during the storm and for {@code after} once it ends; a sampler counts the
 * serving children of this JVM and the RSS of this JVM's process tree. The server is the
 * caller's, in this JVM; {@link #spawnCounter()} counts the connections it gave a process.
 *
 * <p>Thread-safety: {@link #run} once, from one thread; the counter is safe from any thread.
 */
final class ConnectionStorm {

    /** What to run: threads, cycle bound, storm duration, probe period, time measured after the storm. */
    record Plan(int threads, int maxCycles, Duration storm, Duration probeEvery, Duration after) {
    }

    /** A fresh client's connect-to-reply time; {@code replied} false if none came within the probe's limit. */
    record Probe(long startNanos, double millis, boolean replied, boolean duringStorm) {
    }

    /**
     * The figures: cycles done (and failed connects), probes, peak serving children, peak tree
     * RSS, processes spawned, and the time from the storm's end until no serving child was left,
     * first and for good (probes after the storm start children too; negative if never within the
     * measuring window plus the idle wait).
     */
    record Result(int cycles, int failedConnects, List<Probe> probes, int peakChildren, long peakTreeRssBytes,
                  long spawns, double firstIdleAfterStormMillis, double idleAfterStormMillis) {

        List<Probe> during() {
            return probes.stream().filter(Probe::duringStorm).toList();
        }

        List<Probe> after() {
            return probes.stream().filter(p -> !p.duringStorm()).toList();
        }

        static double max(List<Probe> ps) {
            return ps.stream().mapToDouble(Probe::millis).max().orElse(0);
        }

        static double p50(List<Probe> ps) {
            List<Double> sorted = ps.stream().map(Probe::millis).sorted().toList();
            return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
        }

        static long unanswered(List<Probe> ps) {
            return ps.stream().filter(p -> !p.replied()).count();
        }

        String describe() {
            return String.format(
                    "cycles %d (failed connects %d), spawns %d (%.2f per cycle)%n"
                            + "fresh client during storm: n=%d p50 %.0f ms max %.0f ms unanswered %d%n"
                            + "fresh client after storm:  n=%d p50 %.0f ms max %.0f ms unanswered %d%n"
                            + "peak serving children %d, peak tree RSS %.0f MiB, first idle %s and idle for good %s after the storm",
                    cycles, failedConnects, spawns, cycles == 0 ? 0.0 : (double) spawns / cycles,
                    during().size(), p50(during()), max(during()), unanswered(during()),
                    after().size(), p50(after()), max(after()), unanswered(after()),
                    peakChildren, peakTreeRssBytes / 1048576.0, millis(firstIdleAfterStormMillis), millis(idleAfterStormMillis));
        }

        private static String millis(double ms) {
            return ms < 0 ? "never (within the wait)" : String.format("%.0f ms", ms);
        }
    }

    private static final Duration PROBE_LIMIT = Duration.ofSeconds(10);

    private final AtomicLong spawns = new AtomicLong();
    private final ServerListener spawnCounter = new ServerListener() {
        @Override
        public void connectionOpened(ConnectionInfo connection) {
            if (connection.worker().startsWith("process-")) {
                spawns.incrementAndGet();
            }
        }
    };

    /** Counts the connections given a process (worker named {@code process-PID}); register before {@link #run}. */
    ServerListener spawnCounter() {
        return spawnCounter;
    }

    /**
     * Waits until {@code deadline} ({@link System#nanoTime}): the load's own schedule (when the next
     * connect or probe is due), never a wait for the server. Returns early if interrupted.
     */
    private static void pauseUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted()) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    /** Runs the plan against {@code port}, then waits up to {@code idleWait} more for the children to end. */
    Result run(int port, Plan plan, Duration idleWait) throws InterruptedException {
        AtomicInteger cycles = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger peakChildren = new AtomicInteger();
        AtomicLong peakRss = new AtomicLong();
        List<Probe> probes = new ArrayList<>();
        long start = System.nanoTime();
        long stormEnd = start + plan.storm().toNanos();
        CountDownLatch stormDone = new CountDownLatch(plan.threads());
        List<Thread> stormers = new ArrayList<>();
        for (int t = 0; t < plan.threads(); t++) {
            stormers.add(Thread.ofPlatform().name("storm-" + t).start(() -> {
                try {
                    long pace = plan.storm().toNanos() / plan.maxCycles();
                    for (int n; System.nanoTime() < stormEnd && (n = cycles.incrementAndGet()) <= plan.maxCycles(); ) {
                        pauseUntil(start + (n - 1) * pace); // the storm's pace
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress("127.0.0.1", port), 3000);
                        } catch (IOException e) {
                            failed.incrementAndGet();
                        }
                    }
                } finally {
                    stormDone.countDown();
                }
            }));
        }
        ConcurrentHashMap<String, Long> idleAt = new ConcurrentHashMap<>();
        Thread sampler = Thread.ofPlatform().name("storm-sampler").start(() -> {
            long stormOver = -1;
            while (!Thread.currentThread().isInterrupted()) {
                int children;
                try {
                    children = (int) ChildProcesses.ofThisJvm().stream().filter(c -> c.serving() && !c.zombie()).count();
                } catch (java.io.UncheckedIOException e) {
                    continue; // a child ended while /proc was read: take the next sample
                }
                peakChildren.accumulateAndGet(children, Math::max);
                peakRss.accumulateAndGet(treeRss(), Math::max);
                long now = System.nanoTime();
                if (stormOver < 0 && stormDone.getCount() == 0) {
                    stormOver = now;
                    idleAt.put("stormOver", now);
                }
                if (stormOver >= 0 && children == 0 && !idleAt.containsKey("idle")) {
                    idleAt.put("idle", now);
                    idleAt.putIfAbsent("firstIdle", now);
                }
                if (stormOver >= 0 && children > 0) {
                    idleAt.remove("idle"); // busy again (a probe's child): idle means the last time it became so
                }
                pauseUntil(now + 100_000_000L); // a sampling period, not synchronisation
            }
        });
        // probes started on schedule, each on a thread of its own, so that a slow one delays no other
        List<Thread> probers = new ArrayList<>();
        List<Probe> found = java.util.Collections.synchronizedList(probes);
        long next = start;
        long stopProbing = Long.MAX_VALUE;
        while (System.nanoTime() < stopProbing) {
            pauseUntil(next); // the probe schedule
            boolean during = stormDone.getCount() > 0;
            probers.add(Thread.ofVirtual().start(() -> found.add(probe(port, during))));
            if (!during && stopProbing == Long.MAX_VALUE) {
                stopProbing = System.nanoTime() + plan.after().toNanos();
            }
            next += plan.probeEvery().toNanos();
        }
        for (Thread t : probers) {
            t.join();
        }
        for (Thread t : stormers) {
            t.join();
        }
        Poll.within(idleWait, () -> idleAt.containsKey("idle")); // the sampler's reading; unbounded is reported as never
        sampler.interrupt();
        sampler.join();
        Long over = idleAt.get("stormOver");
        return new Result(Math.min(cycles.get(), plan.maxCycles()), failed.get(), probes, peakChildren.get(),
                peakRss.get(), spawns.get(), since(over, idleAt.get("firstIdle")), since(over, idleAt.get("idle")));
    }

    private static double since(Long start, Long end) {
        return start == null || end == null ? -1 : Math.max(0, end - start) / 1e6;
    }

    private static Probe probe(int port, boolean during) {
        long t = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) PROBE_LIMIT.toMillis());
            s.setSoTimeout((int) PROBE_LIMIT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write("hello\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            return new Probe(t, (System.nanoTime() - t) / 1e6, "HELLO".equals(reply), during);
        } catch (IOException e) {
            return new Probe(t, (System.nanoTime() - t) / 1e6, false, during);
        }
    }

    /** VmRSS of this JVM and every descendant, summed (shared pages count once per process). */
    static long treeRss() {
        List<Long> pids = new ArrayList<>();
        pids.add(ProcessHandle.current().pid());
        ProcessHandle.current().descendants().forEach(p -> pids.add(p.pid()));
        long rss = 0;
        for (long pid : pids) {
            try {
                String status = Files.readString(Path.of("/proc", String.valueOf(pid), "status"));
                int at = status.indexOf("VmRSS:");
                if (at >= 0) {
                    String kb = status.substring(at + 6, status.indexOf('\n', at)).replace("kB", "").trim();
                    rss += Long.parseLong(kb) * 1024;
                }
            } catch (IOException e) {
                // ended between listing and reading (NoSuchFileException, or ESRCH mid-read)
            }
        }
        return rss;
    }
}
