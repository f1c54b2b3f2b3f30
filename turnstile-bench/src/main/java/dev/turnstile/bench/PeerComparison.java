package dev.turnstile.bench;

import dev.turnstile.loadgen.Workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The report's like-for-like comparison of turnstile's event-loop models with the Netty peer of
 * the same loop count ({@link Lineup#peerOf}): for each workload whose throughput the server sets
 * (ping-pong and churn; think's rate is the clients' pauses) and each connection count, the
 * ratio of throughput and of work per server CPU-second, round by round. A ratio is only ever
 * taken within one round, where the two cells ran back to back; the median of the rounds is the
 * figure to quote. Stateless.
 */
final class PeerComparison {

    private PeerComparison() {
    }

    /**
     * One model against its peer in one case.
     *
     * @param throughput ours / peer's messages (connections for churn) per second, one per round in which both were clean
     * @param efficiency ours / peer's messages per server CPU-second, one per such round
     */
    record Row(String model, String peer, Workload workload, int connections, List<Double> throughput,
               List<Double> efficiency) {

        double medianThroughput() {
            return median(throughput);
        }

        double medianEfficiency() {
            return median(efficiency);
        }
    }

    static List<Row> rows(BenchResults results) {
        List<String> names = results.plan().contenders().stream().map(Contender::name).toList();
        List<Row> rows = new ArrayList<>();
        for (String model : names) {
            Optional<String> peer = Lineup.peerOf(model).filter(names::contains);
            if (peer.isEmpty()) {
                continue;
            }
            for (Workload w : results.plan().workloads()) {
                if (w == Workload.THINK) {
                    continue;
                }
                for (int n : results.plan().connections()) {
                    row(results, model, peer.get(), w, n).ifPresent(rows::add);
                }
            }
        }
        return rows;
    }

    private static Optional<Row> row(BenchResults results, String model, String peer, Workload w, int n) {
        List<Double> throughput = new ArrayList<>();
        List<Double> efficiency = new ArrayList<>();
        for (CellResult ours : results.rounds(model, w, n)) {
            results.rounds(peer, w, n).stream().filter(p -> p.cell().round() == ours.cell().round()).findFirst()
                    .filter(p -> p.clean() && ours.clean())
                    .ifPresent(p -> {
                        throughput.add(Verdicts.throughput(ours) / Math.max(1e-9, Verdicts.throughput(p)));
                        efficiency.add(Verdicts.cpuMicrosPerMessage(p) / Math.max(1e-9, Verdicts.cpuMicrosPerMessage(ours)));
                    });
        }
        return throughput.isEmpty() ? Optional.empty()
                : Optional.of(new Row(model, peer, w, n, List.copyOf(throughput), List.copyOf(efficiency)));
    }

    /** The report's section, or an empty string when the run had no model with its peer. */
    static String markdown(BenchResults results) {
        List<Row> rows = rows(results);
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Against Netty, like for like\n\n");
        md.append("Each turnstile event-loop model against the Netty peer with the same number of event loops, "
                + (results.plan().rounds() > 1
                        ? "ratios taken within a round (the two cells ran back to back)"
                        : "one measurement each, taken minutes apart in this run (`--rounds N` measures pairs back to back)")
                + ", so above 1 means turnstile did more. "
                + "Throughput is messages/s (connections/s for churn); work per CPU-second is the inverse ratio of "
                + "server CPU per message, which the client's own share of the cores does not blur.\n\n");
        md.append("| model | peer | workload | connections | rounds | throughput ratio, median | each round "
                + "| work per CPU-second ratio, median | each round |\n");
        md.append("|---|---|---|---:|---:|---:|---|---:|---|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d | %d | **%.2f** | %s | %.2f | %s |%n", r.model(),
                    r.peer(), r.workload().cliName(), r.connections(), r.throughput().size(), r.medianThroughput(),
                    list(r.throughput()), r.medianEfficiency(), list(r.efficiency())));
        }
        return md.append('\n').toString();
    }

    private static String list(List<Double> ratios) {
        return ratios.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).collect(Collectors.joining(", "));
    }

    /** The middle value; for an even count the mean of the two middle ones. */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    }
}
