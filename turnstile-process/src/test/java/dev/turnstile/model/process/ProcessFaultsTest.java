package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.core.Server;
import dev.turnstile.model.DeliberateEcho;
import dev.turnstile.model.FaultService;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.PingPongLoad;
import dev.turnstile.testing.Poll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults lose nothing under the process models: a SIGTERM to the master in the middle of many
 * ping-pong conversations loses no reply; a worker killed with SIGKILL under load takes only its
 * own conversations, and the pool is back to size at once; a handler's stack overflow or
 * out-of-memory error takes its connection and then its worker process, which the master replaces.
 * The in-process models keep the same promises in {@code FaultContract}.
 *
 * <p>Sizes: the pool serves 1,000 conversations with 4 workers of 250 threads; process per
 * connection serves 32, one JVM each: a thousand JVMs do not fit two cores (each costs a start of
 * about 80 ms of CPU and tens of MiB).
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProcessFaultsTest {

    private static final Duration PAUSE = Duration.ofMillis(10);
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final Pattern MESSAGES = Pattern.compile("messages (\\d+)");

    /**
     * Pass: the master, in a JVM of its own, gets SIGTERM while every conversation is under way (the
     * handler takes a millisecond over each message, so many are mid-message at any moment); it
     * drains for 5 s (the conversations go on), then closes what is left. Every message the workers
     * handled reached its client completely (the master's count of handled messages equals the
     * complete replies received), no client saw part of a reply or a wrong byte, and the master
     * exits 0.
     */
    @ParameterizedTest(name = "{0} with {1} conversations")
    @CsvSource({"process-pool, 1000, workers=4 threads-per-worker=250",
            "process-per-connection, 32, max-children=48"})
    void aSigtermInTheMiddleOfConversationsLosesNoReply(String model, int conversations, String options) throws Exception {
        try (ServerProcess server = ServerProcess.start(model, DeliberateEcho.class, options.split(" "));
             PingPongLoad load = PingPongLoad.start(server.port(), conversations, PAUSE)) {
            load.awaitEveryConnectionAnswered(3, BOUND);
            server.process().toHandle().destroy(); // SIGTERM; Process.destroy() would also close its output
            PingPongLoad.Tally tally = load.awaitAllClosed(Duration.ofSeconds(60));
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isZero();
            String output = server.remainingOutput();
            Matcher m = MESSAGES.matcher(output);
            assertThat(m.find()).as("the master's report: %s", output).isTrue();
            long handled = Long.parseLong(m.group(1));
            System.out.printf("%s: SIGTERM during %d conversations: %d messages handled, %d replies received, lost %d;"
                            + " closed between messages %d, with the last message unread %d, partial %d; %s",
                    model, conversations, handled, tally.answered(), handled - tally.answered(), tally.between(),
                    tally.unanswered(), tally.partial(), output);
            assertThat(tally.firstProblem()).as("first problem").isNull();
            assertThat(tally.partial()).as("replies cut mid-way").isZero();
            assertThat(tally.wrong()).as("wrong replies").isZero();
            assertThat(tally.refused()).as("refused connections").isZero();
            assertThat(handled - tally.answered()).as("replies lost: handled %d, received %d", handled, tally.answered())
                    .isZero();
            assertThat(tally.closedCleanly()).isEqualTo(conversations);
        }
    }

    /**
     * Pass: 4 workers of 8 threads serve 32 conversations, so each worker holds exactly 8; one
     * worker is killed with SIGKILL. Exactly 8 conversations end, no reply anywhere is wrong, the
     * other 24 go on answering, the pool is back to 4 workers within a second, and a fresh client is
     * served.
     */
    @Test
    void killingAPoolWorkerTakesOnlyItsOwnConversations() throws Exception {
        int workers = 4, threads = 8, conversations = workers * threads;
        ModelOptions options = ModelOptions.none().withWorkers(workers).with("threads-per-worker", Integer.toString(threads));
        try (Server server = Server.builder().model("process-pool").options(options).framing(Framing.LINE).port(0).start();
             PingPongLoad load = PingPongLoad.start(server.port(), conversations, PAUSE)) {
            load.awaitEveryConnectionAnswered(3, BOUND);
            Scoreboard board = Scoreboard.open(Scoreboard.fileFor(server.port()), false);
            long victim = livePids(board, false).iterator().next();

            long killed = System.nanoTime();
            ProcessHandle.of(victim).orElseThrow().destroyForcibly(); // SIGKILL
            Set<Long> spawned = Poll.until("a replacement spawned besides " + victim, Duration.ofSeconds(15),
                    () -> livePids(board, false), pids -> pids.size() >= workers && !pids.contains(victim));
            Duration toSpawned = Duration.ofNanos(System.nanoTime() - killed);
            Poll.until("4 workers ready", Duration.ofSeconds(30), () -> livePids(board, true),
                    pids -> pids.size() >= workers && !pids.contains(victim));
            Duration toReady = Duration.ofNanos(System.nanoTime() - killed);

            PingPongLoad.Tally ended = Poll.until("the victim's 8 conversations ended", Duration.ofSeconds(15),
                    load::tally, t -> t.open() <= conversations - threads);
            long[] before = answeredEach(load);
            Poll.until("every survivor answered 10 more", BOUND, () -> survivorsProgressed(load, before, 10), ok -> ok);
            PingPongLoad.Tally after = load.tally();
            System.out.printf("process-pool: SIGKILL of worker %d under %d conversations: %d ended (%d partial),"
                            + " %d still answering; pool back to %d workers %d ms after the kill (spawned: %s), ready after %d ms%n",
                    victim, conversations, conversations - after.open(), after.partial(), after.open(), workers,
                    toSpawned.toMillis(), spawned, toReady.toMillis());
            assertThat(after.wrong()).as("wrong replies: %s", after.firstProblem()).isZero();
            assertThat(after.open()).as("conversations still going (the killed worker held %d)", threads)
                    .isEqualTo(conversations - threads);
            assertThat(ended.open()).isEqualTo(after.open());
            assertThat(toSpawned).as("back to size").isLessThan(Duration.ofSeconds(1));
            try (LineClient fresh = LineClient.connect(server.port())) {
                assertThat(fresh.ask("fresh")).isEqualTo("FRESH");
            }
        }
    }

    /**
     * Pass: 12 conversations, a child each; one child is killed with SIGKILL. Its conversation
     * ends, the other 11 go on answering, and a fresh client is served.
     */
    @Test
    void killingAConnectionChildTakesOnlyItsConversation() throws Exception {
        int conversations = 12;
        ModelOptions options = ModelOptions.none().with("max-children", "16");
        try (Server server = Server.builder().model("process-per-connection").options(options).framing(Framing.LINE)
                .port(0).start();
             PingPongLoad load = PingPongLoad.start(server.port(), conversations, PAUSE)) {
            load.awaitEveryConnectionAnswered(3, BOUND);
            Scoreboard board = Scoreboard.open(Scoreboard.fileFor(server.port()), false);
            long victim = IsolationTest.pidServing(board, load.localPort(0));

            ProcessHandle.of(victim).orElseThrow().destroyForcibly(); // SIGKILL
            Poll.until("the victim's conversation ended", Duration.ofSeconds(15), () -> load.outcome(0),
                    o -> o != PingPongLoad.Outcome.OPEN);
            long[] before = answeredEach(load);
            Poll.until("every survivor answered 10 more", BOUND, () -> survivorsProgressed(load, before, 10), ok -> ok);
            PingPongLoad.Tally after = load.tally();
            long started = System.nanoTime();
            try (LineClient fresh = LineClient.connect(server.port())) {
                assertThat(fresh.ask("fresh")).isEqualTo("FRESH");
            }
            System.out.printf("process-per-connection: SIGKILL of child %d under %d conversations: %d ended,"
                            + " %d still answering; a fresh client answered in %d ms%n", victim, conversations,
                    conversations - after.open(), after.open(), Duration.ofNanos(System.nanoTime() - started).toMillis());
            assertThat(after.wrong()).as("wrong replies: %s", after.firstProblem()).isZero();
            assertThat(after.open()).isEqualTo(conversations - 1);
            server.stop(Duration.ofMillis(500));
            assertThat(server.snapshot().closedFor(CloseReason.SERVER_ERROR)).as("the killed child's close").isEqualTo(1);
        }
    }

    /**
     * Pass: a handler's StackOverflowError or OutOfMemoryError closes its connection, and then its
     * worker process exits (a connection child with its connection; a pool worker retires, exit 70,
     * and is replaced); a bystander on another worker is served throughout, and so is a fresh client.
     */
    @ParameterizedTest(name = "{0} after {1}")
    @CsvSource({"process-pool, SOE", "process-pool, OOME", "process-per-connection, SOE", "process-per-connection, OOME"})
    void aHandlersVirtualMachineErrorEndsItsWorkerOnly(String model, String poison) throws Exception {
        ModelOptions options = ModelOptions.none().withWorkers(3);
        try (Server server = Server.builder().model(model).options(options).service(new FaultService())
                .framing(Framing.LINE).port(0).start();
             LineClient bystander = LineClient.connect(server.port());
             LineClient victim = LineClient.connect(server.port())) {
            assertThat(bystander.ask("before")).isEqualTo("BEFORE");
            long pid = Long.parseLong(victim.ask("PID"));
            assertThat(Long.parseLong(bystander.ask("PID"))).as("the bystander has a worker of its own").isNotEqualTo(pid);

            victim.send(poison + "\n");
            assertThat(victim.closedByServer()).as("the victim's connection ends").isTrue();
            long died = System.nanoTime();
            Poll.until("worker " + pid + " exited", Duration.ofSeconds(15),
                    () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            Duration exited = Duration.ofNanos(System.nanoTime() - died);
            Poll.until("the victim closed SERVER_ERROR", Duration.ofSeconds(15), server::snapshot,
                    s -> s.closedFor(CloseReason.SERVER_ERROR) == 1);
            assertThat(bystander.ask("after")).isEqualTo("AFTER");
            String replaced = "";
            if (model.equals("process-pool")) {
                Scoreboard board = Scoreboard.open(Scoreboard.fileFor(server.port()), false);
                Poll.until("3 workers besides " + pid, Duration.ofSeconds(15), () -> livePids(board, false),
                        pids -> pids.size() >= 3 && !pids.contains(pid));
                replaced = ", pool back to 3 workers after " + Duration.ofNanos(System.nanoTime() - died).toMillis() + " ms";
            }
            System.out.printf("%s: %s in a handler: worker %d exited %d ms after the close%s%n", model, poison, pid,
                    exited.toMillis(), replaced);
            try (LineClient fresh = LineClient.connect(server.port())) {
                assertThat(fresh.ask("fresh")).isEqualTo("FRESH");
            }
            assertThat(bystander.ask("still")).isEqualTo("STILL");
            assertThat(server.failure()).isEmpty();
        }
    }

    /** The pids of the workers in the scoreboard: spawned (starting or serving), or only those ready to serve. */
    private static Set<Long> livePids(Scoreboard board, boolean readyOnly) {
        Set<Long> pids = new HashSet<>();
        for (int i = 0; i < board.slots(); i++) {
            Scoreboard.Slot s = board.slot(i);
            Scoreboard.State st = s.state();
            boolean live = st == Scoreboard.State.IDLE || st == Scoreboard.State.BUSY
                    || (!readyOnly && st == Scoreboard.State.STARTING);
            if (live && s.pid() > 0) {
                pids.add(s.pid());
            }
        }
        return pids;
    }

    private static long[] answeredEach(PingPongLoad load) {
        long[] counts = new long[load.connections()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = load.answered(i);
        }
        return counts;
    }

    /** True once every conversation still open has {@code more} replies beyond {@code before}. */
    private static boolean survivorsProgressed(PingPongLoad load, long[] before, long more) {
        List<Integer> behind = new ArrayList<>();
        for (int i = 0; i < before.length; i++) {
            if (load.outcome(i) == PingPongLoad.Outcome.OPEN && load.answered(i) < before[i] + more) {
                behind.add(i);
            }
        }
        return behind.isEmpty();
    }
}
