package dev.turnstile.model.eventloop;

import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.ServerContext;
import dev.turnstile.api.ServerModel;
import dev.turnstile.api.SessionService;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.core.Lifecycle;
import dev.turnstile.core.ListeningSocket;
import dev.turnstile.core.Models;
import dev.turnstile.core.Sockets;
import dev.turnstile.core.StopOnce;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The event-loop models behind the {@link ServerModel} interface: binds the listener (or one
 * SO_REUSEPORT listener per loop), starts a {@link SelectorGroup} and, for handlers that block, a
 * {@link HandlerPool}, and stops them in the same three steps as the thread models.
 *
 * <p><b>Shutdown.</b> (1) Close the listeners: no new connection is accepted. (2) Drain: the loops
 * keep serving open connections until they close or the grace period ends. (3) Force: idle
 * connections are closed at once, busy ones (replies unsent, or a worker answering) after the
 * replies in hand, for up to one more second; then whatever is left is closed, a stuck loop is
 * interrupted, and each is named in the report. Finally the loops and workers are stopped.
 * Safe from any thread and idempotent: every call returns the first call's report.
 */
public final class LoopModel implements ServerModel {

    private static final Logger log = LoggerFactory.getLogger(LoopModel.class);
    /** How long busy connections get to write the replies in hand once forcing starts, as in the thread models. */
    static final Duration FORCE_GRACE = Duration.ofSeconds(1);
    /** How long the loops and workers get to stop after the connections are gone. */
    static final Duration STOP_GRACE = Duration.ofSeconds(2);

    private final LoopSettings settings;
    private final Lifecycle lifecycle = new Lifecycle();
    private final StopOnce stopOnce = new StopOnce();
    private volatile List<ServerSocketChannel> listeners = List.of();
    private volatile SelectorGroup group;
    private volatile HandlerPool handlers;
    private volatile InetSocketAddress localAddress;

    public LoopModel(LoopSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return settings.name();
    }

    public LoopSettings settings() {
        return settings;
    }

    @Override
    public void start(ServerContext context) throws IOException {
        refuseSessions(context);
        lifecycle.start();
        try {
            listeners = bind(context.config());
            localAddress = Sockets.local(listeners.getFirst());
            handlers = settings.handlersOnLoops() ? null : new HandlerPool(settings.workers());
            group = new SelectorGroup(settings, context, handlers, this::failed);
            if (listeners.size() == 1) {
                group.loop(0).acceptFrom(listeners.getFirst(), group::next);
            } else {
                for (int i = 0; i < listeners.size(); i++) {
                    SelectorLoop loop = group.loop(i);
                    loop.acceptFrom(listeners.get(i), () -> loop);
                }
            }
            group.start();
        } catch (IOException | RuntimeException | Error e) {
            listeners.forEach(Sockets::closeQuietly);
            if (group != null) {
                group.discard();
            }
            if (handlers != null) {
                handlers.stop(Instant.now());
            }
            lifecycle.advanceTo(Lifecycle.State.STOPPED);
            throw e;
        }
        context.stats().poolResized(handlers != null ? handlers.size() : group.size(), handlers != null
                ? "started " + handlers.size() + " handler workers on " + group.size() + " loops"
                : "started " + group.size() + (group.size() == 1 ? " loop" : " loops"));
    }

    /** Event loops run framed services only; a session would hold a loop for its whole connection. */
    private void refuseSessions(ServerContext context) {
        if (!(context.service() instanceof SessionService session)) {
            return;
        }
        List<String> able = Models.all().stream().filter(ModelProvider::runsSessions).map(ModelProvider::name).toList();
        throw new IllegalArgumentException(name() + " cannot run " + session.name()
                + ": it is a session service, which blocks a thread for the whole connection and would stall every"
                + " connection of a loop; run it with " + (able.isEmpty()
                ? "a model that gives each connection a thread or process (none is installed)"
                : String.join(", ", able)));
    }

    /**
     * One listener, or with SO_REUSEPORT one per loop on the same port. Before sharing a fixed port
     * that way, a plain bind checks that nobody holds it, since SO_REUSEPORT would otherwise
     * silently share it with another server that also set it.
     */
    private List<ServerSocketChannel> bind(ServerConfig config) throws IOException {
        if (settings.loops() == 1 || settings.accept() == AcceptMode.ROUND_ROBIN) {
            return List.of(ListeningSocket.bind(config));
        }
        if (config.port() != 0) {
            ListeningSocket.bind(config).close();
        }
        List<ServerSocketChannel> bound = new ArrayList<>();
        try {
            bound.add(ListeningSocket.bind(config, true));
            ServerConfig samePort = config.withPort(Sockets.local(bound.getFirst()).getPort());
            while (bound.size() < settings.loops()) {
                bound.add(ListeningSocket.bind(samePort, true));
            }
            return List.copyOf(bound);
        } catch (IOException | RuntimeException e) {
            bound.forEach(Sockets::closeQuietly);
            throw e;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        if (localAddress == null) {
            throw new IllegalStateException("not started");
        }
        return localAddress;
    }

    @Override
    public ShutdownReport shutdown(Duration grace) {
        return stopOnce.run(lifecycle, () -> stop(grace));
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        lifecycle.awaitStopped();
    }

    private ShutdownReport stop(Duration grace) {
        long started = System.nanoTime();
        if (lifecycle.state() == Lifecycle.State.NEW || group == null) {
            lifecycle.advanceTo(Lifecycle.State.STOPPED);
            return new ShutdownReport(Duration.ZERO, 0, 0, List.of());
        }
        lifecycle.advanceTo(Lifecycle.State.DRAINING);
        listeners.forEach(Sockets::closeQuietly);
        int open = group.open();
        List<String> stragglers = new ArrayList<>();
        int forced = 0;
        if (!group.awaitEmpty(Instant.now().plus(grace))) {
            lifecycle.advanceTo(Lifecycle.State.FORCING);
            forced = group.closeIdleAndFlagBusy(Instant.now().plus(FORCE_GRACE), stragglers);
            if (!group.awaitEmpty(Instant.now().plus(FORCE_GRACE))) {
                stragglers.addAll(group.forceAll(Instant.now().plus(FORCE_GRACE)));
                group.awaitEmpty(Instant.now().plus(FORCE_GRACE));
            }
        }
        Instant deadline = Instant.now().plus(STOP_GRACE);
        stragglers.addAll(group.stop(deadline));
        if (handlers != null) {
            stragglers.addAll(handlers.stop(deadline));
        }
        lifecycle.advanceTo(Lifecycle.State.STOPPED);
        for (String s : stragglers) {
            log.warn("{} shutdown: {}", name(), s);
        }
        return new ShutdownReport(Duration.ofNanos(System.nanoTime() - started), Math.max(0, open - forced), forced,
                stragglers);
    }

    private void failed(Throwable cause) {
        log.error("{} failed: {}; stopping", name(), cause.toString());
        Thread.ofPlatform().name("turnstile-failstop").start(() -> shutdown(Duration.ofSeconds(5)));
    }

    /** The loops, for tests in this package. */
    SelectorGroup group() {
        return group;
    }
}
