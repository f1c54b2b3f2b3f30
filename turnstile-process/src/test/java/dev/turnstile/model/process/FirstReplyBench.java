package dev.turnstile.model.process;

import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.core.Server;
import dev.turnstile.echo.EchoUppercase;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Measures connect-to-first-reply time, one connection at a time: connect, send one line, read
 * the reply, close; the time from before connect() to the reply. Every variant runs in rounds,
 * interleaved, so that the noise of a shared machine falls on all of them alike.
 *
 * <p>Run with the class path made of jars (class-data archives need that), for example:
 * {@code java -cp "$(cat /tmp/ts/cp)" dev.turnstile.model.process.FirstReplyBench 3 10}
 * (rounds, connections per round per variant).
 */
public final class FirstReplyBench {

    private record Variant(String label, String model, ModelOptions options) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String shell = ExecCommand.join(List.of("sh", "-c", ProcessPerConnectionTest.SHELL_UPPERCASE));
        List<Variant> variants = List.of(
                new Variant("thread-per-connection", "thread-per-connection", ModelOptions.none()),
                new Variant("process, JVM, no CDS (-Xshare:auto, JDK archive only)", "process-per-connection",
                        ModelOptions.none().with("cds", "off")),
                new Variant("process, JVM, AppCDS dynamic archive", "process-per-connection",
                        ModelOptions.none().with("cds", "appcds")),
                new Variant("process, JVM, JDK 25 AOT cache", "process-per-connection",
                        ModelOptions.none().with("cds", "aot")),
                new Variant("process, --exec sh while-read loop", "process-per-connection",
                        ModelOptions.none().with("exec", shell)));
        for (Variant v : variants) {
            prepareArchive(v);
        }
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        variants.forEach(v -> samples.put(v.label, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (Variant v : variants) {
                try (Server server = Server.builder().model(v.model).options(v.options).framing(Framing.LINE).port(0).start()) {
                    firstReply(server.port()); // one unmeasured connection per round: the master is warm
                    for (int i = 0; i < perRound; i++) {
                        samples.get(v.label).add(firstReply(server.port()) / 1e6);
                    }
                }
            }
        }
        System.out.printf("%-55s %5s %8s %8s %8s %8s%n", "variant", "n", "p50 ms", "p90 ms", "mean ms", "max ms");
        samples.forEach((label, xs) -> {
            List<Double> sorted = xs.stream().sorted().toList();
            System.out.printf("%-55s %5d %8.2f %8.2f %8.2f %8.2f%n", label, sorted.size(), pct(sorted, 0.5), pct(sorted, 0.9),
                    sorted.stream().mapToDouble(Double::doubleValue).average().orElse(0), sorted.getLast());
        });
    }

    /** Starts a server of this variant once so its archive is trained, and waits for it. */
    private static void prepareArchive(Variant v) throws Exception {
        Optional<ClassDataArchive.Kind> kind = v.options.extra("cds").flatMap(ClassDataArchive.Kind::parse);
        if (kind.isEmpty() || v.options.extra("exec").isPresent()) {
            return;
        }
        WorkerJvm jvm = WorkerJvm.ofThisJvm(WorkerJvm.DEFAULT_HEAP, WorkerJvm.StartMode.FAST);
        ClassDataArchive archive = ClassDataArchive.of(kind.get(), jvm, ConnectionWorker.class)
                .orElseThrow(() -> new IllegalStateException("the class path is not all jars: no archive possible"));
        try (Server ignored = Server.builder().model(v.model).options(v.options).service(new EchoUppercase()).port(0).start()) {
            if (!Poll.within(Duration.ofSeconds(90),
                    () -> ClassDataArchive.of(kind.get(), jvm, ConnectionWorker.class).orElseThrow().ready())) {
                throw new IllegalStateException("archive not trained: " + archive.file());
            }
        }
        System.out.println("archive ready: " + archive.file());
    }

    private static long firstReply(int port) throws IOException {
        long t = System.nanoTime();
        try (LineClient s = LineClient.connect(port)) {
            String reply = s.ask("hello");
            long took = System.nanoTime() - t;
            if (!"HELLO".equals(reply)) {
                throw new IllegalStateException("wrong reply: " + reply);
            }
            return took;
        }
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }
}
