package dev.turnstile.model;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Server;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.ManyClients;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract every model keeps, run against every model on the class path: registering a
 * {@link dev.turnstile.api.ModelProvider} puts a model under it. A subclass supplies the models as
 * a static {@code models()} (a subclass leaves out a case that does not apply to its transport or
 * models by overriding it without a test annotation, which JUnit then does not run; never by skipping): {@link ModelContractTest} those that serve in this JVM,
 * {@code ProcessModelContractTest} those that serve in other processes, tagged and checked for
 * leftover processes like the other process tests. A model may be named with options of its own,
 * as the command line spells them: {@code process-pool --worker-model event-loop} (a variant).
 */
@Timeout(120)
public abstract class ModelContract {

    /** Knobs every model may read: pools of 4, elastic 1..4, per-connection unbounded. */
    static final ModelOptions OPTIONS = ModelOptions.none().withWorkers(4).withMinWorkers(1).withMaxWorkers(4)
            .withKeepAlive(Duration.ofSeconds(1));

    /** How clients reach the server: plaintext here; a subclass may add TLS to the builder. */
    protected void transport(Server.Builder builder) {
    }

    /** A client of {@code server} over the transport {@link #transport} set up. */
    protected LineClient connect(RunningServer server) {
        return server.connect();
    }

    /** The options every test starts its model with; a subclass may add its own (process-per-connection's spares). */
    protected ModelOptions options() {
        return OPTIONS;
    }

    RunningServer start(String model) {
        return start(model, options(), b -> { });
    }

    RunningServer start(String model, ModelOptions options, Consumer<Server.Builder> customize) {
        String[] words = model.trim().split("\\s+");
        ModelOptions withOwn = options;
        for (int i = 1; i + 1 < words.length; i += 2) {
            String key = words[i].replaceFirst("^--", "");
            withOwn = key.equals("workers") ? withOwn.withWorkers(Integer.parseInt(words[i + 1]))
                    : withOwn.with(key, words[i + 1]);
        }
        return RunningServer.start(words[0], withOwn, b -> {
            transport(b);
            customize.accept(b);
        });
    }

    @ParameterizedTest
    @MethodSource("models")
    void echoesEachLineUppercasedInOrder(String model) {
        try (RunningServer server = start(model); LineClient client = connect(server)) {
            for (int i = 0; i < 50; i++) {
                assertThat(client.ask("message " + i + " why not?  ")).isEqualTo("MESSAGE " + i + " WHY NOT?");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void answersTheNotesClientRawWithoutNewlines(String model) {
        try (RunningServer server = start(model); LineClient client = connect(server)) {
            client.send("hello");
            assertThat(client.readExactly(5)).isEqualTo("HELLO");
            client.send("why not?");
            assertThat(client.readExactly(8)).isEqualTo("WHY NOT?");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void joinsSplitMessagesAndSplitsCoalescedOnes(String model) {
        try (RunningServer server = start(model); LineClient client = connect(server)) {
            assertThat(client.ask("start")).isEqualTo("START");
            client.send("hel").send("lo\nwo").send("rld\nfoo\nbar\n");
            assertThat(List.of(client.readLine(), client.readLine(), client.readLine(), client.readLine()))
                    .containsExactly("HELLO", "WORLD", "FOO", "BAR");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void uppercasesUtf8SplitAcrossWrites(String model) {
        try (RunningServer server = start(model); LineClient client = connect(server)) {
            assertThat(client.ask("start")).isEqualTo("START");
            byte[] bytes = "grüße ıi €\n".getBytes(StandardCharsets.UTF_8);
            client.sendBytes(java.util.Arrays.copyOfRange(bytes, 0, 3));
            client.sendBytes(java.util.Arrays.copyOfRange(bytes, 3, bytes.length));
            assertThat(client.readLine()).isEqualTo("GRÜSSE II €");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void servesMoreClientsThanWorkers(String model) throws Exception {
        int clients = 12;
        try (RunningServer server = start(model)) {
            ManyClients.converse(() -> connect(server), clients, 5, Duration.ofSeconds(60));
            StatsSnapshot s = server.await("all 12 connections closed", Duration.ofSeconds(10), st -> st.closed() >= clients);
            assertThat(s.accepted()).isEqualTo(clients);
            assertThat(s.messages()).isEqualTo(clients * 5L);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void refusesAnOverLongMessageAndKeepsServingOthers(String model) {
        try (RunningServer server = start(model, options(), b -> b.maxMessageBytes(1024));
             LineClient other = connect(server); LineClient flooder = connect(server)) {
            assertThat(other.ask("before")).isEqualTo("BEFORE");
            assertThat(flooder.ask("lines from here")).isEqualTo("LINES FROM HERE"); // auto framing: now lines
            flooder.send("x".repeat(100_000)); // far past the limit: the error line must survive the unread rest
            assertThat(flooder.readLine()).startsWith("ERROR message too long");
            assertThat(flooder.closedByServer()).isTrue();
            assertThat(other.ask("after")).isEqualTo("AFTER");
            server.await("protocol error counted", Duration.ofSeconds(5), s -> s.closedFor(CloseReason.PROTOCOL_ERROR) == 1);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void aClientResetMidConversationDoesNotDisturbOthers(String model) {
        try (RunningServer server = start(model); LineClient steady = connect(server)) {
            assertThat(steady.ask("one")).isEqualTo("ONE");
            LineClient rude = connect(server);
            assertThat(rude.ask("hi")).isEqualTo("HI");
            rude.send("half a mess");
            rude.reset();
            assertThat(steady.ask("two")).isEqualTo("TWO");
            server.await("the reset connection closed", Duration.ofSeconds(5), s -> s.closed() == 1);
            assertThat(steady.ask("three")).isEqualTo("THREE");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void answersEverythingSentBeforeAHalfClose(String model) {
        try (RunningServer server = start(model); LineClient client = connect(server)) {
            client.send("a\nb\nlast");
            client.shutdownOutput();
            assertThat(client.readToEnd()).isEqualTo("A\nB\nLAST\n");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void closesASilentConnectionAfterTheIdleTimeout(String model) {
        try (RunningServer server = start(model, options(), b -> b.idleTimeout(Duration.ofMillis(300)));
             LineClient client = connect(server)) {
            assertThat(client.ask("hi")).isEqualTo("HI");
            assertThat(client.closedByServer()).isTrue();
            server.await("idle close counted", Duration.ofSeconds(5), s -> s.closedFor(CloseReason.IDLE_TIMEOUT) == 1);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void gracefulStopKeepsServingOpenConversationsAndLosesNoReply(String model) throws Exception {
        RunningServer server = start(model);
        try (LineClient client = connect(server)) {
            assertThat(client.ask("before stop")).isEqualTo("BEFORE STOP");
            CompletableFuture<ShutdownReport> stop = CompletableFuture.supplyAsync(() -> server.stop(Duration.ofSeconds(20)));
            server.await("draining (listener closed)", Duration.ofSeconds(5), s -> !LineClient.canConnect(server.port()));
            for (int i = 0; i < 5; i++) {
                assertThat(client.ask("during drain " + i)).isEqualTo("DURING DRAIN " + i);
            }
            client.send("last words\n");
            client.shutdownOutput();
            assertThat(client.readToEnd()).isEqualTo("LAST WORDS\n");
            ShutdownReport report = stop.get(15, TimeUnit.SECONDS);
            assertThat(report.forced()).isZero();
            assertThat(report.stragglers()).isEmpty();
            assertThat(report.took()).isLessThan(Duration.ofSeconds(15));
        } finally {
            server.close();
        }
    }

    /**
     * Connections the kernel completed but the server has not accepted yet when a stop begins (here
     * held back by max-connections 1, as a busy pool holds them) are served in the drain like any
     * open connection: closing the listener under them would reset them, and each already sent its
     * message, as a proxy does, so it could not have retried elsewhere.
     */
    @ParameterizedTest
    @MethodSource("models")
    protected void gracefulStopServesTheConnectionsQueuedForAcceptAndResetsNone(String model) throws Exception {
        int queued = 5;
        ModelOptions one = OPTIONS.with("max-connections", "1").with("max-children", "1");
        try (RunningServer server = start(model, one, b -> b.limits(new ConnectionLimits(1, 0, 0)))) {
            LineClient holder = connect(server);
            List<LineClient> waiting = new ArrayList<>();
            try {
                assertThat(holder.ask("holding the only place")).isEqualTo("HOLDING THE ONLY PLACE");
                for (int i = 0; i < queued; i++) {
                    waiting.add(connect(server).send("queued " + i + "\n")); // the kernel queues it: connected, not accepted
                }
                CompletableFuture<ShutdownReport> stop = CompletableFuture.supplyAsync(() -> server.stop(Duration.ofSeconds(20)));
                server.await("the stop takes no new connection", Duration.ofSeconds(10), s -> !LineClient.canConnect(server.port()));
                assertThat(holder.ask("still served")).isEqualTo("STILL SERVED");
                holder.close(); // its place goes to one queued, then another as each closes, in no set order
                List<CompletableFuture<String>> replies = new ArrayList<>();
                for (int i = 0; i < queued; i++) {
                    LineClient client = waiting.get(i);
                    String expected = "QUEUED " + i;
                    replies.add(CompletableFuture.supplyAsync(() -> {
                        try (client) {
                            String reply = client.readLine();
                            return expected.equals(reply) ? null : expected + " expected, got " + reply;
                        } catch (RuntimeException | AssertionError e) {
                            return expected + " expected: " + e;
                        }
                    }, Thread::startVirtualThread));
                }
                List<String> lost = new ArrayList<>();
                for (CompletableFuture<String> reply : replies) {
                    String failure = reply.get(60, TimeUnit.SECONDS);
                    if (failure != null) {
                        lost.add(failure);
                    }
                }
                System.out.printf("%s: %d of %d connections queued at the stop answered%n", model, queued - lost.size(), queued);
                assertThat(lost).as("connections queued for accept when the stop began").isEmpty();
                ShutdownReport report = stop.get(30, TimeUnit.SECONDS);
                assertThat(report.forced()).isZero();
            } finally {
                holder.close();
                waiting.forEach(LineClient::close);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void forcedStopEndsWithinTheGracePlusAMargin(String model) {
        RunningServer server = start(model);
        try (LineClient idle = connect(server)) {
            assertThat(idle.ask("hello")).isEqualTo("HELLO");
            long started = System.nanoTime();
            ShutdownReport report = server.stop(Duration.ofMillis(300));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).isLessThan(Duration.ofMillis(300).plusSeconds(5));
            assertThat(report.forced()).isEqualTo(1);
            assertThat(idle.closedByServer()).isTrue();
        } finally {
            server.close();
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void portInUseIsAClearError(String model) {
        try (RunningServer first = start(model)) {
            assertThatThrownBy(() -> start(model, options(), b -> b.port(first.port())))
                    .hasMessageContaining("already in use");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    protected void boundedModelsNeverServeMoreConnectionsAtOnceThanTheirBound(String model) throws Exception {
        // each model's own bound (pool size, max-children) and the server-wide max-connections, all 3
        ModelOptions three = ModelOptions.none().withWorkers(3).withMinWorkers(1).withMaxWorkers(3)
                .withKeepAlive(Duration.ofSeconds(1)).with("max-connections", "3").with("max-children", "3");
        int clients = 8;
        try (RunningServer server = start(model, three,
                b -> b.limits(new ConnectionLimits(3, 0, 0)))) {
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<String>> replies = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int id = c;
                    replies.add(pool.submit(() -> {
                        go.await();
                        try (LineClient client = connect(server)) {
                            client.ask("a" + id);
                            client.ask("b" + id);
                            return client.ask("c" + id);
                        }
                    }));
                }
                go.countDown();
                for (int c = 0; c < clients; c++) {
                    assertThat(replies.get(c).get(60, TimeUnit.SECONDS)).isEqualTo("C" + c);
                }
            } finally {
                pool.shutdownNow();
            }
            StatsSnapshot s = server.await("all closed", Duration.ofSeconds(10), st -> st.closed() == clients);
            assertThat(s.peakActive()).isBetween(1, 3);
        }
    }
}
