package dev.turnstile.model;

import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.PoolEvent;
import dev.turnstile.api.ServerListener;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** What is particular to the pools: who gets a connection, and how the elastic pool grows and shrinks. */
@Timeout(60)
class PoolModelsTest {

    /** Records which worker got each connection, in order. */
    static final class Assignments implements ServerListener {
        final List<String> workers = new CopyOnWriteArrayList<>();

        @Override
        public void connectionOpened(ConnectionInfo connection) {
            workers.add(connection.worker());
        }
    }

    /**
     * Connects, talks, closes and waits for the server to see the close, {@code n} times in a
     * row, while {@code held} other connections stay open.
     */
    private static void sequentialConversations(RunningServer server, int n, int held) {
        for (int i = 0; i < n; i++) {
            try (LineClient c = server.connect()) {
                assertThat(c.ask("m" + i)).isEqualTo("M" + i);
            }
            long closed = i + 1;
            server.await(closed + " closed", Duration.ofSeconds(5), s -> s.closed() == closed && s.active() == held);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "first-free, worker-1 worker-1 worker-1 worker-1",
            "round-robin, worker-1 worker-2 worker-3 worker-1",
            "least-served, worker-1 worker-2 worker-3 worker-1"})
    void handoffPolicyPicksTheWorker(String policy, String expected) {
        Assignments seen = new Assignments();
        try (RunningServer server = RunningServer.start("thread-pool-handoff",
                ModelOptions.none().withWorkers(3).withPolicy(policy), b -> b.listener(seen))) {
            sequentialConversations(server, 4, 0);
            assertThat(seen.workers).containsExactly(expected.split(" "));
        }
    }

    @Test
    void handoffLeastServedPrefersTheWorkerThatServedFewest() {
        Assignments seen = new Assignments();
        try (RunningServer server = RunningServer.start("thread-pool-handoff",
                ModelOptions.none().withWorkers(2).withPolicy("least-served"), b -> b.listener(seen));
             LineClient held = server.connect()) {
            assertThat(held.ask("hold worker-1")).isEqualTo("HOLD WORKER-1");
            sequentialConversations(server, 2, 1); // both go to worker-2
            held.close();
            server.await("held closed", Duration.ofSeconds(5), s -> s.active() == 0);
            try (LineClient next = server.connect()) {
                assertThat(next.ask("next")).isEqualTo("NEXT");
            }
            // worker-1 served 1, worker-2 served 2: the next goes to worker-1
            assertThat(seen.workers).containsExactly("worker-1", "worker-2", "worker-2", "worker-1");
        }
    }

    @Test
    void sharedAcceptPoolSpreadsConcurrentConnectionsOverItsWorkers() {
        try (RunningServer server = RunningServer.start("thread-pool", ModelOptions.none().withWorkers(3))) {
            List<LineClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    LineClient c = server.connect();
                    clients.add(c);
                    assertThat(c.ask("c" + i)).isEqualTo("C" + i);
                }
                StatsSnapshot s = server.stats();
                assertThat(s.workers()).extracting(StatsSnapshot.Worker::name).containsExactly("worker-1", "worker-2", "worker-3");
                assertThat(s.workers()).allSatisfy(w -> assertThat(w.active()).isEqualTo(1));
            } finally {
                clients.forEach(LineClient::close);
            }
        }
    }

    @Test
    void elasticPoolGrowsWhenAllAreBusyAndShrinksAfterTheKeepAlive() {
        try (RunningServer server = RunningServer.start("elastic-pool", ModelOptions.none().withMinWorkers(1)
                .withMaxWorkers(4).withKeepAlive(Duration.ofMillis(200)))) {
            server.await("the floor started", Duration.ofSeconds(5), s -> s.poolSize() == 1);
            List<LineClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    LineClient c = server.connect();
                    clients.add(c);
                    assertThat(c.ask("hold " + i)).isEqualTo("HOLD " + i);
                }
                StatsSnapshot grown = server.await("grew to 4", Duration.ofSeconds(5), s -> s.poolSize() == 4);
                assertThat(grown.poolEvents()).extracting(PoolEvent::reason)
                        .anySatisfy(r -> assertThat(r).matches("grew to 4: \\d+ busy, 1 waiting"));
            } finally {
                clients.forEach(LineClient::close);
            }
            StatsSnapshot shrunk = server.await("shrank to the floor", Duration.ofSeconds(10), s -> s.poolSize() == 1);
            assertThat(shrunk.poolEvents()).extracting(PoolEvent::reason)
                    .anySatisfy(r -> assertThat(r).startsWith("shrank to 1: "));
        }
    }
}
