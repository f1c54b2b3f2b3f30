package dev.turnstile.model.prefork;

import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Server;
import dev.turnstile.echo.EchoUppercase;
import dev.turnstile.model.process.ChildProcesses;
import dev.turnstile.model.process.NoProcessLeftBehind;
import dev.turnstile.model.process.Scoreboard;
import dev.turnstile.model.process.ServerProcess;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PreforkPoolTest {


    @Test
    void workersShareTheListenerAndReportThroughTheScoreboard() throws Exception {
        try (RunningServer server = RunningServer.start("process-pool", ModelOptions.none().withWorkers(2));
             LineClient a = LineClient.connect(server.port());
             LineClient b = LineClient.connect(server.port())) {
            assertThat(a.ask("hello")).isEqualTo("HELLO");
            assertThat(b.ask("why not?")).isEqualTo("WHY NOT?");
            StatsSnapshot s = server.await("both counted", Duration.ofSeconds(5), st -> st.messages() == 2 && st.active() == 2);
            assertThat(s.workers()).extracting(StatsSnapshot.Worker::name).contains("worker-1", "worker-2");
            assertThat(s.workers()).allMatch(w -> w.active() <= 1);
            assertThat(s.poolSize()).isEqualTo(2);
        }
        assertThat(ChildProcesses.awaitNone(ChildProcesses.Child::serving, Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void growsForBusyWorkersAndShrinksBackAsApachePreforkDoes() throws Exception {
        ModelOptions options = ModelOptions.none().withWorkers(1).withMinWorkers(1).withMaxWorkers(3)
                .with("min-spare", "1").with("max-spare", "1");
        try (RunningServer server = RunningServer.start("process-pool", options)) {
            Scoreboard board = Scoreboard.open(Scoreboard.fileFor(server.port()), false);
            List<LineClient> clients = new ArrayList<>();
            try {
                for (int i = 1; i <= 3; i++) {
                    LineClient c = LineClient.connect(server.port());
                    clients.add(c);
                    assertThat(c.ask("client " + i)).isEqualTo("CLIENT " + i);
                    int busy = i;
                    awaitBoard(board, "grown for " + busy + " busy", b -> count(b, Scoreboard.State.BUSY) == busy
                            && count(b, Scoreboard.State.IDLE) + count(b, Scoreboard.State.STARTING) == (busy < 3 ? 1 : 0));
                }
                assertThat(live(board)).as("never beyond max").isEqualTo(3);
            } finally {
                for (LineClient c : clients) {
                    c.close();
                }
            }
            awaitBoard(board, "shrunk back to one idle worker", b -> live(b) == 1 && count(b, Scoreboard.State.IDLE) == 1);
            assertThat(server.stats().poolEvents()).extracting(e -> e.size()).containsSubsequence(1, 2, 3, 2, 1);
        }
    }

    @Test
    void aWorkerRetiresAfterItsShareOfConnectionsAndIsReplaced() throws Exception {
        ModelOptions options = ModelOptions.none().withWorkers(1).with("max-connections-per-worker", "3");
        try (RunningServer server = RunningServer.start("process-pool", options)) {
            Scoreboard board = Scoreboard.open(Scoreboard.fileFor(server.port()), false);
            Set<Long> pids = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                try (LineClient c = LineClient.connect(server.port())) {
                    assertThat(c.ask("message " + i)).isEqualTo("MESSAGE " + i);
                    pids.add(pidWithClient(board, c.localPort()));
                }
            }
            assertThat(pids).as("3 or 4 connections each (jitter): at least two workers served 8").hasSizeGreaterThanOrEqualTo(2);
            server.await("all closed", Duration.ofSeconds(5), s -> s.closed() == 8);
        }
    }

    @Test
    void threadsPerWorkerServeSeveralConnectionsInOneProcess() throws Exception {
        ModelOptions options = ModelOptions.none().withWorkers(1).with("threads-per-worker", "3");
        try (RunningServer server = RunningServer.start("process-pool", options);
             LineClient a = LineClient.connect(server.port());
             LineClient b = LineClient.connect(server.port());
             LineClient c = LineClient.connect(server.port())) {
            assertThat(a.ask("a")).isEqualTo("A");
            assertThat(b.ask("b")).isEqualTo("B");
            assertThat(c.ask("c")).isEqualTo("C");
            StatsSnapshot s = server.await("three open in one worker", Duration.ofSeconds(5), st -> st.active() == 3);
            assertThat(s.workers()).singleElement().satisfies(w -> {
                assertThat(w.name()).isEqualTo("worker-1");
                assertThat(w.active()).isEqualTo(3);
            });
        }
    }

    @Test
    void withReuseportEachWorkerListensOnItsOwnSocket() throws Exception {
        ModelOptions options = ModelOptions.none().withWorkers(2).with("balance", "reuseport");
        try (RunningServer server = RunningServer.start("process-pool", options)) {
            for (int i = 0; i < 6; i++) {
                try (LineClient c = LineClient.connect(server.port())) {
                    assertThat(c.ask("hash " + i)).isEqualTo("HASH " + i);
                }
            }
            Scoreboard board = Scoreboard.open(Scoreboard.fileFor(server.port()), false);
            for (int i = 0; i < board.slots(); i++) {
                long pid = board.slot(i).pid();
                if (board.slot(i).state() != Scoreboard.State.FREE) {
                    assertThat(listeningSockets(pid)).as("worker pid %d binds its own", pid).isEqualTo(1);
                }
            }
            assertThatThrownBy(() -> RunningServer.start("process-pool", options.withWorkers(1), b -> b.port(server.port())))
                    .hasMessageContaining("already in use");
        }
    }

    @Test
    void aWorkerThatCannotBootFailsTheStartWithItsReason() {
        assertThatThrownBy(() -> Server.builder().model("process-pool").options(ModelOptions.none().withWorkers(2))
                .service(new FailingService()).port(0).start())
                .hasMessageContaining("cannot boot")
                .hasMessageContaining("the database is not there");
        assertThat(ChildProcesses.awaitNone(ChildProcesses.Child::serving, Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void statusPrintsTheScoreboardLikeApachesServerStatus() throws Exception {
        try (RunningServer server = RunningServer.start("process-pool", ModelOptions.none().withWorkers(2));
             LineClient a = LineClient.connect(server.port())) {
            assertThat(a.ask("busy")).isEqualTo("BUSY");
            Scoreboard board = Scoreboard.open(Scoreboard.fileFor(server.port()), false);
            awaitBoard(board, "one busy", b -> count(b, Scoreboard.State.BUSY) == 1);
            String page = StatusPage.render(board, System.currentTimeMillis());
            assertThat(page).contains("turnstile process-pool on port " + server.port())
                    .contains("2 workers: 1 busy, 1 idle")
                    .containsPattern("Scoreboard: [W_]{2}\\.+")
                    .contains("127.0.0.1:" + a.localPort());
        }
    }

    @Test
    void sigtermToTheMasterDrainsTheConversationInHandAndLeavesNoProcess() throws Exception {
        try (ServerProcess master = ServerProcess.start("process-pool", EchoUppercase.class, "workers=2", "framing=line")) {
            List<Long> workers = workerPids(master.port());
            Scoreboard board = Scoreboard.open(Scoreboard.fileFor(master.port()), false);
            try (LineClient c = LineClient.connect(master.port())) {
                assertThat(c.ask("before")).isEqualTo("BEFORE");
                new ProcessBuilder("kill", "-TERM", Long.toString(master.pid())).start().waitFor();
                // no worker accepts any more; the one holding our conversation drains it (the idle one is gone)
                awaitBoard(board, "every worker stopping", b -> live(b) == 0 && count(b, Scoreboard.State.STOPPING) == 1);
                assertThat(c.ask("during the drain")).isEqualTo("DURING THE DRAIN");
            }
            assertThat(master.awaitExit(Duration.ofSeconds(15))).isZero();
            assertThat(master.remainingOutput()).contains("stopped: drained 1, forced 0, stragglers 0");
            for (long pid : workers) {
                assertThat(gone(pid, Duration.ofSeconds(5))).as("worker %d", pid).isTrue();
            }
            assertThat(Files.exists(Scoreboard.fileFor(master.port()))).isFalse();
        }
    }

    @Test
    void workersExitWhenTheirMasterIsKilled() throws Exception {
        List<Long> workers;
        try (ServerProcess master = ServerProcess.start("process-pool", EchoUppercase.class, "workers=2")) {
            workers = workerPids(master.port());
            master.process().destroyForcibly(); // SIGKILL: no shutdown hook, no stop
            master.awaitExit(Duration.ofSeconds(10));
            for (long pid : workers) {
                assertThat(gone(pid, Duration.ofSeconds(5))).as("worker %d noticed its master is gone", pid).isTrue();
            }
            Files.deleteIfExists(Scoreboard.fileFor(master.port())); // the killed master could not
        }
    }

    // ---- helpers

    private static List<Long> workerPids(int port) throws IOException {
        Scoreboard board = Scoreboard.open(Scoreboard.fileFor(port), false);
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < board.slots(); i++) {
            if (board.slot(i).state() != Scoreboard.State.FREE) {
                pids.add(board.slot(i).pid());
            }
        }
        assertThat(pids).isNotEmpty();
        return pids;
    }

    /** True once {@code pid} has exited (gone, or a zombie waiting for whoever adopted it). */
    private static boolean gone(long pid, Duration limit) {
        return Poll.within(limit, () -> {
            try {
                String stat = Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
                return stat.substring(stat.lastIndexOf(')') + 2).charAt(0) == 'Z';
            } catch (IOException e) {
                return true;
            }
        });
    }

    private static long pidWithClient(Scoreboard board, int clientPort) throws InterruptedException {
        return dev.turnstile.model.process.IsolationTestAccess.pidServing(board, clientPort);
    }

    private static long listeningSockets(long pid) throws IOException {
        // sockets in LISTEN state (0A) in the process's network namespace whose inode is among its descriptors
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(java.nio.file.Path.of("/proc/" + pid + "/fd"))) {
            for (java.nio.file.Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException ignored) {
                    // closed meanwhile
                }
            }
        }
        long n = 0;
        for (String file : List.of("/proc/" + pid + "/net/tcp", "/proc/" + pid + "/net/tcp6")) {
            for (String line : Files.readAllLines(java.nio.file.Path.of(file))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int count(Scoreboard b, Scoreboard.State state) {
        int n = 0;
        for (int i = 0; i < b.slots(); i++) {
            if (b.slot(i).state() == state) {
                n++;
            }
        }
        return n;
    }

    private static int live(Scoreboard b) {
        return count(b, Scoreboard.State.STARTING) + count(b, Scoreboard.State.IDLE) + count(b, Scoreboard.State.BUSY);
    }

    private static void awaitBoard(Scoreboard board, String what, Predicate<Scoreboard> condition) {
        if (!Poll.within(Duration.ofSeconds(20), () -> condition.test(board))) {
            throw new AssertionError("timed out waiting for " + what + ":\n" + StatusPage.render(board, System.currentTimeMillis()));
        }
    }
}
