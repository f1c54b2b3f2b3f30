package dev.turnstile.model.prefork;

import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Shared accept against reuseport in a process pool, with slow conversations: C clients, each
 * running K conversations one after another (connect, M messages with a pause between, close),
 * against W single-threaded workers, with C below W so there is always an idle worker. Prints,
 * per balance, which worker served how many conversations and how long a conversation waited
 * for its first reply: with shared accept only idle workers accept, so nobody waits; with
 * reuseport the kernel hashes each connection to a worker whether it is busy or not.
 *
 * <p>{@code java -cp TEST_CLASSPATH dev.turnstile.model.prefork.BalanceBench [W] [C] [K] [M] [PAUSE_MS]}
 */
public final class BalanceBench {

    public static void main(String[] args) throws Exception {
        int workers = arg(args, 0, 4);
        int clients = arg(args, 1, 3);
        int conversations = arg(args, 2, 20);
        int messages = arg(args, 3, 4);
        int pauseMs = arg(args, 4, 50);
        System.out.printf("%d workers (1 thread each), %d clients x %d conversations of %d messages, %d ms apart%n",
                workers, clients, conversations, messages, pauseMs);
        for (String balance : List.of("shared", "reuseport")) {
            ModelOptions options = ModelOptions.none().withWorkers(workers).with("balance", balance);
            try (Server server = Server.builder().model("process-pool").options(options).framing(Framing.LINE).port(0).start()) {
                List<Double> waits = Collections.synchronizedList(new ArrayList<>());
                ExecutorService pool = Executors.newFixedThreadPool(clients);
                long started = System.nanoTime();
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    done.add(pool.submit(() -> {
                        for (int k = 0; k < conversations; k++) {
                            long t = System.nanoTime();
                            try (LineClient s = LineClient.connect(server.port())) {
                                for (int m = 0; m < messages; m++) {
                                    String reply = s.ask("message " + m);
                                    if (m == 0) {
                                        waits.add((System.nanoTime() - t) / 1e6);
                                    }
                                    if (!reply.equals("MESSAGE " + m)) {
                                        throw new IllegalStateException("wrong reply " + reply);
                                    }
                                    java.util.concurrent.TimeUnit.MILLISECONDS.sleep(pauseMs); // think time: workload, not synchronisation
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                pool.shutdown();
                long all = (long) clients * conversations;
                Poll.within(Duration.ofSeconds(5), () -> server.snapshot().closed() >= all); // the feed reports closes within 50 ms
                StatsSnapshot s = server.snapshot();
                List<Double> sorted = waits.stream().sorted().toList();
                System.out.printf("%n%-9s took %.1f s; first reply p50 %.1f ms, p90 %.1f ms, max %.1f ms; waited > 100 ms: %d of %d%n",
                        balance, seconds, pct(sorted, 0.5), pct(sorted, 0.9), sorted.getLast(),
                        sorted.stream().filter(w -> w > 100).count(), sorted.size());
                for (StatsSnapshot.Worker w : s.workers()) {
                    System.out.printf("  %-9s %3d conversations%n", w.name(), w.connections());
                }
            }
        }
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }
}
