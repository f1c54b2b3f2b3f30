package dev.turnstile.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault in one thread: a handler that leaks memory until the heap is gone, or that exits the JVM
 * ({@link FaultyEcho}), under thread per connection against a process pool with a worker per
 * conversation. Some conversations look on; one sends the fault; afterwards each bystander asks
 * again, and those that get their answer survived.
 *
 * <p>The rule, per fault: "shown" if the thread model lost at least half its bystanders and the
 * pool at most a quarter. Both faults shown: holds; one: holds with a caveat; none: does not hold.
 */
final class ThreadFaultScenario implements EvidenceScenario {

    static final String HEAP = "48m";
    static final List<String> FAULTS = List.of("LEAK", "EXIT");
    static final Duration EXIT_WAIT = Duration.ofSeconds(4);
    static final Duration BYSTANDER_WAIT = Duration.ofSeconds(3);

    /** Bystanders lost by one model under one fault, and how the server ended up. */
    record Outcome(String model, String fault, int bystanders, int survived, boolean victimEnded, boolean serverAlive) {
        double lost() {
            return 1 - (double) survived / bystanders;
        }
    }

    @Override
    public Claim claim() {
        return Claim.FAULT_IN_ONE_THREAD;
    }

    @Override
    public String scenario(EvidencePlan plan) {
        return String.format(Locale.ROOT, "%d bystander conversations and one victim each ask a line; the victim then"
                + " sends LEAK (its handler keeps 1 KiB arrays until the %s heap is gone) or EXIT (its handler calls"
                + " System.exit); each bystander then asks again (all at once), waiting up to %d s. Under thread-per-connection (one JVM,"
                + " -Xmx%s) and under process-pool --workers %d (a worker JVM per conversation, --worker-heap %s),"
                + " a fresh thread-model server per fault, one pool for both.", plan.bystanders(), HEAP, BYSTANDER_WAIT.toSeconds(), HEAP,
                plan.bystanders() + 1, HEAP);
    }

    @Override
    public Finding run(EvidenceLab lab) throws IOException, InterruptedException {
        EvidencePlan plan = lab.plan();
        int bystanders = plan.bystanders();
        String service = FaultyEcho.class.getName();
        List<Outcome> outcomes = new ArrayList<>();
        for (String fault : FAULTS) {
            ServerUnderTest server = lab.start("fault-thread-per-connection-" + fault, List.of("--model",
                    "thread-per-connection", "--service", service), EvidenceLab.SMALL_HEAP_FLAGS, OptionalInt.empty());
            try {
                outcomes.add(inject(server, "thread-per-connection", fault, bystanders, victimWait(plan)));
            } finally {
                server.killTree(); // a server with a full heap may never finish a graceful stop
            }
        }
        // one pool for both faults: it replaces the worker the first fault took before the second's conversations start
        ServerUnderTest poolServer = lab.start("fault-process-pool", List.of("--model", "process-pool", "--workers",
                String.valueOf(bystanders + 1), "--option", "worker-heap=" + HEAP, "--service", service));
        try {
            lab.awaitProcesses(poolServer, bystanders + 2);
            for (String fault : FAULTS) {
                outcomes.add(inject(poolServer, "process-pool", fault, bystanders, victimWait(plan)));
            }
        } finally {
            poolServer.killTree();
        }
        Map<String, List<Double>> lostPercent = new LinkedHashMap<>();
        List<List<String>> rows = new ArrayList<>();
        int shown = 0;
        StringBuilder figure = new StringBuilder("bystanders lost, thread model / process pool: ");
        for (String fault : FAULTS) {
            Outcome thread = find(outcomes, "thread-per-connection", fault);
            Outcome pool = find(outcomes, "process-pool", fault);
            if (thread.lost() >= 0.5 && pool.lost() <= 0.25) {
                shown++;
            }
            figure.append(fault.equals(FAULTS.getFirst()) ? "" : "; ").append(fault).append(" ")
                    .append(percent(thread.lost())).append(" / ").append(percent(pool.lost()));
        }
        for (Outcome o : outcomes) {
            lostPercent.computeIfAbsent(o.model(), k -> new ArrayList<>()).add(100 * o.lost());
            rows.add(List.of(o.model(), o.fault(), o.survived() + " of " + o.bystanders(), percent(o.lost()),
                    o.victimEnded() ? "yes" : "no (still open after " + victimWait(plan).toSeconds() + " s)",
                    o.serverAlive() ? "yes" : "no"));
        }
        EvidenceCharts.bars(plan.out().resolve(claim().chartFile()), "A fault in one connection's handler:"
                + " bystander conversations lost", "% of bystanders lost", false, FAULTS, lostPercent);
        ClaimVerdict verdict = shown == FAULTS.size() ? ClaimVerdict.HOLDS
                : shown > 0 ? ClaimVerdict.HOLDS_WITH_A_CAVEAT : ClaimVerdict.DOES_NOT_HOLD;
        String reading = switch (verdict) {
            case HOLDS -> "Under the thread model one handler's leak and one handler's exit took the other"
                    + " conversations with them; under the process pool each took only its own worker's.";
            case HOLDS_WITH_A_CAVEAT -> "Only some faults spread: " + spread(outcomes) + ".";
            case DOES_NOT_HOLD -> "Neither fault spread to the bystanders of the thread model beyond the rule's half,"
                    + " or the pool lost as many: " + spread(outcomes) + ".";
        };
        return new Finding(claim(), scenario(plan), figure.toString(), verdict,
                "per fault, shown if the thread model lost >= 50 % of its bystanders and the pool <= 25 %; holds if"
                        + " every fault is shown, holds with a caveat if some are, else does not hold",
                reading, List.of("model", "fault", "bystanders answered after", "lost", "victim's connection ended",
                        "server process alive after"), rows,
                List.of("an exception in a handler: not in this scenario; a thread model contains it (IsolationTest"
                        + " underAThreadModelAnExceptionIsContained)"));
    }

    private static String spread(List<Outcome> outcomes) {
        List<String> parts = new ArrayList<>();
        for (Outcome o : outcomes) {
            parts.add(o.model() + " " + o.fault() + " lost " + percent(o.lost()));
        }
        return String.join(", ", parts);
    }

    private static Outcome find(List<Outcome> outcomes, String model, String fault) {
        return outcomes.stream().filter(o -> o.model().equals(model) && o.fault().equals(fault)).findFirst().orElseThrow();
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * fraction);
    }

    /** Under a thread model the victim's handler may hold its connection open in a full heap: bounded. */
    static Duration victimWait(EvidencePlan plan) {
        return Duration.ofSeconds(plan.quick() ? 5 : 15);
    }

    private static Outcome inject(ServerUnderTest server, String model, String fault, int bystanders,
                                  Duration victimWait) throws IOException, InterruptedException {
        List<LineSession> sessions = new ArrayList<>();
        try {
            for (int i = 0; i <= bystanders; i++) {
                LineSession s = LineSession.connect(server.host(), server.port(), FirstReplies.TIMEOUT);
                sessions.add(s);
                if (!s.ask("before").equals("BEFORE")) {
                    throw new IOException("wrong reply before the fault");
                }
            }
            LineSession victim = sessions.getLast();
            victim.readTimeout(victimWait);
            victim.send(fault);
            boolean victimEnded = victim.closedByServer();
            AtomicInteger survived = new AtomicInteger();
            try (ExecutorService askers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (LineSession s : sessions.subList(0, bystanders)) {
                    askers.submit(() -> {
                        try {
                            s.readTimeout(BYSTANDER_WAIT);
                            if (s.ask("after").equals("AFTER")) {
                                survived.incrementAndGet();
                            }
                        } catch (IOException e) {
                            // lost: closed, reset or no answer within the wait
                        }
                        return null;
                    });
                }
            }
            // a JVM that exits runs its shutdown hook (a 2 s drain) first: give it time to end
            boolean alive = model.equals("process-pool") ? server.isAlive() : !server.awaitEnd(EXIT_WAIT);
            return new Outcome(model, fault, bystanders, survived.get(), victimEnded, alive);
        } finally {
            for (LineSession s : sessions) {
                s.close();
            }
        }
    }
}
