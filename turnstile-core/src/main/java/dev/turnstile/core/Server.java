package dev.turnstile.core;

import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ListenOn;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ProxyProtocol;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.TlsSettings;
import dev.turnstile.api.ServerContext;
import dev.turnstile.api.ServerListener;
import dev.turnstile.api.ServerModel;
import dev.turnstile.api.ServerStats;
import dev.turnstile.api.Service;
import dev.turnstile.api.ShutdownReport;
import dev.turnstile.api.StatsSnapshot;
import dev.turnstile.echo.EchoUppercase;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A server: a service run under a model, built with {@link #builder()}.
 *
 * <pre>{@code
 * try (Server server = Server.builder().model("thread-pool").options(ModelOptions.none().withWorkers(3))
 *         .port(0).start()) {
 *     int port = server.port();
 *     ...
 * } // close() stops with the default drain time
 * }</pre>
 *
 * <p>Thread-safe: {@link #stop} may be called from any thread, any number of times.
 */
public final class Server implements AutoCloseable {

    /** The drain time {@link #close()} uses. */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);

    private final ServerModel model;
    private volatile ServerConfig config; // the start's, then the last reload's
    private final Service service;
    private final ServerStats stats;

    private Server(ServerModel model, ServerConfig config, Service service, ServerStats stats) {
        this.model = model;
        this.config = config;
        this.service = service;
        this.stats = stats;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The bound port (the real one when port 0 was asked for). */
    public int port() {
        return model.localAddress().getPort();
    }

    public InetSocketAddress address() {
        return model.localAddress();
    }

    public String modelName() {
        return model.name();
    }

    public ServerConfig config() {
        return config;
    }

    public Service service() {
        return service;
    }

    public ServerStats stats() {
        return stats;
    }

    public StatsSnapshot snapshot() {
        return stats.snapshot();
    }

    /**
     * Stops accepting at once, lets open connections finish until {@code drain} runs out, then
     * closes the rest. Returns once stopped.
     */
    public ShutdownReport stop(Duration drain) {
        return model.shutdown(drain);
    }

    /** Why the server stopped by itself, if it did; see {@link ServerModel#failure()}. */
    public java.util.Optional<String> failure() {
        return model.failure();
    }

    /**
     * A reload: the model serves with {@code config} and {@code options} from now on, as far as it
     * can while it runs ({@link ServerModel#reload}). The address, port and backlog stay those
     * of the start whatever {@code config} says. Completes when the model is done, with its
     * account of what it did; {@link #config()} is the new one once the reload succeeded.
     */
    public java.util.concurrent.CompletableFuture<String> reload(ServerConfig config, ModelOptions options) {
        ServerConfig started = this.config;
        ServerConfig next = config.withHost(started.host()).withPort(port()).withAcceptBacklog(started.acceptBacklog());
        return model.reload(next, options).thenApply(outcome -> {
            this.config = next;
            return outcome;
        });
    }

    /** Blocks until the server has stopped. */
    public void awaitTermination() throws InterruptedException {
        model.awaitTermination();
    }

    /** Stops with {@link #DEFAULT_DRAIN}. */
    @Override
    public void close() {
        stop(DEFAULT_DRAIN);
    }

    /** Collects the service, model, address and limits; {@link #start()} binds and serves. */
    public static final class Builder {
        private Service service = new EchoUppercase();
        private ServerModel model;
        private String modelName = "thread-per-connection";
        private ModelOptions options = ModelOptions.none();
        private ServerConfig config = ServerConfig.defaults();
        private final List<ServerListener> listeners = new ArrayList<>();
        private ListenOn listenOn = ListenOn.ADDRESS;

        private Builder() {
        }

        /** The service to run; the notes' echo-uppercase by default. */
        public Builder service(Service service) {
            this.service = Objects.requireNonNull(service, "service");
            return this;
        }

        /** A model by its command-line name, created with {@link #options}. */
        public Builder model(String name) {
            this.modelName = Objects.requireNonNull(name, "model");
            this.model = null;
            return this;
        }

        /** A model instance, used as it is ({@link #options} are then ignored). */
        public Builder model(ServerModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        public Builder options(ModelOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        public Builder config(ServerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        public Builder host(String host) {
            config = config.withHost(host);
            return this;
        }

        public Builder port(int port) {
            config = config.withPort(port);
            return this;
        }

        public Builder acceptBacklog(int backlog) {
            config = config.withAcceptBacklog(backlog);
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            config = config.withIdleTimeout(idleTimeout);
            return this;
        }

        /** A peer that takes none of our bytes this long, while a write waits, is closed (WRITE_TIMEOUT). */
        public Builder writeTimeout(Duration writeTimeout) {
            config = config.withWriteTimeout(writeTimeout);
            return this;
        }

        /** A message begun and not finished within this closes its connection (MESSAGE_TIMEOUT). */
        public Builder messageTimeout(Duration messageTimeout) {
            config = config.withMessageTimeout(messageTimeout);
            return this;
        }

        public Builder maxMessageBytes(int max) {
            config = config.withMaxMessageBytes(max);
            return this;
        }

        /** The most bytes one connection may have waiting for its peer; past it, it is closed as a slow consumer. */
        public Builder maxPendingBytes(int max) {
            config = config.withMaxPendingBytes(max);
            return this;
        }

        /** Bounds on connections, in all and per source address; see {@link ConnectionLimits}. */
        public Builder limits(ConnectionLimits limits) {
            config = config.withLimits(limits);
            return this;
        }

        /** Serve TLS with this identity and handshake timeout; null: plaintext (the default). */
        public Builder tls(TlsSettings tls) {
            config = config.withTls(tls);
            return this;
        }

        /** Connections begin with a PROXY protocol header naming the real client ({@link ProxyProtocol}). */
        public Builder proxyProtocol(ProxyProtocol proxyProtocol) {
            config = config.withProxyProtocol(proxyProtocol);
            return this;
        }

        public Builder framing(Framing framing) {
            config = config.withFraming(framing);
            return this;
        }

        /** Serve the listening socket on standard input instead of binding ({@link ListenOn}); binding by default. */
        public Builder listenOn(ListenOn listenOn) {
            this.listenOn = Objects.requireNonNull(listenOn, "listenOn");
            return this;
        }

        public Builder listener(ServerListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Creates the model, binds and starts serving.
         *
         * @throws java.net.BindException   the address is in use
         * @throws IllegalArgumentException an unknown model, a bad option, or a service the model cannot run
         */
        public Server start() throws IOException {
            ServerModel m = model != null ? model : Models.require(modelName).create(options);
            ServerStats stats = new ServerStats();
            listeners.forEach(stats::addListener);
            m.start(new ServerContext(config, service, stats, listenOn));
            return new Server(m, config, service, stats);
        }
    }
}
