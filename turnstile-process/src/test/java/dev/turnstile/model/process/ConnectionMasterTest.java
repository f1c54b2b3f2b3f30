package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.AcceptLimits;
import dev.turnstile.posix.ExitStatus;
import dev.turnstile.posix.PeerState;
import dev.turnstile.posix.PosixException;
import dev.turnstile.posix.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-connection master's decisions, checked with fake processes and a fake listener: nothing forks. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConnectionMasterTest {

    private final FakeProcesses processes = new FakeProcesses();
    private final MutableClock clock = new MutableClock();
    private final ServerStats stats = new ServerStats();
    private final FakeListener listener = new FakeListener();

    private ConnectionMaster master(int maxChildren) {
        return master(maxChildren, 0);
    }

    private ConnectionMaster master(int maxChildren, int maxWaiting) {
        return new ConnectionMaster("process-per-connection", listener, new ExecChild(List.of("cat")), maxChildren,
                maxWaiting, stats, Scoreboard.inMemory(maxChildren, "process-per-connection"), processes, clock);
    }

    @Test
    void spawnsAChildPerConnectionWithTheSocketAsStdinAndStdout() throws IOException {
        ConnectionMaster master = master(10);
        listener.pending(2);
        master.step();
        assertThat(processes.spawned).hasSize(2);
        assertThat(processes.spawned.getFirst().stdin()).isEqualTo(101);
        assertThat(processes.spawned.getFirst().stdout()).isEqualTo(101);
        assertThat(processes.spawned.getFirst().environment()).containsEntry("TCPREMOTEPORT", "40001");
        assertThat(stats.snapshot().accepted()).isEqualTo(2);
        assertThat(stats.snapshot().workers()).extracting(w -> w.name()).containsExactly("process-1000", "process-1001");
    }

    @Test
    void atTheBoundItStopsAcceptingUntilAChildIsReaped() throws IOException {
        ConnectionMaster master = master(2);
        listener.pending(3);
        master.step();
        assertThat(processes.spawned).hasSize(2);
        assertThat(listener.queue).hasSize(1);
        assertThat(master.readableFd()).as("the listener leaves the poll set").isEqualTo(-1);
        processes.exit(1000, ExitStatus.exited(0));
        master.step();
        assertThat(processes.spawned).hasSize(3);
        assertThat(stats.snapshot().closedFor(CloseReason.PEER_CLOSED)).isEqualTo(1);
    }

    @Test
    void aConnectionWhosePeerAlreadyLeftGetsNoProcess() throws IOException {
        ConnectionMaster master = master(10);
        listener.pending(() -> PeerState.CLOSED);
        listener.pending(() -> PeerState.RESET);
        listener.pending(1);
        master.step();
        assertThat(processes.spawned).hasSize(1);
        assertThat(processes.spawned.getFirst().stdin()).as("the one still there").isEqualTo(103);
        StatsSnapshot s = stats.snapshot();
        assertThat(s.accepted()).isEqualTo(3);
        assertThat(s.closedFor(CloseReason.PEER_CLOSED)).isEqualTo(1);
        assertThat(s.closedFor(CloseReason.RESET)).isEqualTo(1);
        assertThat(s.active()).isEqualTo(1);
    }

    @Test
    void atTheBoundConnectionsWaitInLineAndOnesWhosePeerLeftAreDroppedNotSpawned() throws IOException {
        ConnectionMaster master = master(1, 2);
        PeerState[] second = {PeerState.SENT};
        listener.pending(1);
        listener.pending(() -> second[0]);
        listener.pending(1);
        listener.pending(() -> PeerState.CLOSED); // gone already: dropped once accepted, takes no place in line
        listener.pending(1);
        master.step();
        assertThat(processes.spawned).hasSize(1);
        assertThat(master.waitingCount()).isEqualTo(2);
        assertThat(listener.queue).as("the line is full: the rest stays in the backlog").hasSize(2);
        assertThat(master.readableFd()).isEqualTo(-1);
        second[0] = PeerState.CLOSED; // left while waiting
        master.step();
        assertThat(master.waitingCount()).as("dropped while waiting, and the line took one more").isEqualTo(2);
        assertThat(listener.queue).isEmpty();
        processes.exit(1000, ExitStatus.exited(0));
        master.step();
        assertThat(processes.spawned).extracting(s -> s.stdin()).containsExactly(101, 103);
        assertThat(stats.snapshot().closedFor(CloseReason.PEER_CLOSED)).as("the child's and two dropped").isEqualTo(3);
    }

    @Test
    void aSilentConnectionGetsItsChildAfterTheGraceUnlessItsPeerClosesMeanwhile() throws IOException {
        ConnectionMaster master = master(10);
        PeerState[] first = {PeerState.SILENT};
        listener.pending(() -> first[0]);
        listener.pending(() -> PeerState.SILENT);
        master.step();
        assertThat(processes.spawned).as("in their grace").isEmpty();
        assertThat(master.wakeBy()).isEqualTo(clock.instant().plus(ConnectionMaster.SILENT_GRACE).plusMillis(1));
        first[0] = PeerState.CLOSED; // the connect-and-close client's FIN came
        clock.advance(ConnectionMaster.SILENT_GRACE);
        master.step();
        assertThat(processes.spawned).extracting(s -> s.stdin()).containsExactly(102);
        assertThat(stats.snapshot().closedFor(CloseReason.PEER_CLOSED)).isEqualTo(1);
    }

    @Test
    void aStopServesTheWaitingConnectionsWithinTheDrain() throws IOException {
        ConnectionMaster master = master(1, 5);
        listener.pending(3);
        master.step();
        assertThat(master.waitingCount()).isEqualTo(2);
        master.requestStop(Duration.ofSeconds(5));
        master.step();
        assertThat(master.waitingCount()).as("accepted before the stop: served in the drain").isEqualTo(2);
        processes.exit(1000, ExitStatus.exited(0));
        master.step();
        assertThat(processes.spawned).hasSize(2);
        assertThat(master.waitingCount()).isEqualTo(1);
        assertThat(stats.snapshot().rejected()).isZero();
    }

    @Test
    void whatStillWaitsWhenTheDrainEndsIsClosedAsRejected() throws IOException {
        ConnectionMaster master = master(1, 5);
        listener.pending(3);
        master.step();
        master.requestStop(Duration.ofSeconds(5));
        master.step();
        clock.advance(Duration.ofSeconds(6));
        master.step();
        assertThat(master.waitingCount()).isZero();
        assertThat(stats.snapshot().rejected()).isEqualTo(2);
    }

    @Test
    void aCrashedChildClosesOnlyItsOwnConnection() throws IOException {
        ConnectionMaster master = master(10);
        listener.pending(3);
        master.step();
        processes.exit(1001, ExitStatus.killed(Signal.KILL));
        master.step();
        assertThat(stats.snapshot().closedFor(CloseReason.SERVER_ERROR)).isEqualTo(1);
        assertThat(stats.snapshot().active()).isEqualTo(2);
        assertThat(processes.sent).isEmpty();
    }

    @Test
    void aFailedSpawnRejectsThatConnectionAndPausesAccepting() throws IOException {
        ConnectionMaster master = master(10);
        processes.failNextSpawn = new PosixException("posix_spawn", PosixException.EAGAIN);
        listener.pending(2);
        master.step();
        assertThat(stats.snapshot().rejected()).isEqualTo(1);
        assertThat(processes.spawned).as("paused: the second waits").isEmpty();
        clock.advance(Duration.ofMillis(10));
        master.step();
        assertThat(processes.spawned).hasSize(1);
    }

    @Test
    void stopClosesTheListenerDrainsThenTerminatesThenKills() throws IOException {
        ConnectionMaster master = master(10);
        processes.onSignal.remove(Signal.TERM); // the second child ignores SIGTERM
        listener.pending(3);
        master.step();
        processes.exit(1000, ExitStatus.exited(0));
        master.step(); // reaped before the stop: not part of the drain
        master.requestStop(Duration.ofSeconds(5));
        assertThat(master.step()).isTrue();
        assertThat(listener.open).isFalse();
        processes.exit(1001, ExitStatus.exited(0)); // finished during the drain
        clock.advance(Duration.ofSeconds(5));
        master.step();
        assertThat(processes.signalsTo(1002)).containsExactly(Signal.TERM);
        clock.advance(MasterLoop.KILL_GRACE);
        master.step(); // sends SIGKILL
        assertThat(master.step()).as("reaped: the loop ends").isFalse();
        assertThat(processes.signalsTo(1002)).containsExactly(Signal.TERM, Signal.KILL);
        ShutdownReport report = master.report().join();
        assertThat(report.drained()).isEqualTo(1);
        assertThat(report.forced()).isEqualTo(1);
        assertThat(report.stragglers()).singleElement().asString().contains("process 1002 for 127.0.0.1:40003");
    }

    private ConnectionMaster limited(int maxChildren, int maxWaiting, ConnectionLimits limits) {
        return new ConnectionMaster("process-per-connection", listener, new ExecChild(List.of("cat")), maxChildren,
                maxWaiting, stats, new AcceptLimits(limits, stats, "process-per-connection"),
                Scoreboard.inMemory(maxChildren, "process-per-connection"), processes, clock);
    }

    @Test
    void maxConnectionsCountsTheWaitingAndLeavesTheRestInTheBacklog() throws IOException {
        ConnectionMaster master = limited(2, 10, ConnectionLimits.none().withMaxConnections(3));
        listener.pending(5);
        master.step();
        assertThat(processes.spawned).hasSize(2);
        assertThat(master.waitingCount()).as("held: two with a child, one in line").isEqualTo(1);
        assertThat(listener.queue).as("the rest stays in the backlog").hasSize(2);
        assertThat(master.readableFd()).as("the listener leaves the poll set").isEqualTo(-1);
        assertThat(stats.snapshot().hitsOf(ConnectionLimit.MAX_CONNECTIONS)).isEqualTo(1);
        processes.exit(1000, ExitStatus.exited(0));
        master.step();
        assertThat(processes.spawned).as("the one in line got the child").hasSize(3);
        assertThat(master.waitingCount()).as("and one more came from the backlog").isEqualTo(1);
        assertThat(listener.queue).hasSize(1);
        assertThat(stats.snapshot().rejected()).isZero();
    }

    @Test
    void perIpAndAcceptRateExcessIsClosedBeforeAnyChildAndCounted() throws IOException {
        ConnectionMaster master = limited(10, 0, ConnectionLimits.none().withMaxConnectionsPerIp(2));
        listener.pending(4); // all from 127.0.0.1
        master.step();
        assertThat(processes.spawned).hasSize(2);
        assertThat(stats.snapshot().rejected()).isEqualTo(2);
        assertThat(stats.snapshot().hitsOf(ConnectionLimit.MAX_CONNECTIONS_PER_IP)).isEqualTo(2);
        processes.exit(1000, ExitStatus.exited(0));
        master.step();
        listener.pending(2);
        master.step();
        assertThat(processes.spawned).as("the reaped child's place went back to its source").hasSize(3);
        assertThat(stats.snapshot().rejected()).isEqualTo(3);
    }

    @Test
    void acceptRateExcessIsClosedBeforeAnyChild() throws IOException {
        ConnectionMaster master = limited(10, 0, ConnectionLimits.none().withMaxAcceptRate(3));
        listener.pending(5);
        master.step();
        assertThat(processes.spawned).hasSize(3);
        assertThat(stats.snapshot().hitsOf(ConnectionLimit.MAX_ACCEPT_RATE)).isEqualTo(2);
    }

    @Test
    void aWorkerThatCannotBootStopsTheMaster() throws IOException {
        Scoreboard board = Scoreboard.inMemory(10, "process-per-connection");
        ConnectionMaster master = new ConnectionMaster("process-per-connection", listener,
                new ServiceChild(WorkerJvm.ofThisJvm("64m", WorkerJvm.StartMode.FAST), java.util.Optional.empty(),
                        new ServiceSpec("x.Missing", dev.turnstile.api.ServerConfig.defaults()), 1, board),
                10, 0, stats, board, processes, clock);
        listener.pending(1);
        master.step();
        processes.exit(1000, ExitStatus.exited(ExitCodes.CANNOT_BOOT));
        master.step();
        assertThat(master.failure()).hasValueSatisfying(why -> assertThat(why).contains("cannot boot"));
        assertThat(listener.open).isFalse();
    }
}
