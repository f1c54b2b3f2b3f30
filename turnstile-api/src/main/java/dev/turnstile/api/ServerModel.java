package dev.turnstile.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Decides where connections run: which thread, pool, loop or process. One implementation per
 * model; one instance serves one listener, once.
 *
 * <p>Shutdown is the same three steps everywhere: (1) stop accepting by closing the listener;
 * (2) drain: let open connections finish until the grace period ends, no reply lost; (3) force:
 * close idle connections, interrupt and close busy ones, then kill what is left. What did not
 * stop goes into the {@link ShutdownReport}.
 */
public interface ServerModel {

    /** The model's name as the command line knows it, such as {@code thread-pool}. */
    String name();

    /**
     * Binds the listener described by {@code context.config()} and starts serving on the model's
     * own threads or processes. Returns once the listener accepts connections.
     *
     * @throws java.net.BindException   the address is in use or cannot be bound
     * @throws IllegalArgumentException the model cannot run this service (an event loop given a
     *                                  {@link SessionService}); the message names models that can
     * @throws IllegalStateException    called twice
     */
    void start(ServerContext context) throws IOException;

    /** The bound address, with the real port when port 0 was asked for. Valid after start. */
    InetSocketAddress localAddress();

    /**
     * Stops accepting at once, lets open connections finish for up to {@code grace}, then forces
     * the rest. Idempotent and safe from any thread; every call waits for the stop and returns
     * the same report.
     */
    ShutdownReport shutdown(Duration grace);

    /** Waits until the model has stopped, after {@link #shutdown} or a fatal failure. */
    void awaitTermination() throws InterruptedException;

    /**
     * Why the model stopped by itself, if it did (a worker process that cannot boot, workers
     * dying in a loop); empty while it serves and after a stop that was asked for.
     */
    default Optional<String> failure() {
        return Optional.empty();
    }

    /**
     * A reload (SIGHUP): serve with {@code config} and {@code options} from now on, as far as the
     * model can while it runs. The caller keeps the address, backlog and listening socket of the
     * start ({@code config} repeats them) and tells the operator which settings need a restart.
     * Completes, once the model is done, with one line saying what it did; completes
     * exceptionally, having changed nothing, if it cannot apply them. Any thread.
     *
     * <p>The default changes nothing: the in-process models take their settings once, at start.
     */
    default CompletableFuture<String> reload(ServerConfig config, ModelOptions options) {
        return CompletableFuture.completedFuture(name() + " takes its settings at start only: nothing changed;"
                + " an upgrade (SIGUSR2) starts a new server with the new ones");
    }
}
