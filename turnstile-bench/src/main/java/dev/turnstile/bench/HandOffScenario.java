package dev.turnstile.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Hand-off and load balancing: who serves how many conversations, and how long a conversation
 * waits for its first reply, when an acceptor hands sockets to workers by a policy (first-free,
 * round-robin, least-served) against workers that accept for themselves (a thread pool and a
 * process pool on the shared socket, a process pool with a SO_REUSEPORT socket per worker).
 * {@value #CLIENTS} clients run conversations one after another against {@value #WORKERS} workers,
 * so a worker is always free; each conversation first asks {@link WhoServes} who serves it.
 *
 * <p>Imbalance is the busiest worker's count over the mean ({@value #WORKERS} workers, idle ones
 * counted as 0): 1.0 is even. The rule: round-robin or least-served at most {@value #EVEN}
 * (balanced) and first-free above 1.2x the better of them: holds (the hand-off's choice is what
 * balances); a hand-off policy balanced but first-free about as even: holds with a caveat; neither
 * balanced: does not hold.
 */
final class HandOffScenario implements EvidenceScenario {

    static final int WORKERS = 4;
    static final int CLIENTS = 3;
    static final double EVEN = 1.34;

    /** One variant's figures. */
    record Share(String variant, List<Integer> perWorker, double imbalance, double waitP50, double waitP90) {
    }

    static Map<String, List<String>> variants() {
        String w = String.valueOf(WORKERS);
        Map<String, List<String>> v = new LinkedHashMap<>();
        for (String policy : List.of("first-free", "round-robin", "least-served")) {
            v.put("hand-off " + policy, List.of("--model", "thread-pool-handoff", "--workers", w, "--policy", policy));
        }
        v.put("shared accept, threads", List.of("--model", "thread-pool", "--workers", w));
        v.put("shared accept, processes", List.of("--model", "process-pool", "--workers", w));
        v.put("reuseport, processes", List.of("--model", "process-pool", "--workers", w, "--option", "balance=reuseport"));
        return v;
    }

    @Override
    public Claim claim() {
        return Claim.HAND_OFF_BALANCING;
    }

    @Override
    public String scenario(EvidencePlan plan) {
        return String.format(Locale.ROOT, "%d clients, each running %d conversations one after another (connect,"
                + " WHO, then %d lines with a %d ms pause after each, close), against %d workers, so one is always"
                + " free: thread-pool-handoff with each --policy, thread-pool and process-pool on the shared socket,"
                + " process-pool with --balance reuseport. WHO answers with the serving process and thread.",
                CLIENTS, plan.handOffConversations(), plan.conversationMessages(), plan.thinkPause().toMillis(), WORKERS);
    }

    @Override
    public Finding run(EvidenceLab lab) throws IOException, InterruptedException {
        EvidencePlan plan = lab.plan();
        List<Share> shares = new ArrayList<>();
        for (Map.Entry<String, List<String>> v : variants().entrySet()) {
            List<String> args = new ArrayList<>(v.getValue());
            args.addAll(List.of("--service", WhoServes.class.getName()));
            shares.add(measure(lab, v.getKey(), args));
        }
        Map<String, Share> by = new HashMap<>();
        shares.forEach(s -> by.put(s.variant(), s));
        double best = Math.min(by.get("hand-off round-robin").imbalance(), by.get("hand-off least-served").imbalance());
        double firstFree = by.get("hand-off first-free").imbalance();
        ClaimVerdict verdict = best <= EVEN && firstFree > best * 1.2 ? ClaimVerdict.HOLDS
                : best <= EVEN ? ClaimVerdict.HOLDS_WITH_A_CAVEAT : ClaimVerdict.DOES_NOT_HOLD;
        Share shared = by.get("shared accept, processes");
        Share reuseport = by.get("reuseport, processes");
        List<List<String>> rows = new ArrayList<>();
        Map<String, List<Double>> chart = new LinkedHashMap<>();
        for (int i = 0; i < WORKERS; i++) {
            chart.put((i + 1) + (i == 0 ? "st" : i == 1 ? "nd" : i == 2 ? "rd" : "th") + " busiest worker",
                    new ArrayList<>());
        }
        List<String> categories = new ArrayList<>();
        for (Share s : shares) {
            int total = s.perWorker().stream().mapToInt(Integer::intValue).sum();
            rows.add(List.of(s.variant(), s.perWorker().toString(), String.format(Locale.ROOT, "%.2f", s.imbalance()),
                    FirstReplies.ms(s.waitP50()), FirstReplies.ms(s.waitP90())));
            categories.add(s.variant());
            List<List<Double>> columns = new ArrayList<>(chart.values());
            for (int i = 0; i < WORKERS; i++) {
                columns.get(i).add(100.0 * s.perWorker().get(i) / total);
            }
        }
        EvidenceCharts.bars(plan.out().resolve(claim().chartFile()), "Share of conversations per worker ("
                + WORKERS + " workers; even = 25 %)", "% of conversations", false, categories, chart);
        String figure = String.format(Locale.ROOT, "imbalance (busiest worker / mean, 1.00 = even): %s; first-reply"
                + " wait p90, reuseport / shared accept (processes): %s", String.join(", ", shares.stream()
                .map(s -> s.variant() + " " + String.format(Locale.ROOT, "%.2f", s.imbalance())).toList()),
                FirstReplies.times(reuseport.waitP90() / shared.waitP90()));
        String reading = switch (verdict) {
            case HOLDS -> String.format(Locale.ROOT, "Handing sockets off lets the acceptor choose: round-robin and"
                    + " least-served spread conversations evenly (imbalance %.2f) where first-free piles them on the"
                    + " first free worker (%.2f).", best, firstFree);
            case HOLDS_WITH_A_CAVEAT -> String.format(Locale.ROOT, "A hand-off policy balances (imbalance %.2f), but"
                    + " first-free was about as even here (%.2f): balancing is possible, not needed by this load.",
                    best, firstFree);
            case DOES_NOT_HOLD -> String.format(Locale.ROOT, "No hand-off policy spread the load evenly (best"
                    + " imbalance %.2f).", best);
        } + String.format(Locale.ROOT, " With reuseport the kernel picks a worker busy or not: first reply p90 %s"
                + " against %s on the shared socket.", FirstReplies.ms(reuseport.waitP90()), FirstReplies.ms(shared.waitP90()));
        return new Finding(claim(), scenario(plan), figure, verdict, String.format(Locale.ROOT, "holds if round-robin"
                        + " or least-served has imbalance <= %.2f and first-free's is more than 1.2x theirs; holds"
                        + " with a caveat if a policy is within %.2f but first-free is about as even; else does not hold",
                EVEN, EVEN), reading, List.of("variant", "conversations per worker (busiest first)", "imbalance",
                        "first-reply wait p50", "p90"), rows, List.of());
    }

    private static Share measure(EvidenceLab lab, String variant, List<String> args)
            throws IOException, InterruptedException {
        EvidencePlan plan = lab.plan();
        ServerUnderTest server = lab.start("handoff-" + variant, args);
        try (server) {
            if (args.contains("process-pool")) {
                lab.awaitProcesses(server, WORKERS + 1);
            }
            FirstReplies.once(server.host(), server.port());
            Map<String, Integer> counts = Collections.synchronizedMap(new HashMap<>());
            List<Double> waits = Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Void>> done = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    done.add(clients.submit(() -> {
                        for (int k = 0; k < plan.handOffConversations(); k++) {
                            converse(server, plan, counts, waits);
                        }
                        return null;
                    }));
                }
                for (Future<Void> f : done) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw new IOException(variant + ": a client failed: " + e.getCause(), e.getCause());
                    }
                }
            }
            List<Integer> perWorker = new ArrayList<>(counts.values());
            if (perWorker.size() > WORKERS) {
                throw new IOException(variant + ": " + perWorker.size() + " workers served, more than " + WORKERS
                        + " (a worker was replaced?): " + counts);
            }
            while (perWorker.size() < WORKERS) {
                perWorker.add(0);
            }
            perWorker.sort(Collections.reverseOrder());
            int total = perWorker.stream().mapToInt(Integer::intValue).sum();
            List<Double> sorted = waits.stream().sorted().toList();
            return new Share(variant, perWorker, perWorker.getFirst() / (total / (double) WORKERS),
                    FirstReplies.percentile(sorted, 0.5), FirstReplies.percentile(sorted, 0.9));
        }
    }

    private static void converse(ServerUnderTest server, EvidencePlan plan, Map<String, Integer> counts,
                                 List<Double> waits) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        try (LineSession s = LineSession.connect(server.host(), server.port(), FirstReplies.TIMEOUT)) {
            String who = s.ask(WhoServes.ASK);
            waits.add((System.nanoTime() - t0) / 1e6);
            if (!who.startsWith(WhoServes.ANSWER)) {
                throw new IOException("not a WHO answer: " + who);
            }
            counts.merge(who.substring(WhoServes.ANSWER.length()), 1, Integer::sum);
            for (int m = 0; m < plan.conversationMessages(); m++) {
                if (!s.ask("line " + m).equals("LINE " + m)) {
                    throw new IOException("wrong reply");
                }
                Thread.sleep(plan.thinkPause()); // the client's think time: the workload, not synchronisation
            }
        }
    }
}
