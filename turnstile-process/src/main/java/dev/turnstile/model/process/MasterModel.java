package dev.turnstile.model.process;

import dev.turnstile.api.ServerContext;
import dev.turnstile.api.ServerModel;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.core.Lifecycle;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * What the process models share as a {@link ServerModel}: a {@link MasterLoop} on a thread of its
 * own ({@code turnstile-master-PORT}), a lifecycle that reaches STOPPED when that loop has ended
 * and cleaned up, and a stop that queues TERM for the loop and waits for its report.
 *
 * <p>Thread-safety: {@link #shutdown} from any thread, any number of times; every call waits for
 * the one stop and returns its report.
 */
public abstract class MasterModel implements ServerModel {

    private final Lifecycle lifecycle = new Lifecycle();
    private volatile MasterLoop<?> master;
    private volatile InetSocketAddress localAddress;

    /** What {@link #launch} made: the bound address and the master to run. */
    public record Launched(InetSocketAddress localAddress, MasterLoop<?> master) {
    }

    /**
     * Binds, prepares and returns the master, without running it. On failure it releases what it
     * made itself and throws.
     */
    protected abstract Launched launch(ServerContext context) throws IOException;

    /** After the master thread started: wait until the model can serve, or throw why it cannot. */
    protected void awaitReady(MasterLoop<?> master) throws IOException {
    }

    @Override
    public final void start(ServerContext context) throws IOException {
        lifecycle.start();
        Launched launched;
        try {
            launched = launch(context);
        } catch (IOException | RuntimeException | Error e) {
            lifecycle.advanceTo(Lifecycle.State.STOPPED);
            throw e;
        }
        localAddress = launched.localAddress();
        master = launched.master();
        Thread.ofPlatform().name("turnstile-master-" + localAddress.getPort()).start(() -> {
            try {
                launched.master().run();
            } finally {
                lifecycle.advanceTo(Lifecycle.State.STOPPED);
            }
        });
        try {
            awaitReady(launched.master());
        } catch (IOException | RuntimeException | Error e) {
            shutdown(Duration.ZERO);
            throw e;
        }
    }

    @Override
    public final InetSocketAddress localAddress() {
        if (localAddress == null) {
            throw new IllegalStateException("not started");
        }
        return localAddress;
    }

    @Override
    public final ShutdownReport shutdown(Duration grace) {
        MasterLoop<?> m = master;
        if (m == null) {
            lifecycle.advanceTo(Lifecycle.State.STOPPED);
            return new ShutdownReport(Duration.ZERO, 0, 0, List.of());
        }
        lifecycle.advanceTo(Lifecycle.State.DRAINING);
        m.requestStop(grace);
        try {
            ShutdownReport report = m.report().join();
            lifecycle.awaitStopped();
            return report;
        } catch (CompletionException e) {
            return new ShutdownReport(Duration.ZERO, 0, 0, List.of("master failed: " + e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return m.report().getNow(new ShutdownReport(Duration.ZERO, 0, 0, List.of("interrupted while stopping")));
        }
    }

    @Override
    public final void awaitTermination() throws InterruptedException {
        lifecycle.awaitStopped();
    }

    /** Why the master stopped by itself, if it did: a worker that cannot boot, a crash loop. */
    @Override
    public final Optional<String> failure() {
        MasterLoop<?> m = master;
        return m == null ? Optional.empty() : m.failure();
    }

    /** Children running now. */
    public final int children() {
        MasterLoop<?> m = master;
        return m == null ? 0 : m.childCount();
    }
}
