package dev.turnstile.reliability;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Server;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.RunningServer;
import dev.turnstile.testing.TestModels;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What every category of the reliability suite shares: the models under test, how a server is
 * started for a case (line framing, echo-uppercase, the timeouts short so that every case ends
 * within seconds) and how big each model's share of the load is.
 *
 * <p>A category is a concrete test class over the models that serve in this JVM (its static
 * {@code models()} is {@link #inProcessModels()}); turnstile-process subclasses each category for
 * the process models, hiding {@code models()} and overriding {@link #options}, {@link #load} and
 * {@link #crowdOptions} where a JVM per connection is too heavy for the full load.
 *
 * <p>Not thread-safe and stateless: JUnit makes one instance per case.
 */
abstract class ReliabilityCases {

    /** The longest a case waits for any one event; generous for a worker JVM starting on a busy machine. */
    static final Duration BOUND = Duration.ofSeconds(20);
    /** Short enough for tests, long enough that no healthy case meets them. */
    static final Set<String> LOOP_MODELS = Set.of("event-loop", "multi-loop", "loop-with-workers");
    static final Duration IDLE = Duration.ofSeconds(10), WRITE = Duration.ofSeconds(2), MESSAGE = Duration.ofSeconds(2);

    /**
     * The size of the load a model takes in the cases that open many connections.
     *
     * @param idleConnections  idle connections held open while a fresh client asks
     * @param stormConnections connect-and-close cycles in a storm
     * @param crowdClients     clients at once on a bounded pool (fairness)
     * @param floodMessages    messages pipelined on one connection
     * @param lightClients     clients that converse beside a flood (fairness)
     */
    record Load(int idleConnections, int stormConnections, int crowdClients, int floodMessages, int lightClients) {
        static final Load FULL = new Load(2_000, 500, 200, 10_000, 20);
    }

    /** Every model that serves in this JVM, or the comma-separated subset in {@code -Dturnstile.test.models}. */
    static Stream<String> inProcessModels() {
        return TestModels.inProcess();
    }

    /** A bound of {@code n} in every model's own terms: workers, elastic 1..n, loops' workers, children. */
    static ModelOptions poolOf(int n) {
        return ModelOptions.none().withWorkers(n).withMinWorkers(1).withMaxWorkers(n)
                .withKeepAlive(Duration.ofSeconds(1)).with("max-children", Integer.toString(n));
    }

    /** The model options for the ordinary cases: a pool of 4. */
    ModelOptions options(String model) {
        return poolOf(4);
    }

    /** The load this model takes; the full load unless a subclass says otherwise. */
    Load load(String model) {
        return Load.FULL;
    }

    /**
     * The options under which this model holds {@code connections} connections open at once: a
     * blocking pool that big, as it gives each connection a worker until it ends; the loop models
     * hold any number in their loops as they are (their "workers" are loops or handler threads).
     */
    ModelOptions crowdOptions(String model, int connections) {
        return LOOP_MODELS.contains(model) ? options(model) : poolOf(connections + 16);
    }

    /**
     * How soon a fresh client must have its reply while the server is under a case's load: 5 s.
     * On a quiet machine every model answers within a fraction of that; the margin is for a
     * shared 2-core machine running other builds. A held server fails it by far (it would wait
     * for the 10 s idle timeout, or for ever).
     */
    Duration freshWithin(String model) {
        return Duration.ofSeconds(5);
    }

    /**
     * Connects, asks {@code line} and returns the reply; fails if connecting and answering took
     * longer than {@code within} (the reply must come within what is left of it after the connect).
     */
    static String askFresh(RunningServer server, String line, Duration within) {
        long started = System.nanoTime();
        try (LineClient client = server.connect()) {
            client.send(line + "\n");
            Duration left = within.minusNanos(System.nanoTime() - started);
            if (left.toMillis() < 1) {
                throw new AssertionError("connecting alone took longer than " + within);
            }
            return client.readLineWithin(left);
        }
    }

    /** A server for one case: line framing, short timeouts, the model's {@link #options}. */
    RunningServer start(String model) {
        return start(model, options(model), b -> { });
    }

    RunningServer start(String model, Consumer<Server.Builder> customize) {
        return start(model, options(model), customize);
    }

    static RunningServer start(String model, ModelOptions options, Consumer<Server.Builder> customize) {
        return RunningServer.start(model, options, b -> {
            b.framing(Framing.LINE).idleTimeout(IDLE).writeTimeout(WRITE).messageTimeout(MESSAGE).acceptBacklog(2048);
            customize.accept(b);
        });
    }

    /** The close reasons counted so far, without those never seen. */
    static Map<CloseReason, Long> reasons(StatsSnapshot s) {
        return s.closes().entrySet().stream().filter(e -> e.getValue() > 0)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
