package dev.turnstile.bench;

import dev.turnstile.loadgen.Workload;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What one run measures: the matrix of contenders × workloads × connection counts, how long each
 * cell warms up and measures, and the JVM flags every server and load process gets. Saved with
 * the results as the run record.
 *
 * @param contenders     the servers, in report order
 * @param connections    the connection counts of the matrix; a bounded contender adds its own size
 * @param workloads      the client behaviours
 * @param warmup         per cell, load that warms the fresh server (and the client) and is not counted
 * @param duration       per cell, the measured time after the warm-up
 * @param thinkMax       the think workload's longest pause before a message (pauses are uniform in [0, thinkMax])
 * @param backlog        every server's listen backlog (the kernel caps it at net.core.somaxconn)
 * @param loadThreads    the load generator's selector threads: one, as the reference C client runs, so
 *                       that the client takes at most one of the cores it shares with the server
 * @param serverJvmFlags the flags every server process gets, the same for all contenders
 * @param loadJvmFlags   the flags every load process gets
 * @param rounds         how many times every cell is measured; with more than one, the cells of one
 *                       case (workload and connections) run back to back, contenders in a different
 *                       order each round, so that a comparison is made of neighbouring measurements
 * @param tls            whether every cell runs over TLS: the bench makes a self-signed certificate in
 *                       {@code out}, each server serves TLS with it ({@code --tls-cert/--tls-key}) and the
 *                       load trusts it; under churn every cycle is a full handshake
 * @param out            the folder for results.json, report.md, the charts and the logs
 */
public record BenchPlan(List<Contender> contenders, List<Integer> connections, List<Workload> workloads,
                        Duration warmup, Duration duration, Duration thinkMax, int backlog, int loadThreads,
                        List<String> serverJvmFlags, List<String> loadJvmFlags, int rounds, boolean tls, Path out) {

    /** A heap large enough that no contender spends the run in GC, small enough to be a real server's. */
    public static final List<String> SERVER_JVM_FLAGS = List.of("-Xms64m", "-Xmx1g", "-XX:+UseG1GC",
            "-XX:-UsePerfData", "-Xshare:auto", "-XX:AutoBoxCacheMax=65536");
    /** As the launcher runs {@code turnstile load}: the selector's boxed descriptor numbers stay cached. */
    public static final List<String> LOAD_JVM_FLAGS = List.of("-Xms256m", "-Xmx1g", "-XX:+UseParallelGC",
            "-XX:-UsePerfData", "-Xshare:auto", "-XX:AutoBoxCacheMax=65536");
    public static final int LOAD_THREADS = 1;
    /** The workloads a bench runs (the load generator's open-loop {@code rate} is not one of them). */
    public static final List<Workload> WORKLOADS = List.of(Workload.PING_PONG, Workload.THINK, Workload.CHURN);
    public static final List<Integer> FULL_CONNECTIONS = List.of(1, 10, 100, 1_000, 10_000);
    public static final Duration FULL_WARMUP = Duration.ofSeconds(2);
    public static final Duration FULL_DURATION = Duration.ofSeconds(10);
    public static final Duration THINK_MAX = Duration.ofSeconds(1);
    public static final int BACKLOG = 4096;

    public BenchPlan {
        contenders = List.copyOf(contenders);
        connections = List.copyOf(new TreeSet<>(connections));
        workloads = List.copyOf(workloads);
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(thinkMax, "thinkMax");
        if (thinkMax.isNegative()) {
            throw new IllegalArgumentException("thinkMax must be >= 0 (got " + thinkMax + ")");
        }
        serverJvmFlags = List.copyOf(serverJvmFlags);
        loadJvmFlags = List.copyOf(loadJvmFlags);
        Objects.requireNonNull(out, "out");
        if (contenders.isEmpty()) {
            throw new IllegalArgumentException("models must name at least one model");
        }
        if (connections.isEmpty() || connections.getFirst() < 1) {
            throw new IllegalArgumentException("connections must be whole numbers >= 1 (got " + connections + ")");
        }
        if (workloads.isEmpty()) {
            throw new IllegalArgumentException("workloads must name at least one workload");
        }
        for (Workload w : workloads) {
            if (!WORKLOADS.contains(w)) {
                throw new IllegalArgumentException("workloads: the bench runs " + String.join(", ",
                        WORKLOADS.stream().map(Workload::cliName).toList()) + " (got " + w.cliName() + ")");
            }
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup must be >= 0 (got " + warmup + ")");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive (got " + duration + ")");
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be >= 1 (got " + backlog + ")");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1 (got " + rounds + ")");
        }
        if (loadThreads < 1) {
            throw new IllegalArgumentException("loadThreads must be >= 1 (got " + loadThreads + ")");
        }
    }

    /** Every registered model and the peers, 1 to 10,000 connections, every workload, 2 s + 10 s a cell. */
    public static BenchPlan full(Path out) {
        return new BenchPlan(Lineup.all(), FULL_CONNECTIONS, BenchPlan.WORKLOADS, FULL_WARMUP, FULL_DURATION,
                THINK_MAX, BACKLOG, LOAD_THREADS, SERVER_JVM_FLAGS, LOAD_JVM_FLAGS, 1, false, out);
    }

    /** For CI: two contenders (a model and the peer), 1 and 100 connections, every workload, about a second a cell. */
    public static BenchPlan quick(Path out) {
        return new BenchPlan(Lineup.select(List.of("virtual-threads", Lineup.NETTY)), List.of(1, 100),
                BenchPlan.WORKLOADS, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(100), BACKLOG,
                LOAD_THREADS, SERVER_JVM_FLAGS, LOAD_JVM_FLAGS, 1, false, out);
    }

    public BenchPlan withContenders(List<Contender> c) {
        return new BenchPlan(c, connections, workloads, warmup, duration, thinkMax, backlog, loadThreads, serverJvmFlags,
                loadJvmFlags, rounds, tls, out);
    }

    public BenchPlan withConnections(List<Integer> c) {
        return new BenchPlan(contenders, c, workloads, warmup, duration, thinkMax, backlog, loadThreads, serverJvmFlags,
                loadJvmFlags, rounds, tls, out);
    }

    public BenchPlan withWorkloads(List<Workload> w) {
        return new BenchPlan(contenders, connections, w, warmup, duration, thinkMax, backlog, loadThreads, serverJvmFlags,
                loadJvmFlags, rounds, tls, out);
    }

    public BenchPlan withTiming(Duration newWarmup, Duration newDuration) {
        return new BenchPlan(contenders, connections, workloads, newWarmup, newDuration, thinkMax, backlog, loadThreads,
                serverJvmFlags, loadJvmFlags, rounds, tls, out);
    }

    public BenchPlan withThinkMax(Duration newThinkMax) {
        return new BenchPlan(contenders, connections, workloads, warmup, duration, newThinkMax, backlog, loadThreads,
                serverJvmFlags, loadJvmFlags, rounds, tls, out);
    }

    public BenchPlan withRounds(int n) {
        return new BenchPlan(contenders, connections, workloads, warmup, duration, thinkMax, backlog, loadThreads,
                serverJvmFlags, loadJvmFlags, n, tls, out);
    }

    /** Every cell over TLS, or every cell plaintext. */
    public BenchPlan withTls(boolean overTls) {
        return new BenchPlan(contenders, connections, workloads, warmup, duration, thinkMax, backlog, loadThreads,
                serverJvmFlags, loadJvmFlags, rounds, overTls, out);
    }

    public BenchPlan withOut(Path dir) {
        return new BenchPlan(contenders, connections, workloads, warmup, duration, thinkMax, backlog, loadThreads,
                serverJvmFlags, loadJvmFlags, rounds, tls, dir);
    }

    /**
     * The connection counts for one contender: the matrix's, plus its own size if it is bounded and
     * the size falls inside the matrix's range, so that every pool is measured full.
     */
    public List<Integer> connectionsFor(Contender contender) {
        TreeSet<Integer> counts = new TreeSet<>(connections);
        contender.capacity().ifPresent(size -> {
            if (size > connections.getFirst() && size < connections.getLast()) {
                counts.add(size);
            }
        });
        return List.copyOf(counts);
    }

    /**
     * Every cell. With one round: contender by contender, workload by workload, in increasing
     * connections. With more: round by round, and within a round case by case (workload, then
     * connections), every contender that runs the case back to back, starting one further along
     * the list each round (the first-measured is not always the same one).
     */
    public List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        if (rounds == 1) {
            for (Contender contender : contenders) {
                for (Workload workload : workloads) {
                    for (int n : connectionsFor(contender)) {
                        cells.add(new Cell(contender, workload, n));
                    }
                }
            }
            return List.copyOf(cells);
        }
        TreeSet<Integer> counts = new TreeSet<>();
        contenders.forEach(c -> counts.addAll(connectionsFor(c)));
        for (int round = 1; round <= rounds; round++) {
            for (Workload workload : workloads) {
                for (int n : counts) {
                    for (int i = 0; i < contenders.size(); i++) {
                        Contender contender = contenders.get((i + round - 1) % contenders.size());
                        if (connectionsFor(contender).contains(n)) {
                            cells.add(new Cell(contender, workload, n, round));
                        }
                    }
                }
            }
        }
        return List.copyOf(cells);
    }
}
