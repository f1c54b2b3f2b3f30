package dev.turnstile.bench;

import dev.turnstile.loadgen.Workload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The report's "which model for which workload", computed from the clean cells of a run: at each
 * connection count of each workload, who had the most throughput, the lowest p99, the least memory
 * per further connection ({@link BenchResults#marginalRssPerConnection}) and the least server CPU per message; then, per workload, which turnstile model
 * won most often. Contenders within {@value #TIE_PERCENT} % of the best share the place: on a
 * shared, noisy machine a smaller gap is not a difference. Stateless.
 */
final class Verdicts {

    static final double TIE_PERCENT = 5.0;

    private Verdicts() {
    }

    /** One row of the table: a workload at one connection count. */
    record Row(Workload workload, int connections, List<String> fastest, List<String> lowestP99,
               List<String> leastMemory, List<String> leastCpu) {
    }

    static List<Row> rows(BenchResults results) {
        List<Row> rows = new ArrayList<>();
        for (Workload w : results.plan().workloads()) {
            List<CellResult> cells = results.measured(w);
            for (int n : new TreeSet<>(cells.stream().map(r -> r.cell().connections()).toList())) {
                List<CellResult> at = cells.stream().filter(r -> r.cell().connections() == n).toList();
                List<CellResult> withMemory = at.stream()
                        .filter(r -> results.marginalRssPerConnection(r).isPresent()).toList();
                rows.add(new Row(w, n, best(at, r -> -throughput(r)), best(at, r -> r.load().latencySummary().p99()),
                        best(withMemory, r -> results.marginalRssPerConnection(r).orElseThrow()),
                        best(at, Verdicts::cpuMicrosPerMessage)));
            }
        }
        return rows;
    }

    /**
     * One sentence per workload: the turnstile model (peers left out: they are not a choice within
     * turnstile) that was fastest at the most connection counts, and where the peer stood.
     */
    static List<String> summary(BenchResults results) {
        List<String> lines = new ArrayList<>();
        for (Workload w : results.plan().workloads()) {
            List<CellResult> cells = results.measured(w).stream()
                    .filter(r -> !r.cell().contender().name().equals(Lineup.NETTY)).toList();
            if (cells.isEmpty()) {
                continue;
            }
            Map<String, Integer> wins = new LinkedHashMap<>();
            TreeSet<Integer> counts = new TreeSet<>(cells.stream().map(r -> r.cell().connections()).toList());
            for (int n : counts) {
                List<CellResult> at = cells.stream().filter(r -> r.cell().connections() == n).toList();
                for (String name : best(at, r -> -throughput(r))) {
                    wins.merge(name, 1, Integer::sum);
                }
            }
            String top = wins.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            CellResult topBest = cells.stream().filter(r -> r.cell().contender().name().equals(top))
                    .max(Comparator.comparingDouble(Verdicts::throughput)).orElseThrow();
            String unit = w == Workload.CHURN ? "connections/s" : "messages/s";
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "**%s**: %s: fastest turnstile model at %d of %d connection counts (best %s %s at %,d connections)",
                    w.cliName(), top, wins.get(top), counts.size(), Figures.rate(throughput(topBest)), unit,
                    topBest.cell().connections()));
            results.find(Lineup.NETTY, w, topBest.cell().connections()).filter(CellResult::clean).ifPresent(peer ->
                    line.append(String.format(Locale.ROOT, "; the Netty peer did %s there (%s: %.0f %% of the peer)",
                            Figures.rate(throughput(peer)), top,
                            100 * throughput(topBest) / Math.max(1e-9, throughput(peer)))));
            lines.add(line.append('.').toString());
            mostConnections(results, cells).ifPresent(lines::add);
        }
        return lines;
    }

    /** For workloads that hold connections: who held the most, at the least memory each. */
    private static Optional<String> mostConnections(BenchResults results, List<CellResult> cells) {
        if (!Feasibility.holdsConnections(cells.getFirst().cell().workload())) {
            return Optional.empty();
        }
        int most = cells.stream().mapToInt(r -> r.cell().connections()).max().orElseThrow();
        List<CellResult> at = cells.stream().filter(r -> r.cell().connections() == most)
                .filter(r -> results.marginalRssPerConnection(r).isPresent())
                .sorted(Comparator.comparingDouble(r -> results.marginalRssPerConnection(r).orElseThrow())).toList();
        if (at.isEmpty()) {
            return Optional.empty();
        }
        String held = String.join(", ", at.stream().map(r -> r.cell().contender().name() + " ("
                + Figures.bytes(results.marginalRssPerConnection(r).orElseThrow()) + ")").toList());
        return Optional.of(String.format(Locale.ROOT,
                "Memory per further connection at %,d %s connections, least first: %s.",
                most, cells.getFirst().cell().workload().cliName(), held));
    }

    /** The share of a core above which the load generator's one thread counts as the bottleneck. */
    static final double CLIENT_BOUND_CORES = 0.9;

    /** Which clean cells had a load generator near a full core (and so may understate the server). */
    static Optional<String> clientBound(BenchResults results) {
        List<String> cells = results.cells().stream()
                .filter(r -> r.clean() && r.client() != null && r.client().cores() >= CLIENT_BOUND_CORES)
                .map(r -> r.cell().contender().name() + " " + r.cell().workload().cliName() + " "
                        + String.format(Locale.ROOT, "%,d", r.cell().connections()))
                .toList();
        if (cells.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "The load generator used %.0f %% of a core or more in %d "
                        + "cell%s (%s): there the client may have set the pace, and the server could do more.",
                CLIENT_BOUND_CORES * 100, cells.size(), cells.size() == 1 ? "" : "s", String.join("; ", cells)));
    }

    /** Messages/s, or connections/s for churn. */
    static double throughput(CellResult r) {
        return r.cell().workload() == Workload.CHURN ? r.load().connectsPerSecond() : r.load().messagesPerSecond();
    }

    /** Server CPU per message (per connection for churn), in microseconds. */
    static double cpuMicrosPerMessage(CellResult r) {
        double done = r.cell().workload() == Workload.CHURN ? r.load().connects() : r.load().messages();
        double share = r.load().durationSeconds() / Math.max(1e-9, r.server().wallSeconds());
        return done > 0 ? 1e6 * r.server().cpuSeconds() * Math.min(1, share) / done : Double.MAX_VALUE;
    }

    /** The names whose score (lower is better) is within {@link #TIE_PERCENT} of the best, best first. */
    private static List<String> best(List<CellResult> cells, ToDoubleFunction<CellResult> score) {
        if (cells.isEmpty()) {
            return List.of();
        }
        List<CellResult> sorted = cells.stream().sorted(Comparator.comparingDouble(score)).toList();
        double bestScore = score.applyAsDouble(sorted.getFirst());
        double slack = Math.abs(bestScore) * TIE_PERCENT / 100;
        return sorted.stream().filter(r -> score.applyAsDouble(r) <= bestScore + slack)
                .map(r -> r.cell().contender().name()).toList();
    }
}
