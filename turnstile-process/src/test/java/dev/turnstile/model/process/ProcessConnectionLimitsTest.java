package dev.turnstile.model.process;

import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.model.ConnectionLimitsContract;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import dev.turnstile.testing.RunningServer;
import dev.turnstile.testing.TestModels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link ConnectionLimitsContract} over every model that serves in other processes: the
 * per-connection master applies the limits where it accepts; the pool's workers, which accept on
 * their own, share their counts through the scoreboard, and the master's stats show the hits.
 * Tagged and checked for leftover children.
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(180)
class ProcessConnectionLimitsTest extends ConnectionLimitsContract {

    static Stream<String> models() {
        return TestModels.inOtherProcesses();
    }

    /**
     * Pass rule: a pool of 3 workers balanced by reuseport (a queue per worker, filled by the
     * kernel's hash) under max-connections 2: 5 clients that send at once are answered 2 at a time
     * at most, and as answered clients leave, every other is answered too, whichever worker's queue
     * it is in: no worker starves waiting for a permit another holds idle. Peak 2.
     */
    @Test
    void aReuseportPoolStaysWithinMaxConnectionsAndServesEveryWorkersQueue() throws Exception {
        ModelOptions options = ModelOptions.none().withWorkers(3).with("balance", "reuseport");
        try (RunningServer server = RunningServer.start("process-pool", options,
                b -> b.limits(ConnectionLimits.none().withMaxConnections(2)))) {
            List<LineClient> clients = new ArrayList<>();
            List<CompletableFuture<String>> replies = new ArrayList<>();
            ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor(); // one blocked reader per client
            try {
                for (int i = 0; i < 5; i++) {
                    LineClient c = server.connect();
                    clients.add(c);
                    c.send("c" + i + "\n");
                    replies.add(CompletableFuture.supplyAsync(c::readLine, readers));
                }
                List<Integer> left = new ArrayList<>(List.of(0, 1, 2, 3, 4));
                while (!left.isEmpty()) {
                    CompletableFuture.anyOf(left.stream().map(replies::get).toArray(CompletableFuture[]::new))
                            .get(30, TimeUnit.SECONDS);
                    List<Integer> answered = left.stream().filter(i -> replies.get(i).isDone()).toList();
                    assertThat(answered.size()).as("answered at once").isBetween(1, 2);
                    for (int i : answered) {
                        assertThat(replies.get(i).get()).isEqualTo("C" + i);
                        clients.get(i).close();
                    }
                    left.removeAll(answered);
                }
            } finally {
                clients.forEach(LineClient::close);
                readers.shutdownNow();
            }
            StatsSnapshot s = server.await("all closed", Duration.ofSeconds(10), st -> st.closed() == 5);
            assertThat(s.peakActive()).isBetween(1, 2);
            assertThat(s.rejected()).isZero();
        }
    }

    /**
     * Pass rule: a pool worker killed by SIGKILL while it holds the one connection its source may
     * have takes its count with it: a second connection from that source is refused before, and
     * once the master has reaped the worker one is served again.
     */
    @Test
    void aKilledWorkerGivesItsSourcesPlacesBack() throws Exception {
        try (RunningServer server = RunningServer.start("process-pool", ModelOptions.none().withWorkers(2),
                b -> b.limits(ConnectionLimits.none().withMaxConnectionsPerIp(1)));
             LineClient first = server.connect()) {
            assertThat(first.ask("a")).isEqualTo("A");
            try (LineClient second = server.connect()) {
                assertThat(second.closedByServer()).as("over the per-ip limit").isTrue();
            }
            Scoreboard board = Scoreboard.open(Scoreboard.fileFor(server.port()), false);
            long busy = Poll.until("the busy worker", Duration.ofSeconds(10), () -> busyPid(board), pid -> pid > 0);
            assertThat(ProcessHandle.of(busy).map(ProcessHandle::destroyForcibly)).contains(true); // SIGKILL
            assertThat(first.closedByServer()).isTrue();
            Poll.until("a connection from the same source served again", Duration.ofSeconds(20), () -> {
                try (LineClient again = server.connect()) {
                    return "AGAIN".equals(ask(again));
                }
            });
        }
    }

    private static String ask(LineClient client) {
        try {
            return client.ask("again");
        } catch (RuntimeException e) {
            return null; // refused: closed at once
        }
    }

    private static long busyPid(Scoreboard board) {
        for (int i = 0; i < board.slots(); i++) {
            if (board.slot(i).state() == Scoreboard.State.BUSY) {
                return board.slot(i).pid();
            }
        }
        return 0;
    }
}
