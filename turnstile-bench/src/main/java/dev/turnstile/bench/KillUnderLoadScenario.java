package dev.turnstile.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Isolation under load: {@value #CLIENTS} clients in ping-pong (next line as soon as the reply
 * came), and, halfway, {@code kill -9} of the process serving one of them. Under a thread model the
 * process serving that client serves every client; under a process pool of {@value #CLIENTS}
 * workers it is that client's worker. Counts the conversations that broke, and how long until a
 * new connection was answered again.
 *
 * <p>The rule: the pool lost at most one worker's share (one conversation) and answered a new
 * connection within {@value #RECOVERY_SECONDS} s: holds; lost one but did not recover in time:
 * holds with a caveat; lost more: does not hold. The thread model's loss is reported beside it.
 */
final class KillUnderLoadScenario implements EvidenceScenario {

    static final int CLIENTS = 3;
    static final int RECOVERY_SECONDS = 10;

    /** What one kill did. */
    record Outcome(String model, int lost, long messagesBefore, long messagesAfter, double recoveredMillis) {
    }

    @Override
    public Claim claim() {
        return Claim.ISOLATION;
    }

    @Override
    public String scenario(EvidencePlan plan) {
        return String.format(Locale.ROOT, "%d clients in ping-pong for %.1f s; then kill -9 of the process serving"
                + " one of them (thread-per-connection: the server's only process; process-pool --workers %d: one"
                + " busy worker), and %.1f s more. A conversation whose next reply fails is lost. Then new connections"
                + " are tried until one is answered (at most %d s).", CLIENTS, plan.killLoad().toMillis() / 1e3,
                CLIENTS, plan.killLoad().toMillis() / 1e3, RECOVERY_SECONDS);
    }

    @Override
    public Finding run(EvidenceLab lab) throws IOException, InterruptedException {
        EvidencePlan plan = lab.plan();
        Outcome thread = killOne(lab, "thread-per-connection", List.of("--model", "thread-per-connection"), false);
        Outcome pool = killOne(lab, "process-pool", List.of("--model", "process-pool", "--workers",
                String.valueOf(CLIENTS)), true);
        boolean recovered = !Double.isNaN(pool.recoveredMillis()) && pool.recoveredMillis() <= RECOVERY_SECONDS * 1000.0;
        ClaimVerdict verdict = pool.lost() <= 1 && recovered ? ClaimVerdict.HOLDS
                : pool.lost() <= 1 ? ClaimVerdict.HOLDS_WITH_A_CAVEAT : ClaimVerdict.DOES_NOT_HOLD;
        List<List<String>> rows = new ArrayList<>();
        for (Outcome o : List.of(thread, pool)) {
            rows.add(List.of(o.model(), o.lost() + " of " + CLIENTS, String.format(Locale.ROOT, "%,d", o.messagesBefore()),
                    String.format(Locale.ROOT, "%,d", o.messagesAfter()),
                    Double.isNaN(o.recoveredMillis()) ? "never (within " + RECOVERY_SECONDS + " s)"
                            : FirstReplies.ms(o.recoveredMillis())));
        }
        EvidenceCharts.bars(plan.out().resolve(claim().chartFile()), "kill -9 of the process serving one of "
                        + CLIENTS + " conversations: conversations lost", "conversations lost", false,
                List.of("thread-per-connection", "process-pool"),
                Map.of("lost", List.of((double) thread.lost(), (double) pool.lost())));
        String reading = switch (verdict) {
            case HOLDS -> String.format(Locale.ROOT, "kill -9 under load took %d of %d conversations under the thread"
                    + " model and %d under the pool, which answered a new connection %s after the kill.",
                    thread.lost(), CLIENTS, pool.lost(), FirstReplies.ms(pool.recoveredMillis()));
            case HOLDS_WITH_A_CAVEAT -> String.format(Locale.ROOT, "The pool lost only %d conversation, but did not"
                    + " answer a new connection within %d s.", pool.lost(), RECOVERY_SECONDS);
            case DOES_NOT_HOLD -> String.format(Locale.ROOT, "Killing one worker took %d of %d conversations.",
                    pool.lost(), CLIENTS);
        };
        return new Finding(claim(), scenario(plan), String.format(Locale.ROOT,
                "conversations lost to one kill -9, process pool / thread model: %d / %d of %d", pool.lost(),
                thread.lost(), CLIENTS), verdict,
                "holds if the pool lost at most one conversation (its worker's) and answered a new connection within "
                        + RECOVERY_SECONDS + " s; holds with a caveat if it lost one but did not recover in time;"
                        + " else does not hold",
                reading, List.of("model", "conversations lost", "replies before the kill", "replies after",
                        "new connection answered after"), rows, List.of());
    }

    private static Outcome killOne(EvidenceLab lab, String model, List<String> args, boolean killAWorker)
            throws IOException, InterruptedException {
        Duration half = lab.plan().killLoad();
        ServerUnderTest server = lab.start("kill-" + model, args);
        try {
            if (killAWorker) {
                lab.awaitProcesses(server, CLIENTS + 1);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong replies = new AtomicLong();
            List<Future<Boolean>> lost = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < CLIENTS; c++) {
                    lost.add(clients.submit(() -> pingPong(server, stop, replies)));
                }
                Thread.sleep(half); // the load's duration before the kill, not synchronisation
                long before = replies.get();
                ProcessHandle victim = killAWorker
                        ? server.descendants().stream().filter(p -> p.parent().map(q -> q.pid() == server.pid())
                        .orElse(false)).findFirst().orElseThrow(() -> new IOException("no worker process to kill"))
                        : ProcessHandle.of(server.pid()).orElseThrow(() -> new IOException("server gone before the kill"));
                long killedAt = System.nanoTime();
                victim.destroyForcibly();
                Future<Double> recovered = clients.submit(() -> recovery(server, killedAt));
                Thread.sleep(half); // the load's duration after the kill
                stop.set(true);
                int lostCount = 0;
                for (Future<Boolean> f : lost) {
                    try {
                        lostCount += f.get() ? 1 : 0;
                    } catch (java.util.concurrent.ExecutionException e) {
                        lostCount++;
                    }
                }
                long after = replies.get() - before;
                try {
                    return new Outcome(model, lostCount, before, after, recovered.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException("recovery probe failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            server.killTree();
        }
    }

    /** A client's conversation until stopped; true if it was lost (a reply failed). */
    private static boolean pingPong(ServerUnderTest server, AtomicBoolean stop, AtomicLong replies) {
        try (LineSession s = LineSession.connect(server.host(), server.port(), Duration.ofSeconds(5))) {
            for (long i = 0; !stop.get(); i++) {
                if (!s.ask("ping " + i).equals("PING " + i)) {
                    return true;
                }
                replies.incrementAndGet();
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Milliseconds from the kill to the first answered new connection, or NaN if none within the limit. */
    private static double recovery(ServerUnderTest server, long killedAt) throws InterruptedException {
        long deadline = killedAt + Duration.ofSeconds(RECOVERY_SECONDS).toNanos();
        while (System.nanoTime() < deadline && server.isAlive()) {
            try (LineSession s = LineSession.connect(server.host(), server.port(), Duration.ofSeconds(2))) {
                if (s.ask("new").equals("NEW")) {
                    return (System.nanoTime() - killedAt) / 1e6;
                }
            } catch (IOException e) {
                Thread.sleep(20); // retry against a deadline
            }
        }
        return Double.NaN;
    }
}
