package dev.turnstile.bench;

import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Memory per connection, every registered model: the rise of the server's RSS (summed over its
 * process tree, workers included) from idle to holding N connections that have each been answered
 * once, divided by N. N is the plan's count, or the model's own size if it serves fewer at once;
 * process models get a small N (each connection may be a JVM).
 *
 * <p>The rule: process-per-connection's memory per connection at least {@value #HOLDS_RATIO}x
 * thread-per-connection's: holds; at least {@value #CAVEAT_RATIO}x: holds with a caveat; else does
 * not hold. The lightest model is named beside it.
 */
final class MemoryScenario implements EvidenceScenario {

    static final double HOLDS_RATIO = 10;
    static final double CAVEAT_RATIO = 2;
    /** Below this total rise the JVM's own variation (heap growth, GC) is as large as the figure. */
    static final long NOISE_BYTES = 2L * 1024 * 1024;

    /** The models a quick run measures: the notes' two, the light ones, and the process pool. */
    static final List<String> QUICK_MODELS = List.of("thread-per-connection", "virtual-threads", "event-loop",
            "process-per-connection", "process-pool");

    /** One model's figures. */
    record Cost(String model, int connections, long idleRss, long heldRss, int threadsAdded, int processesAdded) {
        double perConnection() {
            return (heldRss - idleRss) / (double) connections;
        }
    }

    @Override
    public Claim claim() {
        return Claim.MEMORY_PER_CONNECTION;
    }

    @Override
    public String scenario(EvidencePlan plan) {
        return String.format(Locale.ROOT, "Every registered model (%s) with its default sizing, in a fresh server process"
                + " (-Xms64m -Xmx1g, G1): RSS of the whole process tree at idle, then holding N connections that have"
                + " each been answered once (N = %,d, or the model's size if smaller; %d for process models). Memory"
                + " per connection = the rise / N.%s", String.join(", ", Models.all().stream().map(ModelProvider::name)
                        .toList()), plan.memoryConnections(), plan.memoryProcessConnections(),
                plan.quick() ? " Quick mode: N is scaled down from the full run's 2,000 and 10, and only " + String.join(", ",
                        QUICK_MODELS) + " are measured." : "");
    }

    @Override
    public Finding run(EvidenceLab lab) throws IOException, InterruptedException {
        EvidencePlan plan = lab.plan();
        List<Cost> costs = new ArrayList<>();
        for (ModelProvider provider : Models.all()) {
            if (plan.quick() && !QUICK_MODELS.contains(provider.name())) {
                continue;
            }
            Contender contender = Lineup.of(provider).getFirst();
            int n = provider.servesInOtherProcesses() ? plan.memoryProcessConnections() : plan.memoryConnections();
            if (contender.capacity().isPresent()) {
                n = Math.min(n, contender.capacity().getAsInt());
            }
            costs.add(measure(lab, provider.name(), contender.serverArgs(), n));
        }
        Map<String, Cost> by = new LinkedHashMap<>();
        costs.forEach(c -> by.put(c.model(), c));
        double thread = by.get("thread-per-connection").perConnection();
        double process = by.get("process-per-connection").perConnection();
        double ratio = process / Math.max(thread, 1);
        Cost lightest = costs.stream().min((a, b) -> Double.compare(a.perConnection(), b.perConnection())).orElseThrow();
        ClaimVerdict verdict = ratio >= HOLDS_RATIO ? ClaimVerdict.HOLDS
                : ratio >= CAVEAT_RATIO ? ClaimVerdict.HOLDS_WITH_A_CAVEAT : ClaimVerdict.DOES_NOT_HOLD;
        List<List<String>> rows = new ArrayList<>();
        for (Cost c : costs) {
            rows.add(List.of(c.model(), String.valueOf(c.connections()), Figures.bytes(c.idleRss()),
                    Figures.bytes(c.heldRss()), kib(c.perConnection()), String.valueOf(c.threadsAdded()),
                    String.valueOf(c.processesAdded()),
                    Math.abs(c.heldRss() - c.idleRss()) < NOISE_BYTES ? "within the JVM's own variation" : ""));
        }
        EvidenceCharts.bars(plan.out().resolve(claim().chartFile()), "Memory per connection (RSS rise / connections"
                        + " held; log; 0.1 = no rise)", "KiB per connection (log)", true,
                costs.stream().map(Cost::model).toList(),
                Map.of("KiB per connection", costs.stream().map(c -> Math.max(0.1, c.perConnection() / 1024)).toList()));
        String figure = String.format(Locale.ROOT, "memory per connection, process-per-connection / thread-per-connection:"
                + " %s (%s against %s); lightest: %s at %s", FirstReplies.times(ratio), kib(process), kib(thread),
                lightest.model(), kib(lightest.perConnection()));
        String reading = switch (verdict) {
            case HOLDS -> String.format(Locale.ROOT, "A process per connection costs %s the memory of a thread per"
                    + " connection (%s against %s); the threads are the light ones, and %s lighter still (%s).",
                    FirstReplies.times(ratio), kib(process), kib(thread), lightest.model(), kib(lightest.perConnection()));
            case HOLDS_WITH_A_CAVEAT -> String.format(Locale.ROOT, "A process per connection costs more, but only %s a"
                    + " thread's (%s against %s).", FirstReplies.times(ratio), kib(process), kib(thread));
            case DOES_NOT_HOLD -> String.format(Locale.ROOT, "A process per connection cost %s a thread's memory here"
                    + " (%s against %s).", FirstReplies.times(ratio), kib(process), kib(thread));
        };
        return new Finding(claim(), scenario(plan), figure, verdict, String.format(Locale.ROOT, "holds if"
                        + " process-per-connection's memory per connection is at least %.0fx thread-per-connection's;"
                        + " holds with a caveat at %.0fx; else does not hold", HOLDS_RATIO, CAVEAT_RATIO), reading,
                List.of("model", "connections", "idle RSS", "RSS holding them", "per connection", "threads added",
                        "processes added", "note"), rows,
                EvidenceLab.hasOption("process-per-connection", "spares") ? List.of()
                        : List.of("spare processes: needs process-per-connection --spares (issue 14, part 2)"));
    }

    static String kib(double bytes) {
        return String.format(Locale.ROOT, bytes >= 10 * 1024 ? "%,.0f KiB" : "%.1f KiB", bytes / 1024);
    }

    private static Cost measure(EvidenceLab lab, String model, List<String> args, int n)
            throws IOException, InterruptedException {
        try (ServerUnderTest server = lab.start("memory-" + model, args)) {
            FirstReplies.once(server.host(), server.port());
            ProcessTreeProbe probe = new ProcessTreeProbe(server.pid());
            ProcessTreeProbe.Sample idle = settled(probe);
            List<LineSession> held = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    LineSession s = LineSession.connect(server.host(), server.port(), FirstReplies.TIMEOUT);
                    held.add(s);
                    if (!s.ask("hello").equals("HELLO")) {
                        throw new IOException(model + ": wrong reply");
                    }
                }
                ProcessTreeProbe.Sample holding = settled(probe);
                return new Cost(model, n, idle.rssBytes(), holding.rssBytes(), holding.threads() - idle.threads(),
                        holding.processes() - idle.processes());
            } finally {
                for (LineSession s : held) {
                    s.close();
                }
            }
        }
    }

    /** The middle of three samples 200 ms apart: one taken during a GC or a worker's start does not decide. */
    private static ProcessTreeProbe.Sample settled(ProcessTreeProbe probe) throws InterruptedException {
        List<ProcessTreeProbe.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread.sleep(200); // sampling period
            samples.add(probe.sample());
        }
        samples.sort((a, b) -> Long.compare(a.rssBytes(), b.rssBytes()));
        return samples.get(1);
    }
}
