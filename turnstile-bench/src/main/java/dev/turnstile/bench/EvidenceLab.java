package dev.turnstile.bench;

import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What the evidence scenarios share: the plan, fresh server processes (the bench's
 * {@link ServerProcess}, optionally under a descriptor limit), first-reply figures measured once
 * and read by every section that needs them, and which optional model features this build has
 * (a section needing one that is absent says so instead of measuring something else).
 *
 * <p>Used by the one thread that runs the scenarios, one after another.
 */
final class EvidenceLab {

    /** A fault-scenario server's heap: small, so a leak fills it in a second. */
    static final List<String> SMALL_HEAP_FLAGS = List.of("-Xms16m", "-Xmx48m", "-XX:+UseG1GC", "-XX:-UsePerfData",
            "-Xshare:auto");

    private final EvidencePlan plan;
    private final Map<String, FirstReplies> firstReplies = new HashMap<>(); // runner thread only
    private int started;                                                   // runner thread only

    EvidenceLab(EvidencePlan plan) {
        this.plan = plan;
    }

    EvidencePlan plan() {
        return plan;
    }

    /** A fresh server with the bench's JVM flags. */
    ServerUnderTest start(String label, List<String> serverArgs) throws IOException, InterruptedException {
        return start(label, serverArgs, BenchPlan.SERVER_JVM_FLAGS, OptionalInt.empty());
    }

    /**
     * A fresh server process ({@link ServerProcess} with {@code serverArgs} on 127.0.0.1, port 0),
     * under {@code ulimit -n} if a descriptor limit is given (its children inherit it). Closing it kills
     * its process tree: no scenario measures the drain, and a graceful stop costs each of dozens of
     * servers seconds.
     */
    ServerUnderTest start(String label, List<String> serverArgs, List<String> jvmFlags, OptionalInt descriptorLimit)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(serverArgs);
        args.addAll(List.of("--host", "127.0.0.1", "--port", "0", "--backlog", String.valueOf(BenchPlan.BACKLOG)));
        List<String> command = new ArrayList<>();
        if (descriptorLimit.isPresent()) {
            command.addAll(List.of("sh", "-c", "ulimit -n " + descriptorLimit.getAsInt() + " && exec \"$@\"", "sh"));
        }
        command.addAll(new JavaProcess(jvmFlags, ServerProcess.class.getName(), args).command());
        started++;
        return ServerUnderTest.start(command, plan.out().resolve("logs").resolve(
                String.format("%02d-%s.server.log", started, label.replaceAll("[^A-Za-z0-9.-]+", "_")))).killOnClose();
    }

    /**
     * Connect-to-first-reply of a server started with {@code serverArgs}, measured the first time a
     * section asks and kept for the next.
     */
    FirstReplies firstReplies(String label, List<String> serverArgs, int n, Duration pause)
            throws IOException, InterruptedException {
        FirstReplies known = firstReplies.get(label);
        if (known != null) {
            return known;
        }
        try (ServerUnderTest server = start(label, serverArgs)) {
            FirstReplies measured = FirstReplies.measure(server.host(), server.port(), n, pause);
            firstReplies.put(label, measured);
            return measured;
        }
    }

    /**
     * Waits until the server's process tree has at least {@code n} processes (a pool's workers have
     * been started), for at most {@link ServerUnderTest#START_TIMEOUT}.
     */
    void awaitProcesses(ServerUnderTest server, int n) throws IOException, InterruptedException {
        ProcessTreeProbe probe = new ProcessTreeProbe(server.pid());
        long deadline = System.nanoTime() + ServerUnderTest.START_TIMEOUT.toNanos();
        while (probe.sample().processes() < n) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the server did not reach " + n + " processes within "
                        + ServerUnderTest.START_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(50); // polling the tree with a deadline
        }
    }

    /** Whether the registered model {@code model} states the option {@code --option} (so this build has it). */
    static boolean hasOption(String model, String option) {
        return Models.all().stream().filter(p -> p.name().equals(model)).map(ModelProvider::options)
                .flatMap(List::stream).anyMatch(o -> o.startsWith("--" + option + " ") || o.equals("--" + option)
                        || o.startsWith("--" + option + ","));
    }
}
