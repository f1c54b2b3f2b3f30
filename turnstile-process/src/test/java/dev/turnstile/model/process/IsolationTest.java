package dev.turnstile.model.process;

import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.core.Server;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the notes say processes are for: "each connection can get only its exceptions and
 * errors; others isolated". A poison message crashes the process serving it (exit, SIGKILL of
 * itself, out of memory); under the process models only that connection fails and every other
 * conversation carries on, and the pool is back to size within a second. Under a thread model
 * the same poison is contained only when it is an exception.
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IsolationTest {


    @ParameterizedTest(name = "{0} survives {1}")
    @CsvSource({"process-pool, EXIT", "process-pool, KILL", "process-pool, OOM",
            "process-per-connection, EXIT", "process-per-connection, KILL", "process-per-connection, OOM"})
    void aCrashTakesOnlyItsOwnConnection(String model, String poison) throws Exception {
        ModelOptions options = ModelOptions.none().withWorkers(3).with("worker-heap", "32m");
        try (Server server = Server.builder().model(model).options(options).service(new PoisonService())
                .framing(Framing.LINE).port(0).start();
             LineClient a = LineClient.connect(server.port());
             LineClient b = LineClient.connect(server.port());
             LineClient victim = LineClient.connect(server.port())) {
            assertThat(a.ask("before")).isEqualTo("BEFORE");
            assertThat(b.ask("before")).isEqualTo("BEFORE");
            assertThat(victim.ask("before")).isEqualTo("BEFORE");
            Scoreboard board = Scoreboard.open(Scoreboard.fileFor(server.port()), false);
            long victimPid = pidServing(board, victim.localPort());

            victim.send(poison + "\n");
            assertThat(victim.closedByServer()).as("the victim's connection ends").isTrue();
            long died = System.nanoTime();

            assertThat(a.ask("after")).isEqualTo("AFTER");
            assertThat(b.ask("after")).isEqualTo("AFTER");
            if (model.equals("process-pool")) {
                awaitLiveWorkers(board, 3, victimPid, Duration.ofSeconds(1), died);
            }
            try (LineClient c = LineClient.connect(server.port())) {
                assertThat(c.ask("new")).isEqualTo("NEW");
            }
            assertThat(a.ask("still")).isEqualTo("STILL");
        }
    }

    @Test
    void underAThreadModelAnExceptionIsContained() throws Exception {
        try (ServerProcess server = ServerProcess.start("thread-per-connection", PoisonService.class, "framing=line");
             LineClient a = LineClient.connect(server.port());
             LineClient victim = LineClient.connect(server.port())) {
            assertThat(a.ask("before")).isEqualTo("BEFORE");
            victim.send("THROW\n");
            assertThat(victim.closedByServer()).isTrue();
            assertThat(a.ask("after")).isEqualTo("AFTER");
            assertThat(server.process().isAlive()).isTrue();
        }
    }

    @ParameterizedTest(name = "under a thread model {0} takes every conversation")
    @CsvSource({"EXIT", "KILL"})
    void underAThreadModelACrashTakesEveryConversation(String poison) throws Exception {
        try (ServerProcess server = ServerProcess.start("thread-per-connection", PoisonService.class, "framing=line");
             LineClient a = LineClient.connect(server.port());
             LineClient b = LineClient.connect(server.port());
             LineClient victim = LineClient.connect(server.port())) {
            assertThat(a.ask("before")).isEqualTo("BEFORE");
            assertThat(b.ask("before")).isEqualTo("BEFORE");
            victim.send(poison + "\n");
            assertThat(victim.closedByServer()).isTrue();
            assertThat(a.closedByServer()).as("a bystander's conversation is gone too").isTrue();
            assertThat(b.closedByServer()).isTrue();
            assertThat(server.awaitExit(Duration.ofSeconds(10))).isEqualTo(poison.equals("EXIT") ? 1 : 128 + 9);
        }
    }

    /** The pid of the worker whose slot shows {@code clientPort} as its client. */
    static long pidServing(Scoreboard board, int clientPort) throws InterruptedException {
        return Poll.until("a worker showing client port " + clientPort, Duration.ofSeconds(5), () -> {
            for (int i = 0; i < board.slots(); i++) {
                Scoreboard.Slot s = board.slot(i);
                if (s.state() != Scoreboard.State.FREE && s.peer() != null && s.peer().getPort() == clientPort) {
                    return s.pid();
                }
            }
            return -1L;
        }, pid -> pid > 0);
    }

    /** Waits until {@code n} workers other than {@code dead} are live; asserts it took at most {@code within} from {@code since}. */
    static void awaitLiveWorkers(Scoreboard board, int n, long dead, Duration within, long since) throws InterruptedException {
        Set<Long> live = Poll.until(n + " live workers besides " + dead, Duration.ofSeconds(15), () -> {
            Set<Long> pids = new HashSet<>();
            for (int i = 0; i < board.slots(); i++) {
                Scoreboard.Slot s = board.slot(i);
                Scoreboard.State st = s.state();
                if (s.pid() != dead && s.pid() > 0 && (st == Scoreboard.State.STARTING || st == Scoreboard.State.IDLE
                        || st == Scoreboard.State.BUSY)) {
                    pids.add(s.pid());
                }
            }
            return pids;
        }, pids -> pids.size() >= n);
        assertThat(Duration.ofNanos(System.nanoTime() - since)).as("back to %d workers (%s)", n, live).isLessThan(within);
    }

}
