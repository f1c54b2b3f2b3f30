package dev.turnstile.bench;

import dev.turnstile.loadgen.LoadResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs one cell: a fresh server process, its idle figures, the load as a process of its own while
 * the server is sampled, then SIGTERM to the server. Client and server are separate processes, so
 * the server's CPU and memory are the server's alone. Logs go to {@code out/logs/}.
 */
final class CellRunner {

    /** Beyond warm-up plus duration: JVM start, connecting every client, closing, writing the result. */
    static final Duration LOAD_MARGIN = Duration.ofSeconds(60);

    private final BenchPlan plan;
    private ServerCertificate certificate; // under TLS: made for the first cell, presented in every one

    CellRunner(BenchPlan plan) {
        this.plan = plan;
    }

    CellResult run(Cell cell) throws InterruptedException {
        Path logs = plan.out().resolve("logs");
        if (plan.tls() && certificate == null) {
            try {
                certificate = ServerCertificate.generate(plan.out().resolve("tls"), "server");
            } catch (IOException e) {
                return CellResult.failed(cell, "no TLS certificate: " + e.getMessage(), null, null, null, 0);
            }
        }
        JavaProcess serverCommand = new JavaProcess(plan.serverJvmFlags(), ServerProcess.class.getName(),
                serverArgs(cell));
        ServerUnderTest server;
        try {
            server = ServerUnderTest.start(serverCommand, logs.resolve(cell.label() + ".server.log"));
        } catch (IOException e) {
            return CellResult.failed(cell, "server did not start: " + e.getMessage(), null, null, null, 0);
        }
        try (server) {
            ProcessMonitor serverMonitor = new ProcessMonitor(server.pid());
            serverMonitor.start();
            LoadRun load;
            try {
                load = runLoad(cell, server, logs);
            } catch (IOException e) {
                serverMonitor.stop();
                return CellResult.failed(cell, "load failed: " + e.getMessage(), null, null, null, 0);
            }
            ProcessUsage serverUsage = serverMonitor.stop();
            boolean aliveAfterLoad = server.isAlive();
            String stop = server.stop();
            if (!aliveAfterLoad) {
                return CellResult.failed(cell, "server process died during the load", load.result(), serverUsage,
                        load.usage(), load.machineCores());
            }
            if (!load.result().ok()) {
                return CellResult.failed(cell, "errors: " + load.result().errors().describe()
                        + (load.result().firstError() != null ? " (first: " + load.result().firstError() + ")" : ""),
                        load.result(), serverUsage, load.usage(), load.machineCores());
            }
            return new CellResult(cell, CellResult.Status.MEASURED, stop, load.result(), serverUsage, load.usage(),
                    load.machineCores());
        }
    }

    /** What the load process reported, what it used itself, and the machine's busy cores meanwhile. */
    private record LoadRun(LoadResult result, ProcessUsage usage, double machineCores) {
    }

    private List<String> serverArgs(Cell cell) {
        List<String> args = new ArrayList<>(cell.contender().serverArgs());
        args.addAll(List.of("--host", "127.0.0.1", "--port", "0", "--backlog", String.valueOf(plan.backlog())));
        if (plan.tls()) {
            args.addAll(List.of("--tls-cert", certificate.certificate().toString(), "--tls-key", certificate.key().toString()));
        }
        return args;
    }

    private LoadRun runLoad(Cell cell, ServerUnderTest server, Path logs) throws IOException, InterruptedException {
        Path json = logs.resolve(cell.label() + ".load.json");
        Path log = logs.resolve(cell.label() + ".load.log");
        Files.deleteIfExists(json);
        List<String> args = new ArrayList<>(List.of(
                "--host", server.host(), "--port", String.valueOf(server.port()),
                "--workload", cell.workload().cliName(), "--connections", String.valueOf(cell.connections()),
                "--threads", String.valueOf(plan.loadThreads()),
                "--warmup", seconds(plan.warmup()), "--duration", seconds(plan.duration()),
                "--think-max", seconds(plan.thinkMax()), "--json", json.toString()));
        if (plan.tls()) {
            args.addAll(List.of("--tls-trust", certificate.certificate().toString()));
        }
        JavaProcess command = new JavaProcess(plan.loadJvmFlags(), LoadProcess.class.getName(), args);
        Files.writeString(log, "$ " + String.join(" ", command.command()) + "\n");
        Process process = new ProcessBuilder(command.command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ProcessMonitor clientMonitor = new ProcessMonitor(process.pid());
        MachineLoad machineBefore = MachineLoad.now();
        clientMonitor.start();
        Duration limit = plan.warmup().plus(plan.duration()).plus(LOAD_MARGIN);
        boolean ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        ProcessUsage clientUsage = clientMonitor.stop();
        double machineCores = MachineLoad.now().coresSince(machineBefore);
        if (!ended) {
            process.destroyForcibly().waitFor();
            throw new IOException("load did not end within " + limit.toSeconds() + " s; see " + log);
        }
        if (!Files.exists(json)) {
            throw new IOException("load wrote no result (exit status " + process.exitValue() + "); see " + log);
        }
        try {
            return new LoadRun(LoadResult.fromJson(Files.readString(json)), clientUsage, machineCores);
        } catch (IllegalArgumentException e) {
            throw new IOException("unreadable load result " + json + ": " + e.getMessage(), e);
        }
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }
}
