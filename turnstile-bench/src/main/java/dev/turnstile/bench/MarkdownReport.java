package dev.turnstile.bench;

import dev.turnstile.loadgen.Workload;
import dev.turnstile.loadgen.LoadResult;
import dev.turnstile.loadgen.LatencySummary;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * report.md: the run record, the computed "which model for which workload", a table per
 * workload, the cells not measured and why, and the charts. Made from {@link BenchResults} alone.
 */
final class MarkdownReport {

    private MarkdownReport() {
    }

    static String render(BenchResults results) {
        BenchPlan plan = results.plan();
        StringBuilder md = new StringBuilder();
        md.append("# turnstile bench\n\n");
        md.append(String.format(Locale.ROOT, "Run started %s, %d cells (%d measured, %d skipped, %d failed) in %d s.%n%n",
                results.started(), results.cells().size(), results.count(CellResult.Status.MEASURED),
                results.count(CellResult.Status.SKIPPED), results.count(CellResult.Status.FAILED),
                results.elapsed().toSeconds()));
        md.append("- Machine: ").append(results.machine().describe()).append(".\n");
        md.append("- Command: `").append(command(plan)).append("`\n");
        md.append("- Each cell: a fresh server process (JVM flags `").append(String.join(" ", plan.serverJvmFlags()))
                .append("`, listen backlog ").append(plan.backlog()).append("), then the load as a process of its own (")
                .append(plan.loadThreads()).append(plan.loadThreads() == 1 ? " selector thread" : " selector threads")
                .append(", `").append(String.join(" ", plan.loadJvmFlags())).append("`): ").append(CellRunner.seconds(plan.warmup()))
                .append(" s of warm-up that is not counted, then ").append(CellRunner.seconds(plan.duration()))
                .append(" s measured.\n");
        if (plan.tls()) {
            md.append("- TLS: every cell over TLS (JDK provider on both sides; Netty with `SslHandler`), a self-signed "
                    + "EC P-256 certificate made for the run; every connection makes a full handshake, and under churn "
                    + "every cycle, so churn's connections/s are handshakes/s.\n");
        }
        if (plan.rounds() > 1) {
            md.append("- Rounds: every cell was measured ").append(plan.rounds()).append(" times, the contenders of a case "
                    + "back to back in a different order each round; tables and charts show the round of median throughput, "
                    + "the per-workload tables every round (#N).\n");
        }
        md.append("- Workloads: ping-pong (closed loop, next message on the reply), think (a pause uniform in [0, ")
                .append(CellRunner.seconds(plan.thinkMax()))
                .append(" s] before each message), churn (connect, one message, close; latency is the whole round).\n");
        md.append("- Server figures cover the load process's whole life (connecting, warm-up, measurement, closing). "
                + "CPU is user + system of the server's process tree; cores = CPU seconds per wall second. "
                + "Peak RSS is VmHWM summed over the tree; RSS/conn = (peak RSS - idle RSS) / connections; "
                + "+RSS/conn = what each further connection costs: the rise in peak RSS from the model's smallest "
                + "count of the workload, per added connection (it leaves out what the JVM grows by under any load). "
                + "CPU/msg = server CPU scaled to the measured time, per message (per connection for churn).\n");
        md.append("- Client and server share the machine's cores and the machine is shared: compare ratios within "
                + "this run, not absolute figures across machines. Client cores is the load generator's own CPU "
                + "per wall second; near its thread count, the client, not the server, set the pace. Other cores is "
                + "the machine's busy CPU meanwhile less server and client: work that was not this benchmark's.\n");
        md.append(String.format(Locale.ROOT, "- Other work on the machine took %.2f cores on average over the "
                + "measured cells (at most %.2f in one cell).%n%n", results.cells().stream().filter(r -> r.client() != null)
                        .mapToDouble(CellResult::otherCores).average().orElse(0),
                results.cells().stream().mapToDouble(CellResult::otherCores).max().orElse(0)));

        md.append(summary(results));
        md.append("## Which model for which workload\n\n");
        for (String line : Verdicts.summary(results)) {
            md.append("- ").append(line.strip()).append('\n');
        }
        Verdicts.clientBound(results).ifPresent(line -> md.append("- ").append(line).append('\n'));
        md.append(String.format(Locale.ROOT, "%nBest at each connection count (clean cells only; names within %.0f %% "
                + "of the best share the place):%n%n", Verdicts.TIE_PERCENT));
        md.append("| workload | connections | most throughput | lowest p99 | least memory/conn | least CPU/msg |\n");
        md.append("|---|---:|---|---|---|---|\n");
        for (Verdicts.Row row : Verdicts.rows(results)) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s |%n", row.workload().cliName(),
                    row.connections(), names(row.fastest()), names(row.lowestP99()), names(row.leastMemory()),
                    names(row.leastCpu())));
        }
        md.append('\n');
        md.append(PeerComparison.markdown(results));

        for (Workload w : plan.workloads()) {
            md.append("## ").append(w.cliName()).append("\n\n");
            md.append(w == Workload.CHURN
                    ? "| model | clients | conn/s | p50 | p99 | p99.9 | max | server CPU s | cores | CPU/conn | peak RSS | threads | procs | client cores | other cores | replies |\n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
                    : "| model | connections | msg/s | p50 | p99 | p99.9 | max | server CPU s | cores | CPU/msg | peak RSS | RSS/conn | +RSS/conn | threads | procs | client cores | other cores | replies |\n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (CellResult r : results.cells()) {
                if (r.cell().workload() == w && r.load() != null && r.server() != null) {
                    md.append(row(results, r)).append('\n');
                }
            }
            md.append('\n');
        }

        List<CellResult> notMeasured = results.cells().stream().filter(r -> !r.clean()).toList();
        if (!notMeasured.isEmpty()) {
            md.append("## Cells not measured\n\n| model | workload | connections | status | why |\n|---|---|---:|---|---|\n");
            for (CellResult r : notMeasured) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %s | %s |%n", name(results, r),
                        r.cell().workload().cliName(), r.cell().connections(), r.status().word(),
                        r.note().replace("|", "\\|")));
            }
            md.append('\n');
        }

        md.append("## Contenders\n\n| model | sizing | server arguments |\n|---|---|---|\n");
        for (Contender c : plan.contenders()) {
            md.append("| ").append(c.name()).append(" | ").append(c.sizing()).append(" | `")
                    .append(String.join(" ", c.serverArgs())).append("` |\n");
        }
        md.append("\n## Charts\n\n");
        for (String chart : Charts.names(results)) {
            md.append("![").append(chart).append("](").append(chart).append(")\n\n");
        }
        return md.toString();
    }

    private static String row(BenchResults results, CellResult r) {
        LoadResult load = r.load();
        ProcessUsage s = r.server();
        LatencySummary lat = load.latencySummary();
        boolean churn = r.cell().workload() == Workload.CHURN;
        String replies = r.clean() ? "all right" : "**" + load.errors().describe() + "**";
        String common = String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s | %s | %.2f | %.2f | %s | %s |",
                name(results, r), r.cell().connections(),
                Figures.rate(churn ? load.connectsPerSecond() : load.messagesPerSecond()),
                Figures.micros(lat.p50()), Figures.micros(lat.p99()), Figures.micros(lat.p999()),
                Figures.micros(lat.max()), s.cpuSeconds(), s.cores(),
                String.format(Locale.ROOT, "%,.1f µs", Verdicts.cpuMicrosPerMessage(r)), Figures.bytes(s.peakRssBytes()));
        OptionalDouble marginal = results.marginalRssPerConnection(r);
        String perConnection = churn ? "" : " " + Figures.bytes(s.rssBytesPerConnection(r.cell().connections())) + " | "
                + (marginal.isPresent() ? Figures.bytes(marginal.getAsDouble()) : "-") + " |";
        String client = r.client() == null ? "- | -" : String.format(Locale.ROOT, "%.2f | %.2f", r.client().cores(),
                r.otherCores());
        return common + perConnection + String.format(Locale.ROOT, " %,d | %d | %s | %s |", s.peakThreads(),
                s.peakProcesses(), client, replies);
    }

    /** The contender's name, with the round when the run had several. */
    private static String name(BenchResults results, CellResult r) {
        return r.cell().contender().name() + (results.plan().rounds() > 1 ? " #" + r.cell().round() : "");
    }

    /**
     * One pivot table per workload: a row per model, a column per connection count, each cell the
     * throughput with the p99 latency, "skipped" or "failed" (the reason is further down).
     */
    static String summary(BenchResults results) {
        StringBuilder md = new StringBuilder("## Summary\n\n");
        for (Workload w : results.plan().workloads()) {
            List<Integer> counts = results.cells().stream().filter(r -> r.cell().workload() == w)
                    .map(r -> r.cell().connections()).distinct().sorted().toList();
            boolean churn = w == Workload.CHURN;
            md.append("**").append(w.cliName()).append("**: ").append(churn ? "connections/s" : "messages/s")
                    .append(" (p99 latency) by ").append(churn ? "parallel clients" : "connections").append("\n\n");
            md.append("| model |");
            counts.forEach(n -> md.append(String.format(Locale.ROOT, " %,d |", n)));
            md.append("\n|---|").append("---:|".repeat(counts.size())).append('\n');
            for (Contender c : results.plan().contenders()) {
                md.append("| ").append(c.name()).append(" |");
                for (int n : counts) {
                    md.append(' ').append(results.find(c.name(), w, n).map(MarkdownReport::brief).orElse("")).append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String brief(CellResult r) {
        if (!r.clean()) {
            return r.status() == CellResult.Status.SKIPPED ? "skipped" : "**failed**";
        }
        return Figures.rate(Verdicts.throughput(r)) + " (" + Figures.micros(r.load().latencySummary().p99()) + ")";
    }

    /** The command line that runs this plan again. */
    static String command(BenchPlan plan) {
        return "turnstile bench --models " + String.join(",", plan.contenders().stream().map(Contender::name).toList())
                + " --connections " + String.join(",", plan.connections().stream().map(String::valueOf).toList())
                + " --workloads " + String.join(",", plan.workloads().stream().map(Workload::cliName).toList())
                + " --warmup " + plan.warmup().toMillis() + "ms --duration " + plan.duration().toMillis() + "ms"
                + " --think-max " + plan.thinkMax().toMillis() + "ms"
                + (plan.rounds() > 1 ? " --rounds " + plan.rounds() : "")
                + (plan.tls() ? " --tls" : "")
                + " --out " + plan.out();
    }

    private static String names(List<String> names) {
        return names.isEmpty() ? "-" : String.join(", ", names);
    }
}
