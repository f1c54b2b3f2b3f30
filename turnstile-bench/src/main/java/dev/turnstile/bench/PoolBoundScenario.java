package dev.turnstile.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Pools bound the load: N clients arrive at once, each holding one conversation (the notes' client:
 * a few lines with a pause after each), against a pool of {@value #POOL} threads and against a
 * thread per connection. The pool serves {@value #POOL} at a time and the rest wait in the listen
 * backlog: the server's threads stay flat and the wait for the first reply grows with N. A thread
 * per connection grows its threads with N and nobody waits.
 *
 * <p>The rule, at the largest N: the pool's peak threads at most {@value #FLAT_THREADS} above its
 * peak with one client (bounded), and its first-reply p50 at least half a conversation (the
 * clients beyond the pool queued); thread per connection's threads grew by at least N/2. All three:
 * holds; the pool bounded but the queueing not visible or the contrast not: holds with a caveat;
 * the pool's threads grew: does not hold.
 */
final class PoolBoundScenario implements EvidenceScenario {

    static final int POOL = 3;
    static final int FLAT_THREADS = 2;
    static final String POOL_MODEL = "thread-pool (3 workers)";
    static final String PER_CONNECTION = "thread-per-connection";

    /** The figures of one model at one client count. */
    record Point(int clients, double waitP50, double waitP90, double waitMax, int peakThreads) {
    }

    @Override
    public Claim claim() {
        return Claim.POOLS_BOUND_LOAD;
    }

    @Override
    public String scenario(EvidencePlan plan) {
        return String.format(Locale.ROOT, "N clients (N = %s) arrive at once; each holds one conversation of %d lines"
                + " with a %d ms pause after each (about %d ms), then closes. Against thread-pool --workers %d and"
                + " thread-per-connection, a fresh server each: the wait from connect to the first reply, and the"
                + " server's peak threads (sampled every 100 ms).", plan.boundClients(),
                plan.conversationMessages(), plan.thinkPause().toMillis(), conversationMillis(plan), POOL);
    }

    static long conversationMillis(EvidencePlan plan) {
        return plan.conversationMessages() * plan.thinkPause().toMillis();
    }

    @Override
    public Finding run(EvidenceLab lab) throws IOException, InterruptedException {
        EvidencePlan plan = lab.plan();
        Map<String, List<Point>> points = new LinkedHashMap<>();
        points.put(POOL_MODEL, measure(lab, "bound-thread-pool", List.of("--model", "thread-pool", "--workers",
                String.valueOf(POOL))));
        points.put(PER_CONNECTION, measure(lab, "bound-thread-per-connection", List.of("--model", "thread-per-connection")));
        Point poolFirst = points.get(POOL_MODEL).getFirst();
        Point poolLast = points.get(POOL_MODEL).getLast();
        Point perFirst = points.get(PER_CONNECTION).getFirst();
        Point perLast = points.get(PER_CONNECTION).getLast();
        int n = poolLast.clients();
        long conversation = conversationMillis(plan);
        boolean bounded = poolLast.peakThreads() <= poolFirst.peakThreads() + FLAT_THREADS;
        boolean queued = poolLast.waitP50() >= conversation / 2.0;
        boolean contrast = perLast.peakThreads() - perFirst.peakThreads() >= n / 2;
        ClaimVerdict verdict = bounded && queued && contrast ? ClaimVerdict.HOLDS
                : bounded ? ClaimVerdict.HOLDS_WITH_A_CAVEAT : ClaimVerdict.DOES_NOT_HOLD;
        Map<String, double[][]> series = new LinkedHashMap<>();
        List<List<String>> rows = new ArrayList<>();
        points.forEach((model, ps) -> {
            series.put(model + ", first-reply wait p50", new double[][] {
                ps.stream().mapToDouble(Point::clients).toArray(), ps.stream().mapToDouble(Point::waitP50).toArray()});
            for (Point p : ps) {
                rows.add(List.of(model, String.valueOf(p.clients()), FirstReplies.ms(p.waitP50()),
                        FirstReplies.ms(p.waitP90()), FirstReplies.ms(p.waitMax()), String.valueOf(p.peakThreads())));
            }
        });
        EvidenceCharts.lines(plan.out().resolve(claim().chartFile()), "Clients beyond a pool of " + POOL
                + " wait: first-reply wait p50 (conversation ~" + conversation + " ms)", "clients arriving at once",
                "ms", series);
        String figure = String.format(Locale.ROOT, "at %d clients, pool of %d: first-reply wait p50 %s (%s a"
                + " conversation), peak threads %+d over 1 client; thread per connection: wait %s, threads %+d",
                n, POOL, FirstReplies.ms(poolLast.waitP50()), FirstReplies.times(poolLast.waitP50() / conversation),
                poolLast.peakThreads() - poolFirst.peakThreads(), FirstReplies.ms(perLast.waitP50()),
                perLast.peakThreads() - perFirst.peakThreads());
        String reading = switch (verdict) {
            case HOLDS -> String.format(Locale.ROOT, "The pool held its threads at %d whatever came; clients beyond"
                    + " its %d waited (p50 %s at %d clients), where a thread per connection grew to %d threads.",
                    poolLast.peakThreads(), POOL, FirstReplies.ms(poolLast.waitP50()), n, perLast.peakThreads());
            case HOLDS_WITH_A_CAVEAT -> "The pool's threads stayed flat (the bound holds), but "
                    + (!queued ? "the queueing delay was under half a conversation" : "thread per connection did not"
                    + " grow its threads as expected (sampling every 100 ms may miss short-lived threads)") + ".";
            case DOES_NOT_HOLD -> String.format(Locale.ROOT, "The pool's peak threads grew from %d to %d.",
                    poolFirst.peakThreads(), poolLast.peakThreads());
        };
        return new Finding(claim(), scenario(plan), figure, verdict, String.format(Locale.ROOT, "at the largest N:"
                        + " holds if the pool's peak threads are at most %d above its peak at 1 client, its wait p50 is"
                        + " at least half a conversation, and thread-per-connection's threads grew by at least N/2;"
                        + " holds with a caveat if only the pool's bound is seen; does not hold if the pool's threads grew",
                FLAT_THREADS), reading, List.of("model", "clients", "wait p50", "wait p90", "wait max", "peak threads"),
                rows, List.of());
    }

    private static List<Point> measure(EvidenceLab lab, String label, List<String> args)
            throws IOException, InterruptedException {
        EvidencePlan plan = lab.plan();
        List<Point> points = new ArrayList<>();
        try (ServerUnderTest server = lab.start(label, args)) {
            FirstReplies.once(server.host(), server.port()); // the server is up and warm
            for (int n : plan.boundClients()) {
                ProcessMonitor monitor = new ProcessMonitor(server.pid());
                monitor.start();
                List<Double> waits = Collections.synchronizedList(new ArrayList<>());
                CountDownLatch go = new CountDownLatch(1);
                try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<Void>> done = new ArrayList<>();
                    for (int c = 0; c < n; c++) {
                        done.add(clients.submit(() -> {
                            go.await();
                            waits.add(converse(server, plan));
                            return null;
                        }));
                    }
                    go.countDown();
                    for (Future<Void> f : done) {
                        try {
                            f.get();
                        } catch (java.util.concurrent.ExecutionException e) {
                            throw new IOException(label + ": a client failed: " + e.getCause(), e.getCause());
                        }
                    }
                }
                ProcessUsage usage = monitor.stop();
                List<Double> sorted = waits.stream().sorted().toList();
                points.add(new Point(n, FirstReplies.percentile(sorted, 0.5), FirstReplies.percentile(sorted, 0.9),
                        sorted.getLast(), usage.peakThreads()));
            }
        }
        return points;
    }

    /** One conversation; returns the wait from connect to its first reply, in ms. */
    static double converse(ServerUnderTest server, EvidencePlan plan) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        try (LineSession s = LineSession.connect(server.host(), server.port(), FirstReplies.TIMEOUT)) {
            double wait = 0;
            for (int m = 0; m < plan.conversationMessages(); m++) {
                if (!s.ask("line " + m).equals("LINE " + m)) {
                    throw new IOException("wrong reply");
                }
                if (m == 0) {
                    wait = (System.nanoTime() - t0) / 1e6;
                }
                Thread.sleep(plan.thinkPause()); // the client's think time: the workload, not synchronisation
            }
            return wait;
        }
    }
}
