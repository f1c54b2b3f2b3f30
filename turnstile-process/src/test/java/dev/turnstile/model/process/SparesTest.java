package dev.turnstile.model.process;

import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Server;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * process-per-connection {@code --spares}: a connection goes to a spare that was started and made
 * ready before it came, each spare serves exactly one connection (a distinct pid per connection),
 * the spares are refilled, {@code --max-children} bounds spares and serving children together,
 * and a spare killed with SIGKILL is replaced. Readiness is read where the master and
 * {@code turnstile status} read it: the spare's scoreboard slot says IDLE, with no connection yet.
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SparesTest {

    /** Spares start a JVM each, and the first start may train two class-data archives: be patient. */
    private static final Duration READY = Duration.ofSeconds(90);

    private static Server start(int spares, Optional<Integer> maxChildren) throws IOException {
        ModelOptions options = ModelOptions.none().with("spares", String.valueOf(spares));
        if (maxChildren.isPresent()) {
            options = options.with("max-children", String.valueOf(maxChildren.get()));
        }
        return Server.builder().model("process-per-connection").options(options).framing(Framing.LINE).port(0).start();
    }

    /** The pids of the spares that are ready: a child started as a spare whose slot is IDLE and has served no one. */
    private static Set<Long> readySpares(Server server) {
        Set<Long> spares = new HashSet<>();
        ChildProcesses.ofThisJvm().stream().filter(c -> c.command().contains("--spare true") && !c.zombie())
                .forEach(c -> spares.add(c.pid()));
        Set<Long> ready = new HashSet<>();
        try {
            Scoreboard board = Scoreboard.open(Scoreboard.fileFor(server.port()), false);
            for (int i = 0; i < board.slots(); i++) {
                Scoreboard.Slot slot = board.slot(i);
                if (slot.state() == Scoreboard.State.IDLE && slot.connections() == 0 && spares.contains(slot.pid())) {
                    ready.add(slot.pid());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ready;
    }

    private static Set<Long> awaitReady(Server server, int count) {
        return Poll.until(count + " ready spares", READY, () -> readySpares(server), s -> s.size() >= count);
    }

    /** The pid of the process serving a connection that is open now and was not among {@code known}. */
    private static long newWorkerPid(Server server, Set<String> known) {
        List<String> fresh = server.snapshot().workers().stream().map(StatsSnapshot.Worker::name)
                .filter(n -> n.startsWith("process-") && !known.contains(n)).toList();
        assertThat(fresh).hasSize(1);
        known.add(fresh.getFirst());
        return Long.parseLong(fresh.getFirst().substring("process-".length()));
    }

    private static long servingChildren() {
        return ChildProcesses.ofThisJvm().stream().filter(c -> c.serving() && !c.zombie()).count();
    }

    @Test
    void eachConnectionGoesToAReadySpareThatServesItAloneAndIsReplaced() throws Exception {
        try (Server server = start(2, Optional.empty())) {
            Set<String> workers = new HashSet<>();
            List<Long> served = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Set<Long> ready = awaitReady(server, 2); // refilled after every connection
                try (LineClient client = LineClient.connect(server.port())) {
                    assertThat(client.ask("hello " + i)).isEqualTo("HELLO " + i);
                    long pid = newWorkerPid(server, workers);
                    assertThat(ready).as("the connection went to a spare that was ready before it came").contains(pid);
                    assertThat(client.ask("again")).isEqualTo("AGAIN");
                    served.add(pid);
                }
                long pid = served.getLast();
                Poll.until("process " + pid + " exits after its one connection", Duration.ofSeconds(15),
                        () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            }
            assertThat(new HashSet<>(served)).as("a process per connection").hasSize(4);
            Poll.until("every connection counted closed", Duration.ofSeconds(15), () -> server.snapshot().closed() == 4);
            assertThat(server.snapshot().accepted()).isEqualTo(4);
        }
    }

    @Test
    void aConnectionThatFoundNoReadySpareDoesNotStopTheRefill() throws Exception {
        try (Server server = start(1, Optional.empty())) {
            awaitReady(server, 1);
            try (LineClient first = LineClient.connect(server.port());
                 LineClient missed = LineClient.connect(server.port())) { // the spare's successor is still starting: a miss
                assertThat(first.ask("first")).isEqualTo("FIRST");
                assertThat(missed.ask("missed")).isEqualTo("MISSED");
            }
            long refilled = awaitReady(server, 1).iterator().next(); // started before the miss
            try (LineClient third = LineClient.connect(server.port())) {
                assertThat(third.ask("third")).isEqualTo("THIRD");
            }
            // a spare stopping for the whole quiet time after a miss would never come back while
            // connections keep arriving more often than that: the next one starts at once
            Poll.until("a new spare within the quiet time after the miss", ConnectionMaster.REFILL_QUIET.minusSeconds(2),
                    () -> readySpares(server), ready -> !ready.isEmpty() && !ready.contains(refilled));
        }
    }

    @Test
    void maxChildrenBoundsSparesAndServingChildrenTogether() throws Exception {
        try (Server server = start(2, Optional.of(3))) {
            awaitReady(server, 2);
            assertThat(servingChildren()).isEqualTo(2);
            List<LineClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    LineClient c = LineClient.connect(server.port());
                    clients.add(c);
                    assertThat(c.ask("held " + i)).isEqualTo("HELD " + i);
                    assertThat(servingChildren()).as("spares and serving children, at most max-children").isLessThanOrEqualTo(3);
                }
                // two spares took two connections, the third got a child of its own: no room for a new spare
                Poll.until("three children serving", Duration.ofSeconds(10), () -> servingChildren() == 3);
                assertThat(readySpares(server)).isEmpty();
                assertThat(server.snapshot().active()).isEqualTo(3);
                clients.removeFirst().close();
                Set<Long> refilled = awaitReady(server, 1);
                assertThat(refilled).hasSize(1);
                assertThat(servingChildren()).isLessThanOrEqualTo(3);
            } finally {
                clients.forEach(LineClient::close);
            }
        }
    }

    @Test
    void aSpareKilledWithSigkillIsReplaced() throws Exception {
        try (Server server = start(1, Optional.empty())) {
            long victim = awaitReady(server, 1).iterator().next();
            assertThat(ProcessHandle.of(victim).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL
            Set<Long> replaced = Poll.until("a new spare ready", READY, () -> readySpares(server),
                    s -> !s.isEmpty() && !s.contains(victim));
            try (LineClient client = LineClient.connect(server.port())) {
                assertThat(client.ask("after the kill")).isEqualTo("AFTER THE KILL");
                assertThat(newWorkerPid(server, new HashSet<>())).isIn(replaced);
            }
            assertThat(server.failure()).isEmpty();
        }
    }

    @Test
    void sparesAreRefusedForExecProgramsWithTheReason() {
        WorkerLaunch launch = new WorkerLaunch(WorkerJvm.ofThisJvm(WorkerJvm.DEFAULT_HEAP, WorkerJvm.StartMode.FAST),
                Optional.empty());
        assertThatThrownBy(() -> new ProcessPerConnection.Settings(4, Optional.of(List.of("cat")), launch, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--spares").hasMessageContaining("--exec");
        assertThatThrownBy(() -> new ProcessPerConnection.Settings(2, Optional.empty(), launch, 3))
                .hasMessageContaining("spares must be <= max-children");
    }
}
