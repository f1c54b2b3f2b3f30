package dev.turnstile.bench;

import dev.turnstile.loadgen.Workload;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs a {@link BenchPlan} cell by cell, one at a time (the machine is shared: two cells at once
 * would measure each other), and writes the run's folder: results.json after every cell (an
 * interrupted run keeps what it measured), then report.md and the charts.
 */
public final class Bench {

    public static final String RESULTS = ResultsFile.NAME;
    public static final String REPORT = "report.md";

    private Bench() {
    }

    /** Runs every cell of {@code plan}, printing a line per cell to {@code progress}. */
    public static BenchResults run(BenchPlan plan, PrintStream progress) throws IOException, InterruptedException {
        Files.createDirectories(plan.out());
        MachineFacts machine = MachineFacts.current();
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<Cell> cells = plan.cells();
        progress.printf("bench: %d cells (%d contenders x %s x connections %s), %s warm-up + %s each; out %s%n",
                cells.size(), plan.contenders().size(), plan.workloads().stream().map(Workload::cliName).toList(),
                plan.connections(),
                CellRunner.seconds(plan.warmup()) + " s", CellRunner.seconds(plan.duration()) + " s", plan.out());
        CellRunner runner = new CellRunner(plan);
        List<CellResult> results = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            Cell cell = cells.get(i);
            Optional<String> skip = Feasibility.skipReason(cell);
            CellResult result = skip.isPresent() ? CellResult.skipped(cell, skip.get()) : runner.run(cell);
            results.add(result);
            progress.printf("[%3d/%d] %-28s %-9s %6d  %s%n", i + 1, cells.size(), cell.contender().name(),
                    cell.workload().cliName(), cell.connections(), summary(result));
            ResultsFile.write(new BenchResults(plan, machine, started, Duration.ofNanos(System.nanoTime() - t0), results));
        }
        BenchResults done = new BenchResults(plan, machine, started, Duration.ofNanos(System.nanoTime() - t0), results);
        ResultsFile.write(done);
        report(done, progress);
        return done;
    }

    /**
     * Makes report.md and the charts again from {@code dir}/results.json, measuring nothing: for a
     * run whose report is to be redone, or one that was interrupted (its finished cells are kept).
     */
    public static BenchResults render(Path dir, PrintStream progress) throws IOException {
        BenchResults results = ResultsFile.read(dir);
        report(results, progress);
        return results;
    }

    private static void report(BenchResults done, PrintStream progress) throws IOException {
        Files.writeString(done.plan().out().resolve(REPORT), MarkdownReport.render(done));
        List<Path> charts = Charts.write(done, done.plan().out());
        progress.printf("bench: %d measured, %d skipped, %d failed in %d s; %s, %s and %d charts in %s%n",
                done.count(CellResult.Status.MEASURED), done.count(CellResult.Status.SKIPPED),
                done.count(CellResult.Status.FAILED), done.elapsed().toSeconds(), RESULTS, REPORT, charts.size(),
                done.plan().out());
    }

    private static String summary(CellResult r) {
        return switch (r.status()) {
            case SKIPPED -> "skipped: " + r.note();
            case FAILED -> "FAILED: " + r.note();
            case MEASURED -> String.format(Locale.ROOT, "%s, p99 %s, server %.2f cores, peak RSS %s, %d threads; client %.2f, other %.2f cores",
                    r.cell().workload() == Workload.CHURN
                            ? Figures.rate(r.load().connectsPerSecond()) + " conn/s"
                            : Figures.rate(r.load().messagesPerSecond()) + " msg/s",
                    Figures.micros(r.load().latencySummary().p99()), r.server().cores(),
                    Figures.bytes(r.server().peakRssBytes()), r.server().peakThreads(), r.client().cores(), r.otherCores());
        };
    }
}
