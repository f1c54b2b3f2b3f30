package dev.turnstile.testing;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.core.Server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A server on loopback port 0 for one test, stopped on close: use in try-with-resources.
 * {@link #await} polls the server's stats against a deadline instead of sleeping.
 */
public final class RunningServer implements AutoCloseable {

    private final Server server;

    private RunningServer(Server server) {
        this.server = server;
    }

    /** The named model with its options, echo-uppercase, 127.0.0.1 port 0. */
    public static RunningServer start(String model, ModelOptions options) {
        return start(model, options, b -> { });
    }

    /** As {@link #start(String, ModelOptions)}, with further builder settings. */
    public static RunningServer start(String model, ModelOptions options, Consumer<Server.Builder> customize) {
        Server.Builder builder = Server.builder().model(model).options(options).host("127.0.0.1").port(0);
        customize.accept(builder);
        try {
            return new RunningServer(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Server server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public StatsSnapshot stats() {
        return server.snapshot();
    }

    /** A new client connected to this server. */
    public LineClient connect() {
        return LineClient.connect(port());
    }

    /**
     * Polls the stats until {@code condition} holds, failing with {@code what} after {@code timeout}.
     * Returns the snapshot that satisfied it.
     */
    public StatsSnapshot await(String what, Duration timeout, Predicate<StatsSnapshot> condition) {
        return Poll.until(what, timeout, this::stats, condition);
    }

    public ShutdownReport stop(Duration drain) {
        return server.stop(drain);
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(2));
    }
}
