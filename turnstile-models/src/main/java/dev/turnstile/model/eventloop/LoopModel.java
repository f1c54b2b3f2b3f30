package dev.turnstile.model.eventloop;

import dev.turnstile.api.ListenOn;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.ServerContext;
import dev.turnstile.api.ServerModel;
import dev.turnstile.api.SessionService;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.core.Lifecycle;
import dev.turnstile.core.ListenerDrain;
import dev.turnstile.core.ListeningSocket;
import dev.turnstile.core.Models;
import dev.turnstile.core.Sockets;
import dev.turnstile.core.StopSequence;
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
 * <p><b>Shutdown</b> runs the {@link StopSequence}: (1) seal the listeners, let the loops accept what
 * the kernel queued on them, then close them ({@link ListenerDrain}): no new connection is accepted. (2) Drain: the loops keep serving open connections until they close or the grace period
 * ends. (3) Force: idle connections are closed at once, busy ones (replies unsent, or a worker
 * answering) after the replies in hand, for up to one more second; then whatever is left is closed,
 * a stuck loop is interrupted, and each is named in the report. Finally the loops and workers are
 * stopped. Safe from any thread and idempotent: every call returns the first call's report.
 */
public final class LoopModel implements ServerModel {

    private static final Logger log = LoggerFactory.getLogger(LoopModel.class);

    private final LoopSettings settings;
    private final Lifecycle lifecycle = new Lifecycle();
    private final StopSequence stopping = new StopSequence(lifecycle, this::name);
    private volatile List<ServerSocketChannel> listeners = List.of();
    private volatile ListenerDrain.Ownership ownership = ListenerDrain.Ownership.OWNED;
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
            listeners = bind(context);
            ownership = context.listenOn() == ListenOn.STANDARD_INPUT
                    ? ListenerDrain.Ownership.SHARED : ListenerDrain.Ownership.OWNED;
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
     * silently share it with another server that also set it. An inherited socket is one listener
     * whatever the accept mode: its acceptor hands connections to the loops in turn.
     */
    private List<ServerSocketChannel> bind(ServerContext context) throws IOException {
        ServerConfig config = context.config();
        if (context.listenOn() == ListenOn.STANDARD_INPUT) {
            return List.of(ListeningSocket.inherited());
        }
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
        SelectorGroup g = group;
        return stopping.stop(grace, g == null ? null : new Running(listeners, ownership, g, handlers));
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        lifecycle.awaitStopped();
    }

    /** What the model runs once started, as its {@link StopSequence} sees it. */
    private record Running(List<ServerSocketChannel> listeners, ListenerDrain.Ownership ownership,
                           SelectorGroup group, HandlerPool handlers) implements StopSequence.Drainable {

        @Override
        public void stopAccepting() {
            stopAccepting(Instant.now());
        }

        /** The loops' acceptors take what the kernel queued before the listeners close. */
        @Override
        public void stopAccepting(Instant drainDeadline) {
            ListenerDrain.close(listeners, ownership, drainDeadline);
        }

        @Override
        public int openConnections() {
            return group.open();
        }

        @Override
        public boolean awaitEmpty(Instant deadline) {
            return group.awaitEmpty(deadline);
        }

        @Override
        public int closeIdleAndFlagBusy(Instant answerBy, List<String> stragglers) {
            return group.closeIdleAndFlagBusy(answerBy, stragglers);
        }

        @Override
        public List<String> forceAll(Instant answerBy) {
            return group.forceAll(answerBy);
        }

        @Override
        public List<String> stopWorkers(Instant deadline) {
            List<String> stuck = new ArrayList<>(group.stop(deadline));
            if (handlers != null) {
                stuck.addAll(handlers.stop(deadline));
            }
            return stuck;
        }
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
