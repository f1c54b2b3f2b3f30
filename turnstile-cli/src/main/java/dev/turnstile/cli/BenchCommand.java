package dev.turnstile.cli;

import dev.turnstile.bench.Bench;
import dev.turnstile.bench.BenchPlan;
import dev.turnstile.bench.BenchResults;
import dev.turnstile.bench.CellResult;
import dev.turnstile.bench.Evidence;
import dev.turnstile.bench.EvidencePlan;
import dev.turnstile.bench.Lineup;
import dev.turnstile.bench.Soak;
import dev.turnstile.bench.SoakPlan;
import dev.turnstile.loadgen.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code turnstile bench}: every model (and the Netty peer) in its own server process under the
 * same load, cell by cell; writes results.json, report.md and PNG charts. Exit 1 if any cell
 * failed (errors, a server that did not start or died). With {@code --soak}: each of
 * {@code --models} in turn under a mixed load for a long time, charting its server's RSS,
 * descriptors and threads; exit 1 if any grew or the load saw failures. With {@code --evidence}: each
 * claim of the lecture notes measured by its own scenario, written as evidence.md with a verdict per
 * claim; exit 1 if a scenario could not be measured.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure every model side by side: throughput, latency, CPU, memory, connection set-up. "
                + "Writes results.json, report.md and charts.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "A few cells of about a second each (for CI): "
            + "virtual-threads and netty, 1 and 100 connections, every workload.")
    boolean quick;

    @Option(names = "--models", split = ",", paramLabel = "NAME",
            description = "Models to measure, by name (pool sizes as in report.md: thread-pool, thread-pool-3, ..., netty); "
                    + "default: every registered model, each pool also with 3 workers, netty (one loop) and netty-N (a loop per processor).")
    List<String> models;

    @Option(names = "--connections", split = ",", paramLabel = "N",
            description = "Connection counts; default: 1,10,100,1000,10000 (a pool also gets a cell at its size).")
    List<Integer> connections;

    @Option(names = "--workloads", split = ",", paramLabel = "NAME",
            description = "ping-pong, think, churn; default: all three.")
    List<String> workloads;

    @Option(names = "--warmup", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Per cell, load before measuring; default: 2s (quick: 500ms).")
    Duration warmup;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Per cell, measured time; default: 10s (quick: 1s).")
    Duration duration;

    @Option(names = "--think-max", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The think workload's longest pause before a message; default: 1s (quick: 100ms).")
    Duration thinkMax;

    @Option(names = "--rounds", paramLabel = "N",
            description = "Measure every cell N times, the contenders of a case back to back in a different order "
                    + "each round; the report gives medians and, for the event-loop models, per-round ratios to Netty; default: 1.")
    Integer rounds;

    @Option(names = "--tls", description = "Every cell over TLS: the bench makes a self-signed certificate (openssl) in "
            + "the output folder, servers get --tls-cert/--tls-key (Netty: SslHandler, JDK provider), the load trusts it. "
            + "Under churn every cycle is a full handshake.")
    boolean tls;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder; default: bench-results/full (quick: bench-results/quick).")
    Path out;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Measure nothing: make report.md and the charts again from DIR/results.json.")
    Path report;

    @Option(names = "--soak", arity = "0..1", fallbackValue = "10m", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Soak instead of the matrix: each of --models (default: " + SoakPlan.DEFAULT_MODEL + ") in turn "
                    + "for DURATION (default: 10m) under a mixed load (long ping-pong conversations, churn, idle "
                    + "connections, slow readers, oversize lines); charts the server's RSS, open descriptors and threads "
                    + "over time and judges whether they stayed flat. Writes soak.json, soak.md and soak-MODEL.png "
                    + "(default out: bench-results/soak); exit 1 if a figure grew or the load saw failures.")
    Duration soak;

    @Option(names = "--evidence", description = "Measure each claim of the lecture notes \"Server Models\" (creation"
            + " cost, shared limits, a fault in one thread, kill -9 under load, pools and start-up, pools bound the"
            + " load, hand-off and balancing, memory per connection) and write evidence.md, evidence.json and a chart"
            + " per claim, each with a verdict derived from the figures (default out: bench-results/evidence;"
            + " with --quick, every scenario scaled down: bench-results/evidence-quick). Takes only --quick and --out.")
    boolean evidence;

    @Override
    public Integer call() throws Exception {
        if (evidence) {
            return Evidence.complete(Evidence.run(evidencePlan(), System.out)) ? 0 : 1;
        }
        if (soak != null) {
            return Soak.run(soakPlan(), System.out) == 0 ? 0 : 1;
        }
        BenchResults results = report != null ? Bench.render(report, System.out) : Bench.run(plan(), System.out);
        return results.count(CellResult.Status.FAILED) == 0 ? 0 : 1;
    }

    EvidencePlan evidencePlan() {
        if (soak != null || report != null || models != null || connections != null || workloads != null
                || rounds != null || warmup != null || duration != null || thinkMax != null || tls) {
            throw new IllegalArgumentException("--evidence takes only --quick and --out (each claim has its own scenario)");
        }
        Path dir = out != null ? out : Path.of("bench-results", quick ? "evidence-quick" : "evidence");
        return quick ? EvidencePlan.quick(dir) : EvidencePlan.full(dir);
    }

    SoakPlan soakPlan() {
        if (quick || report != null || connections != null || workloads != null || rounds != null) {
            throw new IllegalArgumentException("--soak takes only --models and --out (it runs its own mixed load)");
        }
        Path dir = out != null ? out : Path.of("bench-results", "soak");
        return SoakPlan.of(Lineup.select(models != null ? models : List.of(SoakPlan.DEFAULT_MODEL)), soak, dir);
    }

    BenchPlan plan() {
        Path dir = out != null ? out : Path.of("bench-results", quick ? "quick" : "full");
        BenchPlan plan = quick ? BenchPlan.quick(dir) : BenchPlan.full(dir);
        if (models != null) {
            plan = plan.withContenders(Lineup.select(models));
        }
        if (connections != null) {
            plan = plan.withConnections(connections);
        }
        if (workloads != null) {
            plan = plan.withWorkloads(workloads.stream().map(Workload::parse).toList());
        }
        if (thinkMax != null) {
            plan = plan.withThinkMax(thinkMax);
        }
        if (rounds != null) {
            plan = plan.withRounds(rounds);
        }
        if (tls) {
            plan = plan.withTls(true);
        }
        return plan.withTiming(warmup != null ? warmup : plan.warmup(), duration != null ? duration : plan.duration());
    }
}
