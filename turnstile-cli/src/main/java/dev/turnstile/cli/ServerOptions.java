package dev.turnstile.cli;

import dev.turnstile.api.Cidr;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ProxyProtocol;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.core.Models;
import dev.turnstile.core.Server;
import dev.turnstile.core.tls.ServerTls;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The server options shared by {@code serve} and {@code demo}: model, its knobs, address and limits. */
public final class ServerOptions {

    @Option(names = "--model", paramLabel = "NAME", description = "Server model (see 'turnstile models'); default: ${DEFAULT-VALUE}.")
    String model = "thread-pool";

    @Option(names = "--workers", paramLabel = "N", description = "Pool size (thread-pool, thread-pool-handoff, process-pool, loop-with-workers); loops for multi-loop.")
    Integer workers;

    @Option(names = "--min", paramLabel = "N", description = "Elastic pool floor; default: 2.")
    Integer min;

    @Option(names = "--max", paramLabel = "N", description = "Elastic pool ceiling; default: 64.")
    Integer max;

    @Option(names = "--keep-alive", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long an idle elastic-pool thread above --min lives; default: 10s.")
    Duration keepAlive;

    @Option(names = "--policy", paramLabel = "POLICY", description = "Hand-off pool: first-free (default), round-robin or least-served.")
    String policy;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Most connections open at once, in every model (process-per-connection: with a child or waiting for one; process-pool: across all workers); at the limit accepting pauses and the listen backlog holds the rest; default: no bound.")
    int maxConnections;

    @Option(names = "--max-connections-per-ip", paramLabel = "N",
            description = "Most connections open at once from one source address; past it a new one is closed at once; default: no bound.")
    int maxConnectionsPerIp;

    @Option(names = "--max-accept-rate", paramLabel = "N",
            description = "New connections per second from one source address (burst N); past it a new one is closed at once; default: no bound.")
    int maxAcceptRate;

    @Option(names = "--proxy-protocol", paramLabel = "VERSION",
            description = "Connections begin with a PROXY protocol header naming the real client (HAProxy send-proxy: v1, send-proxy-v2: v2, or any); required, not sniffed; default: off.")
    String proxyProtocol = "off";

    @Option(names = "--proxy-from", paramLabel = "CIDR[,CIDR...]", split = ",",
            description = "The balancers trusted to send PROXY headers; a connection from anywhere else is closed unread; default: every source.")
    List<String> proxyFrom = new ArrayList<>();

    @Option(names = "--proxy-header-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a connection may take to send its whole PROXY header; default: ${DEFAULT-VALUE}.")
    Duration proxyHeaderTimeout = ProxyProtocol.DEFAULT_HEADER_TIMEOUT;

    @Option(names = "--loops", paramLabel = "N", description = "Event loops (multi-loop, loop-with-workers); default: one per processor.")
    Integer loops;

    @Option(names = "--accept", paramLabel = "reuse-port|round-robin",
            description = "How multi-loop models spread connections: a SO_REUSEPORT socket per loop (default) or one acceptor handing out in turn.")
    String accept;

    @Option(names = "--high-water", paramLabel = "BYTES",
            description = "Event loops stop reading a connection with more unsent reply bytes than this; default: 65536.")
    Integer highWater;

    @Option(names = "--low-water", paramLabel = "BYTES", description = "... and read it again at or below this; default: 16384.")
    Integer lowWater;

    @Option(names = "--slow-callback", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Event loops warn when one handler call holds a loop this long; default: 100ms.")
    Duration slowCallback;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Close a connection silent this long; default: 2m.")
    Duration idleTimeout = ServerConfig.DEFAULT_IDLE_TIMEOUT;

    @Option(names = "--write-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Close a connection whose peer takes none of our bytes this long; default: 30s.")
    Duration writeTimeout = ServerConfig.DEFAULT_WRITE_TIMEOUT;

    @Option(names = "--message-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Close a connection whose message, once begun, is not complete within this; default: 30s.")
    Duration messageTimeout = ServerConfig.DEFAULT_MESSAGE_TIMEOUT;

    @Option(names = "--backlog", paramLabel = "N", description = "Listen backlog; default: ${DEFAULT-VALUE}.")
    int backlog = ServerConfig.DEFAULT_BACKLOG;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to bind; default: ${DEFAULT-VALUE}.")
    String host = ServerConfig.DEFAULT_HOST;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to bind (0: any free); default: ${DEFAULT-VALUE}.")
    int port = ServerConfig.DEFAULT_PORT;

    @Option(names = "--framing", paramLabel = "line|raw|auto",
            description = "line: a message per line; raw: a message per read, as the notes; auto (default): raw until the first newline.")
    Framing framing = Framing.AUTO;

    @Option(names = "--max-message-bytes", paramLabel = "N", description = "Longest message; default: ${DEFAULT-VALUE}.")
    int maxMessageBytes = ServerConfig.DEFAULT_MAX_MESSAGE_BYTES;

    @Option(names = "--max-pending", paramLabel = "BYTES",
            description = "Most bytes a connection may have waiting for a slow peer; past it, it is closed as a slow consumer; default: ${DEFAULT-VALUE}.")
    int maxPendingBytes = ServerConfig.DEFAULT_MAX_PENDING_BYTES;

    @Mixin
    ProcessOptions process = new ProcessOptions();

    @Mixin
    TlsOptions tls = new TlsOptions();

    ModelOptions modelOptions() {
        ModelOptions o = ModelOptions.none();
        if (workers != null) {
            requirePositive("--workers", workers);
            o = o.withWorkers(workers);
        }
        if (min != null) {
            requirePositive("--min", min);
            o = o.withMinWorkers(min);
        }
        if (max != null) {
            requirePositive("--max", max);
            o = o.withMaxWorkers(max);
        }
        if (keepAlive != null) {
            o = o.withKeepAlive(keepAlive);
        }
        if (policy != null) {
            o = o.withPolicy(policy);
        }
        if (loops != null) {
            o = o.with("loops", Integer.toString(loops));
        }
        if (accept != null) {
            o = o.with("accept", accept);
        }
        if (highWater != null) {
            o = o.with("high-water", Integer.toString(highWater));
        }
        if (lowWater != null) {
            o = o.with("low-water", Integer.toString(lowWater));
        }
        if (slowCallback != null) {
            o = o.with("slow-callback-ms", Long.toString(Math.max(1, slowCallback.toMillis())));
        }
        return process.apply(o);
    }

    ServerConfig config() {
        return new ServerConfig(host, port, backlog, idleTimeout, maxMessageBytes, framing, maxPendingBytes,
                writeTimeout, messageTimeout, new ConnectionLimits(maxConnections, maxConnectionsPerIp, maxAcceptRate))
                .withTls(tls.settings())
                .withProxyProtocol(proxyProtocol());
    }

    private ProxyProtocol proxyProtocol() {
        ProxyProtocol.Mode mode = ProxyProtocol.Mode.parse(proxyProtocol);
        if (mode == ProxyProtocol.Mode.OFF) {
            if (!proxyFrom.isEmpty()) {
                throw new IllegalArgumentException("--proxy-from needs --proxy-protocol v1, v2 or any");
            }
            return ProxyProtocol.off();
        }
        return new ProxyProtocol(mode, proxyFrom.stream().map(Cidr::parse).toList(), proxyHeaderTimeout);
    }

    /**
     * What the status page lists as the server's settings: the service, the config in effect, then
     * the model's knobs that were given (a model reads the ones it understands).
     */
    Map<String, String> settings(String service) {
        ServerConfig c = config();
        ModelOptions o = modelOptions();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("service", service);
        m.put("framing", c.framing().cliName());
        m.put("max-message-bytes", Integer.toString(c.maxMessageBytes()));
        m.put("idle-timeout", c.idleTimeout().toString());
        m.put("write-timeout", c.writeTimeout().toString());
        m.put("message-timeout", c.messageTimeout().toString());
        m.put("max-pending", Integer.toString(c.maxPendingBytes()));
        m.put("backlog", Integer.toString(c.acceptBacklog()));
        m.put("max-connections", maxConnections > 0 ? Integer.toString(maxConnections) : "no bound");
        m.put("max-connections-per-ip", maxConnectionsPerIp > 0 ? Integer.toString(maxConnectionsPerIp) : "no bound");
        m.put("max-accept-rate", maxAcceptRate > 0 ? maxAcceptRate + "/s" : "no bound");
        m.put("tls", c.tls() == null ? "off" : "on");
        m.put("proxy-protocol", proxyProtocol);
        o.workers().ifPresent(n -> m.put("workers", n.toString()));
        o.minWorkers().ifPresent(n -> m.put("min", n.toString()));
        o.maxWorkers().ifPresent(n -> m.put("max", n.toString()));
        o.keepAlive().ifPresent(d -> m.put("keep-alive", d.toString()));
        o.policy().ifPresent(p -> m.put("policy", p));
        new TreeMap<>(o.extra()).forEach(m::put);
        return m;
    }

    /** A builder with the model, its options and the config; the caller adds a service or listeners. */
    Server.Builder builder() {
        Models.require(model); // an unknown name fails here, listing the known ones
        ServerConfig config = config();
        if (config.tls() != null) {
            ServerTls.load(config.tls()); // a bad certificate or key fails here, naming the file
        }
        return Server.builder().model(model).options(modelOptions()).config(config);
    }

    private static void requirePositive(String option, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be >= 1 (got " + n + ")");
        }
    }
}
