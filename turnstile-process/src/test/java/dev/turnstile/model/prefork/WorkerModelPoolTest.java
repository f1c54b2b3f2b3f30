package dev.turnstile.model.prefork;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.model.process.NoProcessLeftBehind;
import dev.turnstile.model.process.Scoreboard;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A process pool whose workers run an in-process model ({@code --worker-model}): a worker is the
 * unit of failure for all the connections it holds and only those; "busy" means full; recycling
 * counts connections opened; limits the pool could only apply per worker are refused.
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerModelPoolTest {

    /** One client conversation on its own thread: asks until stopped or its connection fails. */
    private static final class Conversation implements Runnable {
        final LineClient client;
        final AtomicLong answered = new AtomicLong();
        final AtomicBoolean failed = new AtomicBoolean();
        final AtomicBoolean stop = new AtomicBoolean();

        Conversation(LineClient client) {
            this.client = client;
        }

        @Override
        public void run() {
            for (long i = 0; !stop.get(); i++) {
                try {
                    if (!client.ask("m" + i).equals("M" + i)) {
                        failed.set(true);
                        return;
                    }
                    answered.incrementAndGet();
                } catch (RuntimeException e) { // reset or closed: this conversation was lost
                    failed.set(true);
                    return;
                }
            }
        }
    }

    @Test
    void killNineOfOneEventLoopWorkerUnderLoadLosesOnlyItsConnections() throws Exception {
        int clients = 40;
        ModelOptions options = ModelOptions.none().withWorkers(2).with("worker-model", "event-loop")
                .with("balance", "reuseport"); // the kernel hashes connections over both workers
        try (RunningServer server = RunningServer.start("process-pool", options)) {
            Scoreboard board = Scoreboard.open(Scoreboard.fileFor(server.port()), false);
            List<Conversation> conversations = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    LineClient c = LineClient.connect(server.port());
                    assertThat(c.ask("hello " + i)).isEqualTo("HELLO " + i);
                    conversations.add(new Conversation(c));
                }
                Poll.until("every connection counted in a slot", Duration.ofSeconds(10), () -> openInSlots(board) == clients);
                Scoreboard.Slot victim = busiestSlot(board);
                long victimPid = victim.pid();
                long lost = victim.active();
                assertThat(lost).as("both workers hold connections").isBetween(1L, clients - 1L);
                for (Conversation c : conversations) {
                    threads.add(Thread.ofPlatform().name("conversation").start(c));
                }
                Poll.until("every conversation under way", Duration.ofSeconds(20),
                        () -> conversations.stream().allMatch(c -> c.answered.get() >= 3));

                ProcessHandle.of(victimPid).orElseThrow().destroyForcibly(); // SIGKILL
                long[] atKill = conversations.stream().mapToLong(c -> c.answered.get()).toArray();

                Poll.until("each conversation lost or answered 20 more", Duration.ofSeconds(60), () -> {
                    for (int i = 0; i < clients; i++) {
                        Conversation c = conversations.get(i);
                        if (!c.failed.get() && c.answered.get() < atKill[i] + 20) {
                            return false;
                        }
                    }
                    return true;
                });
                long failed = conversations.stream().filter(c -> c.failed.get()).count();
                assertThat(failed).as("conversations lost with the killed worker").isEqualTo(lost);
                assertThat(clients - failed).as("conversations that went on").isEqualTo(clients - lost);

                server.await("the dead worker's connections closed as server errors", Duration.ofSeconds(10),
                        s -> s.closedFor(CloseReason.SERVER_ERROR) == lost);
                Set<Long> live = Poll.until("a replacement beside the survivor", Duration.ofSeconds(30),
                        () -> livePids(board), pids -> pids.size() == 2 && !pids.contains(victimPid));
                assertThat(live).doesNotContain(victimPid);
                try (LineClient fresh = LineClient.connect(server.port())) {
                    assertThat(fresh.ask("after")).isEqualTo("AFTER");
                }
            } finally {
                conversations.forEach(c -> c.stop.set(true));
                for (Thread t : threads) {
                    t.join(10_000);
                }
                conversations.forEach(c -> c.client.close());
            }
        }
    }

    @Test
    void aWorkerIsBusyOnlyWhenFullSoThePoolGrowsAtCapacityAndShrinksBack() throws Exception {
        ModelOptions options = ModelOptions.none().withWorkers(1).withMinWorkers(1).withMaxWorkers(2)
                .with("min-spare", "1").with("max-spare", "1").with("worker-model", "event-loop")
                .with("worker-capacity", "3");
        try (RunningServer server = RunningServer.start("process-pool", options)) {
            Scoreboard board = Scoreboard.open(Scoreboard.fileFor(server.port()), false);
            assertThat(StatusPage.render(board, System.currentTimeMillis()))
                    .contains("event-loop in each worker, busy at 3 connections");
            List<LineClient> clients = new ArrayList<>();
            try {
                for (int i = 1; i <= 2; i++) {
                    LineClient c = LineClient.connect(server.port());
                    clients.add(c);
                    assertThat(c.ask("client " + i)).isEqualTo("CLIENT " + i);
                }
                Poll.until("one worker holding two, with room", Duration.ofSeconds(10),
                        () -> openInSlots(board) == 2 && count(board, Scoreboard.State.IDLE) == 1);
                assertThat(livePids(board)).as("room left: no second worker").hasSize(1);

                LineClient third = LineClient.connect(server.port());
                clients.add(third);
                assertThat(third.ask("client 3")).isEqualTo("CLIENT 3");
                Poll.until("the full worker busy and a spare started", Duration.ofSeconds(30),
                        () -> count(board, Scoreboard.State.BUSY) == 1 && count(board, Scoreboard.State.IDLE) == 1);
            } finally {
                clients.forEach(LineClient::close);
            }
            Poll.until("shrunk back to one idle worker", Duration.ofSeconds(30),
                    () -> livePids(board).size() == 1 && count(board, Scoreboard.State.IDLE) == 1);
            assertThat(server.stats().poolEvents()).extracting(e -> e.size()).containsSubsequence(1, 2, 1);
        }
    }

    @Test
    void recyclesAWorkerAfterItsShareOfConnectionsOpened() throws Exception {
        // 3 plus a random 0 to 3/4, so exactly 3
        ModelOptions options = ModelOptions.none().withWorkers(1).with("worker-model", "event-loop")
                .with("max-connections-per-worker", "3");
        try (RunningServer server = RunningServer.start("process-pool", options)) {
            Scoreboard board = Scoreboard.open(Scoreboard.fileFor(server.port()), false);
            Set<Long> first = livePids(board);
            assertThat(first).hasSize(1);
            for (int i = 0; i < 3; i++) {
                try (LineClient c = LineClient.connect(server.port())) {
                    assertThat(c.ask("one of three " + i)).isEqualTo("ONE OF THREE " + i);
                }
            }
            Set<Long> next = Poll.until("a fresh worker in place of the recycled one", Duration.ofSeconds(30),
                    () -> livePids(board), pids -> pids.size() == 1 && !pids.equals(first));
            assertThat(next).doesNotContainAnyElementsOf(first);
            try (LineClient c = LineClient.connect(server.port())) {
                assertThat(c.ask("fourth")).isEqualTo("FOURTH");
            }
            assertThat(server.stats().closedFor(CloseReason.SERVER_ERROR)).as("a recycle is no crash").isZero();
        }
    }

    @Test
    void refusesServerWideLimitsItCouldOnlyApplyPerWorker() {
        ModelOptions options = ModelOptions.none().withWorkers(1).with("worker-model", "event-loop");
        assertThatThrownBy(() -> RunningServer.start("process-pool", options,
                b -> b.limits(new ConnectionLimits(10, 0, 0))))
                .hasMessageContaining("--worker-model event-loop does not apply --max-connections");
    }

    @Test
    void refusesAnUnknownWorkerModelOrOneThatStartsProcesses() {
        assertThatThrownBy(() -> RunningServer.start("process-pool",
                ModelOptions.none().withWorkers(1).with("worker-model", "no-such-model")))
                .hasMessageContaining("unknown model 'no-such-model'");
        assertThatThrownBy(() -> RunningServer.start("process-pool",
                ModelOptions.none().withWorkers(1).with("worker-model", "process-per-connection")))
                .hasMessageContaining("worker-model must be an in-process model");
        assertThatThrownBy(() -> RunningServer.start("process-pool",
                ModelOptions.none().withWorkers(1).with("worker-capacity", "5")))
                .hasMessageContaining("worker-capacity needs --worker-model");
    }

    /**
     * With reuseport a worker model serves a SO_REUSEPORT socket of its own as standard input,
     * which it would close unsealed (a socket it inherited looks shared to it): the worker seals it
     * first ({@link OwnSocketSeal}), so the connections queued on it when the pool stops are served
     * in the drain, not reset. The one thread of a thread-pool worker, held by one conversation,
     * leaves the others queued in the kernel.
     */
    @Test
    void aWorkerModelOnItsOwnReuseportSocketServesWhatIsQueuedAtTheStop() throws Exception {
        int queued = 3;
        ModelOptions options = ModelOptions.none().withWorkers(1).with("worker-model", "thread-pool")
                .with("threads-per-worker", "1").with("balance", "reuseport");
        try (RunningServer server = RunningServer.start("process-pool", options)) {
            LineClient holder = LineClient.connect(server.port());
            List<LineClient> waiting = new ArrayList<>();
            try {
                assertThat(holder.ask("holding the only thread")).isEqualTo("HOLDING THE ONLY THREAD");
                for (int i = 0; i < queued; i++) {
                    waiting.add(LineClient.connect(server.port()).send("queued " + i + "\n"));
                }
                CompletableFuture<ShutdownReport> stop =
                        CompletableFuture.supplyAsync(() -> server.stop(Duration.ofSeconds(20)));
                Poll.until("the stop takes no new connection", Duration.ofSeconds(10),
                        () -> !LineClient.canConnect(server.port()));
                assertThat(holder.ask("still served")).isEqualTo("STILL SERVED");
                holder.close();
                List<String> lost = new ArrayList<>();
                for (int i = 0; i < queued; i++) {
                    String expected = "QUEUED " + i;
                    try (LineClient client = waiting.get(i)) {
                        String reply = client.readLine();
                        if (!expected.equals(reply)) {
                            lost.add(expected + " expected, got " + reply);
                        }
                    } catch (RuntimeException | AssertionError e) {
                        lost.add(expected + " expected: " + e);
                    }
                }
                assertThat(lost).as("connections queued on the worker's own socket when the stop began").isEmpty();
                assertThat(stop.get(30, TimeUnit.SECONDS).forced()).isZero();
            } finally {
                holder.close();
                waiting.forEach(LineClient::close);
            }
        }
    }

    private static long openInSlots(Scoreboard board) {
        long n = 0;
        for (int i = 0; i < board.slots(); i++) {
            Scoreboard.Slot s = board.slot(i);
            if (s.state() != Scoreboard.State.FREE) {
                n += s.active();
            }
        }
        return n;
    }

    private static Scoreboard.Slot busiestSlot(Scoreboard board) {
        Scoreboard.Slot busiest = null;
        for (int i = 0; i < board.slots(); i++) {
            Scoreboard.Slot s = board.slot(i);
            if (s.state() != Scoreboard.State.FREE && (busiest == null || s.active() > busiest.active())) {
                busiest = s;
            }
        }
        return busiest;
    }

    private static int count(Scoreboard board, Scoreboard.State state) {
        int n = 0;
        for (int i = 0; i < board.slots(); i++) {
            if (board.slot(i).state() == state) {
                n++;
            }
        }
        return n;
    }

    private static Set<Long> livePids(Scoreboard board) {
        Set<Long> pids = new HashSet<>();
        for (int i = 0; i < board.slots(); i++) {
            Scoreboard.Slot s = board.slot(i);
            Scoreboard.State st = s.state();
            if (s.pid() > 0 && (st == Scoreboard.State.STARTING || st == Scoreboard.State.IDLE || st == Scoreboard.State.BUSY)) {
                pids.add(s.pid());
            }
        }
        return pids;
    }
}
