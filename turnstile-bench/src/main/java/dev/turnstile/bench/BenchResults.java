package dev.turnstile.bench;

import dev.turnstile.loadgen.Workload;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A run: its record (plan, machine, when) and one result per cell, in plan order. Written as
 * results.json; the report and the charts are made from it alone.
 */
public record BenchResults(BenchPlan plan, MachineFacts machine, Instant started, Duration elapsed,
                           List<CellResult> cells) {

    /** The fewest added connections over which memory per connection is computed. */
    public static final int MIN_ADDED_CONNECTIONS = 90;

    public BenchResults {
        cells = List.copyOf(cells);
    }

    /**
     * The result that stands for this contender, workload and connection count, if it was planned:
     * its only one, or with several rounds the clean round of median throughput (the lower middle
     * of an even number), else the first round's.
     */
    public Optional<CellResult> find(String contender, Workload workload, int connections) {
        List<CellResult> all = rounds(contender, workload, connections);
        List<CellResult> clean = all.stream().filter(CellResult::clean)
                .sorted(Comparator.comparingDouble(Verdicts::throughput)).toList();
        return clean.isEmpty() ? all.stream().findFirst() : Optional.of(clean.get((clean.size() - 1) / 2));
    }

    /** Every round's result for this contender, workload and connection count, in round order. */
    public List<CellResult> rounds(String contender, Workload workload, int connections) {
        return cells.stream().filter(r -> r.cell().contender().name().equals(contender)
                        && r.cell().workload() == workload && r.cell().connections() == connections)
                .sorted(Comparator.comparingInt(r -> r.cell().round())).toList();
    }

    /** The clean results that stand for each contender and connection count of a workload (see {@link #find}). */
    public List<CellResult> measured(Workload workload) {
        // every case is planned in round 1 (BenchPlan.cells runs round 1 first), so its round-1 cell names it once
        return cells.stream().filter(r -> r.cell().workload() == workload && r.cell().round() == 1)
                .flatMap(r -> find(r.cell().contender().name(), workload, r.cell().connections()).stream())
                .filter(CellResult::clean).toList();
    }

    /**
     * Memory each further connection costs: the rise in peak RSS from this contender's smallest clean
     * cell of the same workload to this one, per added connection. Unlike (peak - idle) / connections
     * it leaves out what the JVM grows by under any load (compiled code, heap in use), which would
     * otherwise dominate at small counts. Empty for churn, and where fewer than
     * {@value #MIN_ADDED_CONNECTIONS} connections were added: below that, the JVM's own variation
     * (heap sizing, compiled code) is larger than what the connections cost.
     */
    public OptionalDouble marginalRssPerConnection(CellResult r) {
        if (!r.clean() || !Feasibility.holdsConnections(r.cell().workload())) {
            return OptionalDouble.empty();
        }
        Optional<CellResult> base = measured(r.cell().workload()).stream()
                .filter(o -> o.cell().contender().equals(r.cell().contender()) && o.cell().connections() < r.cell().connections())
                .min(Comparator.comparingInt(o -> o.cell().connections()));
        return base.filter(b -> r.cell().connections() - b.cell().connections() >= MIN_ADDED_CONNECTIONS)
                .map(b -> OptionalDouble.of(Math.max(0, r.server().peakRssBytes() - b.server().peakRssBytes())
                        / (double) (r.cell().connections() - b.cell().connections())))
                .orElse(OptionalDouble.empty());
    }

    public long count(CellResult.Status status) {
        return cells.stream().filter(r -> r.status() == status).count();
    }

    /** results.json: the run record, then every cell. */
    public Map<String, Object> toJson() {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("started", started.toString());
        run.put("elapsedSeconds", elapsed.toMillis() / 1000.0);
        run.put("models", plan.contenders().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("serverArgs", c.serverArgs());
            m.put("capacity", c.capacity().isPresent() ? (Object) c.capacity().getAsInt() : null);
            m.put("sizing", c.sizing());
            return m;
        }).toList());
        run.put("workloads", plan.workloads().stream().map(Workload::cliName).toList());
        run.put("connections", plan.connections());
        run.put("warmupSeconds", plan.warmup().toMillis() / 1000.0);
        run.put("durationSeconds", plan.duration().toMillis() / 1000.0);
        run.put("thinkMaxSeconds", plan.thinkMax().toMillis() / 1000.0);
        run.put("backlog", plan.backlog());
        run.put("loadThreads", plan.loadThreads());
        run.put("rounds", plan.rounds());
        run.put("tls", plan.tls());
        run.put("serverJvmFlags", plan.serverJvmFlags());
        run.put("loadJvmFlags", plan.loadJvmFlags());
        run.put("machine", machine.toJson());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("run", run);
        root.put("cells", cells.stream().map(r -> {
            Map<String, Object> cell = r.toJson();
            OptionalDouble marginal = marginalRssPerConnection(r);
            if (marginal.isPresent() && cell.get("server") instanceof Map<?, ?> server) {
                @SuppressWarnings("unchecked")
                Map<String, Object> s = (Map<String, Object>) server;
                s.put("marginalRssBytesPerConnection", marginal.getAsDouble());
            }
            return cell;
        }).toList());
        return root;
    }
}
