package dev.turnstile.model.prefork;

import dev.turnstile.api.ServerStats;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.model.process.ExitCodes;
import dev.turnstile.model.process.FakeListener;
import dev.turnstile.model.process.FakeProcesses;
import dev.turnstile.model.process.MasterLoop;
import dev.turnstile.model.process.MutableClock;
import dev.turnstile.model.process.Scoreboard;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.Signal;
import dev.turnstile.posix.Spawn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The pool master's decisions, checked with fake processes and an in-memory scoreboard: nothing forks. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PoolMasterTest {

    private final FakeProcesses processes = new FakeProcesses();
    private final MutableClock clock = new MutableClock();
    private final ServerStats stats = new ServerStats();
    private final FakeListener listener = new FakeListener();
    private Scoreboard board;

    private PoolMaster master(PoolPlan plan) {
        board = Scoreboard.inMemoryForTest(plan.slots());
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", 20446);
        return new PoolMaster("process-pool", plan, board, listener,
                (slot, limit) -> Spawn.of(List.of("worker", "slot=" + slot, "limit=" + limit)),
                stats, new ScoreboardFeed(board, stats, local), processes, clock, new Random(7), Duration.ofSeconds(30));
    }

    private static PoolPlan plan(int initial, int min, int max, int minSpare, int maxSpare) {
        return new PoolPlan(initial, min, max, minSpare, maxSpare, 1, 0, Balance.SHARED, 3, Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(30), 1);
    }

    /** What a worker writes when it is up: state and heartbeat. */
    private void workersAre(Scoreboard.State state) {
        for (int pid : processes.runningPids()) {
            Scoreboard.Slot slot = slotOf(pid);
            slot.state(state);
            slot.heartbeat(clock.millis());
        }
    }

    private Scoreboard.Slot slotOf(int pid) {
        for (int i = 0; i < board.slots(); i++) {
            if (board.slot(i).pid() == pid && board.slot(i).state() != Scoreboard.State.FREE) {
                return board.slot(i);
            }
        }
        throw new AssertionError("no slot for pid " + pid);
    }

    @Test
    void startsTheInitialWorkersThenKeepsTheSparesBetweenMinAndMax() throws IOException {
        PoolMaster master = master(plan(2, 1, 4, 1, 2));
        master.step();
        assertThat(processes.runningPids()).hasSize(2);
        workersAre(Scoreboard.State.BUSY);
        master.step();
        assertThat(processes.runningPids()).as("no idle worker left: one more").hasSize(3);
        workersAre(Scoreboard.State.IDLE);
        master.step();
        assertThat(processes.runningPids().stream().filter(pid -> slotOf(pid).stopByMillis() > 0))
                .as("3 idle, above max-spare 2: the highest slot retires").containsExactly(1002);
        workersAre(Scoreboard.State.IDLE);
        clock.advance(Duration.ofMillis(500));
        master.step();
        assertThat(processes.runningPids().stream().filter(pid -> slotOf(pid).stopByMillis() > 0))
                .as("at most one a second").hasSize(1);
        processes.exit(1002, ExitStatus.exited(ExitCodes.DONE));
        master.step();
        assertThat(processes.runningPids()).hasSize(2);
        assertThat(master.failure()).isEmpty();
        assertThat(stats.snapshot().poolEvents()).extracting(e -> e.reason())
                .containsExactly("started 2 workers", "grew to 3: 0 idle, below min-spare 1", "shrank to 2: 3 idle, above max-spare 2");
    }

    @Test
    void neverRetiresWhileWorkersAreStillStarting() throws IOException {
        PoolMaster master = master(plan(4, 1, 4, 1, 3));
        master.step();
        master.step();
        assertThat(processes.runningPids()).allMatch(pid -> slotOf(pid).stopByMillis() == 0);
    }

    @Test
    void replacesADeadWorkerInTheSameRound() throws IOException {
        PoolMaster master = master(plan(3, 3, 3, 1, 3));
        master.step();
        workersAre(Scoreboard.State.IDLE);
        processes.exit(1001, ExitStatus.killed(Signal.KILL));
        master.step();
        assertThat(processes.spawned).hasSize(4);
        assertThat(processes.runningPids()).containsExactlyInAnyOrder(1000, 1002, 1003);
        assertThat(processes.spawnOf(1003).command()).contains("slot=1");
        assertThat(master.failure()).isEmpty();
    }

    @Test
    void aCrashLoopStopsThePoolWithAClearError() throws IOException {
        PoolMaster master = master(plan(1, 1, 1, 0, 1)); // max-restarts 3 within 10 s
        master.step();
        for (int death = 0; death < 4; death++) {
            int pid = processes.runningPids().getFirst();
            processes.exit(pid, ExitStatus.exited(ExitCodes.OUT_OF_MEMORY));
            clock.advance(Duration.ofSeconds(1));
            master.step();
        }
        assertThat(master.failure()).hasValueSatisfying(why -> assertThat(why)
                .contains("4 workers died within 10 s").contains("exited with code 3 (out of memory)")
                .contains("stopping instead of restarting in a loop"));
        assertThat(listener.open).isFalse();
    }

    @Test
    void deathsSpreadOverMoreThanTheWindowAreNoLoop() throws IOException {
        PoolMaster master = master(plan(1, 1, 1, 0, 1));
        master.step();
        for (int death = 0; death < 8; death++) {
            processes.exit(processes.runningPids().getFirst(), ExitStatus.killed(Signal.SEGV));
            clock.advance(Duration.ofSeconds(4));
            master.step();
        }
        assertThat(master.failure()).isEmpty();
        assertThat(processes.runningPids()).hasSize(1);
    }

    @Test
    void aWorkerThatCannotBootStopsThePoolWithItsReason() throws IOException {
        PoolMaster master = master(plan(2, 2, 2, 1, 2));
        master.step();
        slotOf(1000).note("service class x.Missing is not on the class path");
        processes.exit(1000, ExitStatus.exited(ExitCodes.CANNOT_BOOT));
        master.step();
        assertThat(master.failure()).hasValue("worker-1 (pid 1000) cannot boot: service class x.Missing is not on the class path");
        assertThat(processes.spawned).as("not respawned").hasSize(2);
    }

    @Test
    void aWorkerWithoutHeartbeatIsTerminatedThenKilled() throws IOException {
        PoolMaster master = master(plan(1, 1, 1, 0, 1));
        processes.onSignal.remove(Signal.TERM); // it ignores SIGTERM too
        master.step();
        workersAre(Scoreboard.State.BUSY);
        clock.advance(Duration.ofSeconds(11));
        master.step();
        assertThat(processes.signalsTo(1000)).containsExactly(Signal.TERM);
        clock.advance(MasterLoop.KILL_GRACE);
        master.step();
        assertThat(processes.signalsTo(1000)).containsExactly(Signal.TERM, Signal.KILL);
        master.step();
        assertThat(processes.runningPids()).as("replaced").containsExactly(1001);
    }

    @Test
    void recyclingGivesEachWorkerALimitWithJitterAndIsNoDeath() throws IOException {
        PoolPlan plan = new PoolPlan(2, 2, 2, 1, 2, 1, 100, Balance.SHARED, 0, Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(30), 1);
        PoolMaster master = master(plan);
        master.step();
        for (int round = 0; round < 5; round++) {
            processes.exit(processes.runningPids().getFirst(), ExitStatus.exited(ExitCodes.RECYCLED));
            master.step();
        }
        assertThat(master.failure()).as("max-restarts 0, yet recycling is no death").isEmpty();
        assertThat(processes.spawned).hasSize(7).allSatisfy(s -> {
            long limit = Long.parseLong(s.command().get(2).substring("limit=".length()));
            assertThat(limit).isBetween(100L, 125L);
        });
        assertThat(processes.spawned.stream().map(s -> s.command().get(2)).distinct().count())
                .as("jitter: not all the same").isGreaterThan(1);
    }

    @Test
    void stopAsksEveryWorkerToDrainAndReportsWhatTheyDrained() throws IOException {
        PoolMaster master = master(plan(2, 2, 2, 1, 2));
        master.step();
        workersAre(Scoreboard.State.IDLE);
        master.requestStop(Duration.ofSeconds(5));
        master.step();
        assertThat(listener.open).isFalse();
        for (int pid : processes.runningPids()) {
            assertThat(slotOf(pid).stopByMillis()).isEqualTo(clock.millis() + 5000);
        }
        slotOf(1000).stopped(2, 0);
        slotOf(1001).stopped(0, 1);
        processes.exit(1000, ExitStatus.exited(ExitCodes.DONE));
        processes.exit(1001, ExitStatus.exited(ExitCodes.DONE));
        assertThat(master.step()).isFalse();
        ShutdownReport report = master.report().join();
        assertThat(report.drained()).isEqualTo(2);
        assertThat(report.forced()).isEqualTo(1);
        assertThat(processes.sent).as("they stopped by themselves").isEmpty();
    }

    @Test
    void aWorkerThatOutlivesTheDrainGetsSigtermThenSigkill() throws IOException {
        PoolMaster master = master(plan(1, 1, 1, 0, 1));
        processes.onSignal.remove(Signal.TERM);
        master.step();
        workersAre(Scoreboard.State.BUSY);
        master.requestStop(Duration.ofSeconds(1));
        master.step();
        clock.advance(Duration.ofSeconds(1).plus(Duration.ofSeconds(3)));
        master.step();
        assertThat(processes.signalsTo(1000)).containsExactly(Signal.TERM);
        clock.advance(MasterLoop.KILL_GRACE);
        master.step();
        assertThat(master.step()).isFalse();
        assertThat(master.report().join().stragglers()).singleElement().asString().contains("worker-1 (pid 1000)");
    }

    private void ready(int pid) {
        slotOf(pid).state(Scoreboard.State.IDLE);
        slotOf(pid).heartbeat(clock.millis());
    }

    private List<Integer> askedToStop() {
        return processes.runningPids().stream().filter(pid -> slotOf(pid).stopByMillis() > 0).toList();
    }

    @Test
    void aReloadRetiresEachWorkerOnlyOnceItsReplacementAccepts() throws IOException {
        PoolMaster master = master(plan(3, 3, 3, 1, 3));
        master.step();
        workersAre(Scoreboard.State.BUSY);
        java.util.concurrent.CompletableFuture<String> done = new java.util.concurrent.CompletableFuture<>();
        PoolPlan next = new PoolPlan(3, 3, 3, 1, 3, 1, 500, Balance.SHARED, 3, Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(30), 1);
        master.requestReload(() -> master.use(new PoolMaster.Reload(next,
                (slot, limit) -> Spawn.of(List.of("fresh", "slot=" + slot, "limit=" + limit)), Duration.ofSeconds(20)), done));
        master.step();
        assertThat(processes.runningPids()).as("two replacements boot at once").containsExactly(1000, 1001, 1002, 1003, 1004);
        assertThat(processes.spawnOf(1003).command()).as("with the new settings").startsWith("fresh");
        assertThat(askedToStop()).as("none retires before its replacement accepts").isEmpty();

        ready(1003);
        master.step();
        assertThat(askedToStop()).as("1003 accepts: the worker it replaces retires").containsExactly(1000);
        assertThat(slotOf(1000).stopByMillis()).isEqualTo(clock.millis() + 20_000);
        assertThat(processes.runningPids()).as("and the third replacement starts").contains(1005);
        assertThat(done).isNotDone();

        ready(1004);
        ready(1005);
        master.step();
        assertThat(askedToStop()).containsExactlyInAnyOrder(1000, 1001, 1002);
        assertThat(done).isCompletedWithValueMatching(outcome -> outcome.startsWith("replaced 3 workers in "));
        for (int old : List.of(1000, 1001, 1002)) {
            processes.exit(old, ExitStatus.exited(ExitCodes.DONE));
        }
        master.step();
        master.step();
        assertThat(processes.runningPids()).containsExactly(1003, 1004, 1005);
        assertThat(processes.sent).as("the old workers left by themselves").isEmpty();
        assertThat(master.failure()).isEmpty();
    }

    @Test
    void aReplacementThatDiesIsStartedAgainAndTheOldWorkerServesMeanwhile() throws IOException {
        PoolMaster master = master(plan(1, 1, 1, 0, 1));
        master.step();
        workersAre(Scoreboard.State.IDLE);
        master.signal(Signal.HUP); // a bare HUP: the same settings, fresh workers
        master.step();
        assertThat(processes.runningPids()).containsExactly(1000, 1001);
        processes.exit(1001, ExitStatus.killed(Signal.SEGV));
        master.step();
        assertThat(askedToStop()).isEmpty();
        assertThat(processes.runningPids()).containsExactly(1000, 1002);
        ready(1002);
        master.step();
        assertThat(askedToStop()).containsExactly(1000);
    }
}
