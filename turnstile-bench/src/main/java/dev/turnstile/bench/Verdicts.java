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
     * A few sentences per workload, over the plan's connection counts (where every model that can
     * hold the count competes; a pool's own size is a count only it runs): which turnstile model
     * was best at each count and most often, by the figure that matters for the workload (most
     * messages/s in ping-pong, most connections/s in churn, lowest p99 in think, whose rate the
     * clients' pauses fix); how the best turnstile model compares with the Netty peer; and the
     * memory each added connection cost at the largest count. Peers are not a choice within
     * turnstile, so they are compared with, not ranked.
     */
    static List<String> summary(BenchResults results) {
        List<String> lines = new ArrayList<>();
        for (Workload w : results.plan().workloads()) {
            List<CellResult> ours = results.measured(w).stream().filter(r -> !isPeer(r)).toList();
            boolean byLatency = w == Workload.THINK;
            ToDoubleFunction<CellResult> score = byLatency ? r -> r.load().latencySummary().p99() : r -> -throughput(r);
            Map<String, Integer> wins = new LinkedHashMap<>();
            List<String> perCount = new ArrayList<>();
            List<String> againstPeer = new ArrayList<>();
            for (int n : results.plan().connections()) {
                List<CellResult> at = ours.stream().filter(r -> r.cell().connections() == n).toList();
                if (at.isEmpty()) {
                    continue;
                }
                List<String> winners = best(at, score);
                winners.forEach(name -> wins.merge(name, 1, Integer::sum));
                perCount.add(String.format(Locale.ROOT, "%,d: %s", n, String.join(", ", winners)));
                CellResult first = at.stream().min(Comparator.comparingDouble(score)).orElseThrow();
                results.find(Lineup.NETTY, w, n).filter(CellResult::clean).filter(peer -> !byLatency).ifPresent(peer ->
                        againstPeer.add(String.format(Locale.ROOT, "%,d: %.0f %%", n,
                                100 * throughput(first) / Math.max(1e-9, throughput(peer)))));
            }
            if (wins.isEmpty()) {
                continue;
            }
            int most = wins.values().stream().max(Integer::compare).orElseThrow();
            List<String> top = wins.entrySet().stream().filter(e -> e.getValue() == most).map(Map.Entry::getKey).toList();
            String measure = byLatency ? "lowest p99 latency" : w == Workload.CHURN ? "most connections/s" : "most messages/s";
            lines.add(String.format(Locale.ROOT, "**%s** (%s): %s first at %d of %d connection counts%s (%s).",
                    w.cliName(), measure, String.join(" and ", top), most, perCount.size(),
                    top.size() > 1 ? " each" : "", String.join("; ", perCount)));
            if (!againstPeer.isEmpty()) {
                lines.add("The best turnstile model against the Netty peer, by connections: "
                        + String.join("; ", againstPeer) + ".");
            }
            mostConnections(results, results.measured(w)).ifPresent(lines::add);
        }
        return lines;
    }

    private static boolean isPeer(CellResult r) {
        return r.cell().contender().isPeer();
    }

    /** For workloads that hold connections: who held the most, at the least memory each. */
    private static Optional<String> mostConnections(BenchResults results, List<CellResult> cells) {
        if (cells.isEmpty() || !Feasibility.holdsConnections(cells.getFirst().cell().workload())) {
            return Optional.empty();
        }
        int most = cells.stream().mapToInt(r -> r.cell().connections()).max().orElseThrow();
        List<CellResult> at = cells.stream().filter(r -> r.cell().connections() == most)
                .filter(r -> results.marginalRssPerConnection(r).isPresent())
                .sorted(Comparator.comparingDouble(r -> results.marginalRssPerConnection(r).orElseThrow())).toList();
        if (at.isEmpty()) {
            return Optional.empty();
        }
        String held = String.join(", ", at.stream().map(r -> r.cell().contender().name() + (isPeer(r) ? " (peer, " : " (")
                + Figures.bytes(results.marginalRssPerConnection(r).orElseThrow()) + ")").toList());
        return Optional.of(String.format(Locale.ROOT,
                "Memory per further connection at %,d %s connections, least first: %s.",
                most, cells.getFirst().cell().workload().cliName(), held));
    }

    /** The share of a core per selector thread above which the load generator counts as the bottleneck. */
    static final double CLIENT_BOUND_CORES = 0.9;

    /** Which clean cells had a load generator near a full core (and so may understate the server). */
    static Optional<String> clientBound(BenchResults results) {
        List<String> cells = results.cells().stream()
                .filter(r -> r.clean() && r.client() != null
                        && r.client().cores() >= CLIENT_BOUND_CORES * results.plan().loadThreads())
                .map(r -> r.cell().contender().name() + " " + r.cell().workload().cliName() + " "
                        + String.format(Locale.ROOT, "%,d", r.cell().connections()))
                .toList();
        if (cells.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "The load generator used %.0f %% of a core per thread or more in %d "
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
