package dev.turnstile.reliability;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.ManyClients;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reliability, fairness under many clients, against every model with a pool of 4: a pool
 * smaller than the load may make clients queue, never fail them. Each case's pass rule is
 * written above it; each is bounded by its own deadline and the class timeout.
 */
@Timeout(120)
class FairnessTest extends ReliabilityCases {

    static Stream<String> models() {
        return inProcessModels();
    }

    /**
     * Pass: 200 clients at once, each a conversation of 5 messages, on a pool of 4: every client
     * gets every reply right within 60 s (the pool queues them), none is refused or closed for
     * anything but its own close (PEER_CLOSED only), and the server counts all 1,000 messages.
     */
    @ParameterizedTest
    @MethodSource("models")
    void aPoolSmallerThanTheLoadQueuesAndNeverFails(String model) throws Exception {
        int clients = load(model).crowdClients();
        try (RunningServer server = start(model)) {
            ManyClients.converse(server, clients, 5, Duration.ofSeconds(60));
            StatsSnapshot s = server.await("every client closed", BOUND, st -> st.closed() == clients);
            assertThat(s.rejected()).isZero();
            assertThat(reasons(s).keySet()).containsOnly(CloseReason.PEER_CLOSED);
            assertThat(s.messages()).isEqualTo(clients * 5L);
        }
    }

    /**
     * Pass: while one client floods (20,000 pipelined messages, its replies read as they come), 20
     * light clients each finish 10 round trips, every one within 10 s; the flood is answered whole
     * and in order too. A loop serving the flood in one go, or a pool giving it every worker,
     * would starve the light clients.
     */
    @ParameterizedTest
    @MethodSource("models")
    void aHeavyClientDoesNotStarveLightOnes(String model) throws Exception {
        int flood = 2 * load(model).floodMessages();
        int light = load(model).lightClients();
        try (RunningServer server = start(model); LineClient heavy = server.connect()) {
            assertThat(heavy.ask("heavy")).isEqualTo("HEAVY");
            CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
                StringBuilder batch = new StringBuilder();
                for (int i = 0; i < flood; i++) {
                    batch.append("heavy ").append(i).append('\n');
                    if (batch.length() > 32 * 1024 || i == flood - 1) {
                        heavy.send(batch.toString()); // the client's output only; its input is read below
                        batch.setLength(0);
                    }
                }
            });
            CompletableFuture<Integer> reads = CompletableFuture.supplyAsync(() -> {
                for (int i = 0; i < flood; i++) {
                    String reply = heavy.readLine();
                    if (!reply.equals("HEAVY " + i)) {
                        throw new AssertionError("heavy reply " + i + " was '" + reply + "'");
                    }
                }
                return flood;
            });
            ExecutorService pool = Executors.newFixedThreadPool(light);
            try {
                List<Future<Integer>> rounds = new ArrayList<>();
                for (int c = 0; c < light; c++) {
                    int id = c;
                    rounds.add(pool.submit(() -> {
                        try (LineClient client = server.connect()) {
                            int right = 0;
                            for (int m = 0; m < 10; m++) {
                                if (client.ask("light " + id + " " + m).equals("LIGHT " + id + " " + m)) {
                                    right++;
                                }
                            }
                            return right;
                        }
                    }));
                }
                for (int c = 0; c < light; c++) {
                    assertThat(rounds.get(c).get(10, TimeUnit.SECONDS)).as("light client " + c).isEqualTo(10);
                }
            } finally {
                pool.shutdownNow();
            }
            writes.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(reads.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(flood);
        }
    }
}
