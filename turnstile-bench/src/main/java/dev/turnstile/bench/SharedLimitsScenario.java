package dev.turnstile.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared limits: the descriptor limit (RLIMIT_NOFILE) is per process, so all the threads of one
 * process share it, while each process of a pool has its own. One process (thread per connection)
 * and a pool of {@value #POOL} processes (each with enough threads that threads are not the bound)
 * run under the same {@code ulimit -n}; more clients than three limits' worth connect at once and
 * each asks one line; the answered ones are the connections the server could hold.
 *
 * <p>The rule: one process answers fewer than the limit (it hit it) and the pool at least
 * {@value #HOLDS_RATIO}x as many: holds; at least {@value #CAVEAT_RATIO}x: holds with a caveat;
 * else does not hold.
 */
final class SharedLimitsScenario implements EvidenceScenario {

    static final int POOL = 3;
    static final double HOLDS_RATIO = 1.8;
    static final double CAVEAT_RATIO = 1.2;

    @Override
    public Claim claim() {
        return Claim.SHARED_LIMITS;
    }

    @Override
    public String scenario(EvidencePlan plan) {
        int limit = plan.descriptorLimit();
        return String.format(Locale.ROOT, "Each server process runs under `ulimit -n %d`. %,d clients connect at once"
                + " and each asks one line, waiting up to %d s for the reply: one process (thread-per-connection)"
                + " against a pool of %d processes (process-pool --workers %d, %s each). Answered clients are the"
                + " connections the server could hold; the rest wait in the listen backlog.%s",
                limit, offered(plan), wait(plan).toSeconds(), POOL, POOL, poolWorkerText(limit),
                plan.quick() ? " Quick mode: the limit is scaled down from the full run's 1,024." : "");
    }

    static int offered(EvidencePlan plan) {
        return POOL * plan.descriptorLimit() + plan.descriptorLimit() / 2;
    }

    static Duration wait(EvidencePlan plan) {
        return Duration.ofSeconds(plan.quick() ? 4 : 8);
    }

    static boolean eventLoopWorkers() {
        return EvidenceLab.hasOption("process-pool", "worker-model");
    }

    static String poolWorkerText(int limit) {
        return eventLoopWorkers() ? "an event-loop worker model (--worker-model event-loop)"
                : "--threads-per-worker " + limit;
    }

    @Override
    public Finding run(EvidenceLab lab) throws IOException, InterruptedException {
        EvidencePlan plan = lab.plan();
        int limit = plan.descriptorLimit();
        int offered = offered(plan);
        List<String> poolArgs = new ArrayList<>(List.of("--model", "process-pool", "--workers", String.valueOf(POOL)));
        poolArgs.addAll(eventLoopWorkers() ? List.of("--option", "worker-model=event-loop")
                : List.of("--option", "threads-per-worker=" + limit));
        int one = held(lab, "limits-one-process", List.of("--model", "thread-per-connection"), limit, offered, wait(plan));
        int pool = held(lab, "limits-pool", poolArgs, limit, offered, wait(plan));
        double ratio = one == 0 ? Double.POSITIVE_INFINITY : (double) pool / one;
        EvidenceCharts.bars(plan.out().resolve(claim().chartFile()),
                "Connections held under ulimit -n " + limit + " per process (" + offered + " offered)", "connections answered",
                false, List.of("one process (threads)", "pool of " + POOL + " processes"),
                Map.of("answered", List.of((double) one, (double) pool)));
        ClaimVerdict verdict = one < limit && ratio >= HOLDS_RATIO ? ClaimVerdict.HOLDS
                : one < limit && ratio >= CAVEAT_RATIO ? ClaimVerdict.HOLDS_WITH_A_CAVEAT : ClaimVerdict.DOES_NOT_HOLD;
        String reading = switch (verdict) {
            case HOLDS, HOLDS_WITH_A_CAVEAT -> String.format(Locale.ROOT, "All the threads of one process shared its %d"
                    + " descriptors and held %,d connections; %d processes with the same limit each held %,d (%s)%s.",
                    limit, one, POOL, pool, FirstReplies.times(ratio),
                    verdict == ClaimVerdict.HOLDS ? "" : ", less than the limits add up to");
            case DOES_NOT_HOLD -> one >= limit
                    ? String.format(Locale.ROOT, "One process held %,d connections, not bounded by its %d descriptors.", one, limit)
                    : String.format(Locale.ROOT, "The pool held %,d connections against one process's %,d (%s): its"
                    + " processes' limits did not add up.", pool, one, FirstReplies.times(ratio));
        };
        return new Finding(claim(), scenario(plan),
                String.format(Locale.ROOT, "connections held under the same per-process limit, pool of %d / one process: %s"
                        + " (%,d / %,d of %,d)", POOL, FirstReplies.times(ratio), pool, one, offered), verdict,
                String.format("holds if one process answers fewer clients than its limit and the pool at least %sx as"
                        + " many; holds with a caveat at %sx; else does not hold", HOLDS_RATIO, CAVEAT_RATIO),
                reading, List.of("server", "descriptor limit per process", "clients", "answered"),
                List.of(List.of("one process, thread-per-connection", String.valueOf(limit), String.valueOf(offered),
                                String.valueOf(one)),
                        List.of("pool of " + POOL + " processes", String.valueOf(limit), String.valueOf(offered),
                                String.valueOf(pool))),
                List.of("50,000 concurrent connections on one port with 4 event-loop workers: "
                        + (eventLoopWorkers() ? "the process-pool run of issue 14 part 1, not repeated here"
                        : "needs process-pool --worker-model event-loop (issue 14, part 1)"),
                        "memory, CPU and stack limits: not measured here; only descriptors"));
    }

    /** Starts the server under the limit, offers {@code offered} clients at once, returns how many were answered. */
    private static int held(EvidenceLab lab, String label, List<String> args, int limit, int offered, Duration wait)
            throws IOException, InterruptedException {
        try (ServerUnderTest server = lab.start(label, args, BenchPlan.SERVER_JVM_FLAGS, OptionalInt.of(limit))) {
            warmUp(server);
            lab.awaitProcesses(server, args.contains("process-pool") ? POOL + 1 : 1);
            AtomicInteger answered = new AtomicInteger();
            CountDownLatch allAsked = new CountDownLatch(offered);
            CountDownLatch release = new CountDownLatch(1);
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < offered; i++) {
                    clients.submit(() -> {
                        try (LineSession s = LineSession.connect(server.host(), server.port(), wait)) {
                            if (s.ask("hello").equals("HELLO")) {
                                answered.incrementAndGet();
                            }
                            allAsked.countDown();
                            release.await(); // hold the connection until every client has had its answer or timeout
                        } catch (IOException | InterruptedException e) {
                            allAsked.countDown(); // not answered: refused, reset or timed out
                        }
                        return null;
                    });
                }
                allAsked.await(wait.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
                release.countDown();
            }
            return answered.get();
        }
    }

    /** One answered client before the count: the server (and each pool worker) is up. */
    private static void warmUp(ServerUnderTest server) throws IOException {
        try (LineSession s = LineSession.connect(server.host(), server.port(), FirstReplies.TIMEOUT)) {
            s.ask("hello");
        }
    }
}
