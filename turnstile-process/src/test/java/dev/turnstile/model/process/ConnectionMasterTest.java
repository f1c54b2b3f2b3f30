package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.core.AcceptLimits;
import dev.turnstile.posix.ExitStatus;
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
        return new ConnectionMaster("process-per-connection", listener, new ExecChild(List.of("cat")), maxChildren,
                stats, Scoreboard.inMemory(maxChildren, "process-per-connection"), processes, clock);
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

    private ConnectionMaster master(int maxChildren, ConnectionLimits limits) {
        return new ConnectionMaster("process-per-connection", listener, new ExecChild(List.of("cat")), maxChildren,
                stats, Scoreboard.inMemory(maxChildren, "process-per-connection"), processes, clock,
                new AcceptLimits(limits, stats, "process-per-connection"));
    }

    @Test
    void atMaxConnectionsItStopsAcceptingUntilAChildIsReaped() throws IOException {
        ConnectionMaster master = master(10, ConnectionLimits.none().withMaxConnections(2));
        listener.pending(3);
        master.step();
        assertThat(processes.spawned).hasSize(2);
        assertThat(listener.queue).hasSize(1);
        assertThat(master.readableFd()).as("the listener leaves the poll set").isEqualTo(-1);
        processes.exit(1000, ExitStatus.exited(0));
        master.step();
        assertThat(processes.spawned).hasSize(3);
        assertThat(stats.snapshot().hitsOf(ConnectionLimit.MAX_CONNECTIONS)).isEqualTo(1);
    }

    @Test
    void aSourceOverItsLimitGetsNoProcess() throws IOException {
        ConnectionMaster master = master(10, ConnectionLimits.none().withMaxConnectionsPerIp(1));
        listener.pending(3);
        master.step();
        assertThat(processes.spawned).hasSize(1);
        assertThat(stats.snapshot().rejected()).isEqualTo(2);
        assertThat(stats.snapshot().hitsOf(ConnectionLimit.MAX_CONNECTIONS_PER_IP)).isEqualTo(2);
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

    @Test
    void aWorkerThatCannotBootStopsTheMaster() throws IOException {
        Scoreboard board = Scoreboard.inMemory(10, "process-per-connection");
        ConnectionMaster master = new ConnectionMaster("process-per-connection", listener,
                new ServiceChild(WorkerJvm.ofThisJvm("64m", WorkerJvm.StartMode.FAST), java.util.Optional.empty(),
                        new ServiceSpec("x.Missing", dev.turnstile.api.ServerConfig.defaults()), 1, board),
                10, stats, board, processes, clock);
        listener.pending(1);
        master.step();
        processes.exit(1000, ExitStatus.exited(ExitCodes.CANNOT_BOOT));
        master.step();
        assertThat(master.failure()).hasValueSatisfying(why -> assertThat(why).contains("cannot boot"));
        assertThat(listener.open).isFalse();
    }
}
