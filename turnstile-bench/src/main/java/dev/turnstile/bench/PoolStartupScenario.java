package dev.turnstile.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Start-up cost removed by pools: the first-reply time of a model that creates per connection
 * against the pool of the same kind (thread per connection against a thread pool; a JVM process per
 * connection against a pre-forked process pool). Reuses the creation-cost figures where that
 * section measured the same server.
 *
 * <p>The rule: the process pool answers first in at most {@value #POOL_RATIO}x the time of a
 * process per connection: holds; and if the thread pool does not also beat thread per connection
 * by that much, the caveat that for threads the start-up was small to begin with. A process pool
 * at more than {@value #FAIL_RATIO}x: does not hold; between: holds with a caveat.
 */
final class PoolStartupScenario implements EvidenceScenario {

    static final double POOL_RATIO = 0.2;
    static final double FAIL_RATIO = 0.5;
    static final String THREAD_POOL = "thread pool worker (thread-pool, 3)";

    @Override
    public Claim claim() {
        return Claim.STARTUP_REMOVED_BY_POOLS;
    }

    @Override
    public String scenario(EvidencePlan plan) {
        return "The creation-cost scenario (connect, one line, its reply, close, one at a time) for a thread per"
                + " connection against a pool of 3 threads, and a JVM process per connection against a pool of 2"
                + " pre-forked JVM workers: the pool's workers exist before the client connects.";
    }

    @Override
    public Finding run(EvidenceLab lab) throws IOException, InterruptedException {
        EvidencePlan plan = lab.plan();
        Map<String, List<String>> creation = CreationCostScenario.variants();
        Map<String, FirstReplies> r = new LinkedHashMap<>();
        r.put(CreationCostScenario.THREAD, lab.firstReplies(CreationCostScenario.THREAD,
                creation.get(CreationCostScenario.THREAD), plan.threadReplies(), Duration.ZERO));
        r.put(THREAD_POOL, lab.firstReplies(THREAD_POOL, List.of("--model", "thread-pool", "--workers", "3"),
                plan.threadReplies(), Duration.ZERO));
        r.put(CreationCostScenario.JVM, lab.firstReplies(CreationCostScenario.JVM,
                creation.get(CreationCostScenario.JVM), plan.processReplies(), Duration.ZERO));
        r.put(CreationCostScenario.POOLED, lab.firstReplies(CreationCostScenario.POOLED,
                creation.get(CreationCostScenario.POOLED), plan.processReplies(), Duration.ZERO));
        double threads = r.get(THREAD_POOL).p50() / r.get(CreationCostScenario.THREAD).p50();
        double processes = r.get(CreationCostScenario.POOLED).p50() / r.get(CreationCostScenario.JVM).p50();
        List<List<String>> rows = new ArrayList<>();
        r.forEach((label, f) -> rows.add(List.of(label, String.valueOf(f.millis().size()), FirstReplies.ms(f.p50()),
                FirstReplies.ms(f.p90()))));
        EvidenceCharts.bars(plan.out().resolve(claim().chartFile()), "Start-up cost: per connection against a pool,"
                        + " first reply p50 (log)", "ms (log)", true, List.of("threads", "processes"),
                mapOf("created per connection", List.of(r.get(CreationCostScenario.THREAD).p50(),
                                r.get(CreationCostScenario.JVM).p50()),
                        "taken from a pool", List.of(r.get(THREAD_POOL).p50(), r.get(CreationCostScenario.POOLED).p50())));
        ClaimVerdict verdict = processes <= POOL_RATIO && threads <= POOL_RATIO ? ClaimVerdict.HOLDS
                : processes <= FAIL_RATIO ? ClaimVerdict.HOLDS_WITH_A_CAVEAT : ClaimVerdict.DOES_NOT_HOLD;
        String figure = String.format("first reply p50, pool / per connection: processes %s, threads %s",
                FirstReplies.times(processes), FirstReplies.times(threads));
        String reading = switch (verdict) {
            case HOLDS -> String.format("A pool removes the start-up cost for both: the process pool answers first in %s"
                    + " the time of a new JVM, the thread pool in %s that of a new thread.",
                    FirstReplies.times(processes), FirstReplies.times(threads));
            case HOLDS_WITH_A_CAVEAT -> processes <= POOL_RATIO
                    ? String.format("The process pool answers first in %s the time of a new JVM, where start-up is"
                    + " significant; for threads the pool gains little (%s), since a new thread is already cheap:"
                    + " the notes' \"if initialization cost is significant\" is the condition that matters.",
                    FirstReplies.times(processes), FirstReplies.times(threads))
                    : String.format("The process pool answers first in %s the time of a new JVM: better, but less"
                    + " than the %s the rule asks.", FirstReplies.times(processes), FirstReplies.times(POOL_RATIO));
            case DOES_NOT_HOLD -> String.format("The process pool's first reply took %s a new JVM's here.",
                    FirstReplies.times(processes));
        };
        return new Finding(claim(), scenario(plan), figure, verdict,
                String.format("holds if the pool's p50 is at most %sx the per-connection model's for processes and"
                        + " for threads; holds with a caveat if for processes it is at most %sx; else does not hold",
                        POOL_RATIO, FAIL_RATIO),
                reading, List.of("variant", "timed", "p50", "p90"), rows, List.of());
    }

    static Map<String, List<Double>> mapOf(String k1, List<Double> v1, String k2, List<Double> v2) {
        Map<String, List<Double>> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
