package dev.turnstile.bench;

import dev.turnstile.loadgen.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Soaks each contender of a {@link SoakPlan} in turn: a fresh server process (as a bench cell's),
 * the mixed load ({@link SoakLoad}) for the whole duration while the server's process tree is
 * sampled (RSS, open descriptors, threads, processes), then SIGTERM. Writes soak.json after each
 * model (an interrupted soak keeps what it measured), then soak.md and a chart per model. A verdict
 * per model by {@link Flatness}'s rule.
 */
public final class Soak {

    public static final String RESULTS = "soak.json";
    public static final String REPORT = "soak.md";
    /** How long the load's clients get to end once the soak is over. */
    static final Duration LOAD_STOP_GRACE = Duration.ofSeconds(15);
    private static final int PROGRESS_LINES = 10;

    private Soak() {
    }

    /**
     * Runs the plan, printing progress; returns how many models did not pass (a figure grew, the
     * server died, or the load saw failures): 0 when every model stayed flat and clean.
     */
    public static int run(SoakPlan plan, PrintStream progress) throws IOException, InterruptedException {
        List<SoakResult> results = soak(plan, progress);
        return (int) results.stream().filter(r -> !r.flat() || r.loadFailures() > 0).count();
    }

    static List<SoakResult> soak(SoakPlan plan, PrintStream progress) throws IOException, InterruptedException {
        Files.createDirectories(plan.out());
        MachineFacts machine = MachineFacts.current();
        String started = Instant.now().toString();
        progress.printf("soak: %s, %d s each, a sample every %s s; out %s%n",
                plan.contenders().stream().map(Contender::name).toList(), plan.duration().toSeconds(),
                CellRunner.seconds(plan.interval()), plan.out());
        List<SoakResult> results = new ArrayList<>();
        for (Contender contender : plan.contenders()) {
            SoakResult result = soakOne(plan, contender, progress);
            results.add(result);
            if (!result.samples().isEmpty()) {
                SoakCharts.write(result, plan.out());
            }
            progress.printf("soak %s: %s%n", contender.name(), SoakReport.line(result));
            write(plan, machine, started, results);
        }
        Files.writeString(plan.out().resolve(REPORT), SoakReport.render(plan, machine, started, results));
        progress.printf("soak: %s, %s and %d charts in %s%n", RESULTS, REPORT,
                results.stream().filter(r -> !r.samples().isEmpty()).count(), plan.out());
        return results;
    }

    private static SoakResult soakOne(SoakPlan plan, Contender contender, PrintStream progress)
            throws InterruptedException {
        List<String> args = new ArrayList<>(contender.serverArgs());
        args.addAll(List.of("--host", "127.0.0.1", "--port", "0", "--backlog", String.valueOf(plan.backlog())));
        Path log = plan.out().resolve("logs").resolve("soak-" + contender.name() + ".server.log");
        ServerUnderTest server;
        try {
            server = ServerUnderTest.start(new JavaProcess(plan.serverJvmFlags(), ServerProcess.class.getName(), args), log);
        } catch (IOException e) {
            return SoakResult.failed(contender, "server did not start: " + e.getMessage());
        }
        try (server) {
            ProcessMonitor monitor = new ProcessMonitor(
                    new ProcessTreeProbe(server.pid(), ProcessTreeProbe.Descriptors.COUNTED), plan.interval());
            monitor.start();
            SoakLoad load = new SoakLoad(new InetSocketAddress(server.host(), server.port()), plan.mix());
            load.start();
            long start = System.nanoTime();
            long end = start + plan.duration().toNanos();
            long step = Math.max(1, plan.duration().toNanos() / PROGRESS_LINES);
            long nextLine = start + step;
            while (System.nanoTime() < end && server.isAlive()) { // a server that dies ends its soak at once
                // the soak's length, looked at once per sample: not synchronisation
                Thread.sleep(Duration.ofNanos(Math.max(1, Math.min(plan.interval().toNanos(), end - System.nanoTime()))));
                ProcessTreeProbe.Sample now = monitor.latest();
                if (now != null && System.nanoTime() >= nextLine) {
                    nextLine += step;
                    progress.printf(Locale.ROOT, "soak %s: %4d s, RSS %s, %d descriptors, %d threads, %d processes%n",
                            contender.name(), Duration.ofNanos(System.nanoTime() - start).toSeconds(),
                            Figures.bytes(now.rssBytes()), now.descriptors(), now.threads(), now.processes());
                }
            }
            monitor.stop();
            Map<SoakRole, SoakTally.Counts> counts = load.stop(LOAD_STOP_GRACE);
            boolean alive = server.isAlive();
            String died = alive ? "" : "the server process ended during the soak (" + server.ending() + "; see " + log + ")";
            String stop = server.stop();
            return SoakResult.of(contender, died, stop, monitor.samples(), counts);
        }
    }

    private static void write(SoakPlan plan, MachineFacts machine, String started, List<SoakResult> results)
            throws IOException {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("command", SoakReport.command(plan));
        run.put("started", started);
        run.put("durationSeconds", plan.duration().toNanos() / 1e9);
        run.put("intervalSeconds", plan.interval().toNanos() / 1e9);
        run.put("warmupFraction", Flatness.WARMUP_FRACTION);
        run.put("rule", Flatness.rule());
        run.put("mix", plan.mix().toJson());
        run.put("models", plan.contenders().stream().map(Contender::name).toList());
        run.put("serverJvmFlags", plan.serverJvmFlags());
        run.put("backlog", plan.backlog());
        run.put("machine", machine.toJson());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("run", run);
        root.put("results", results.stream().map(r -> (Object) r.toJson()).toList());
        Path file = plan.out().resolve(RESULTS);
        Path partial = file.resolveSibling(RESULTS + ".partial");
        Files.writeString(partial, Json.write(root));
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
