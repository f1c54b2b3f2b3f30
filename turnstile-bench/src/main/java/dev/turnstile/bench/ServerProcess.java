package dev.turnstile.bench;

import dev.turnstile.api.FramedService;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.TlsSettings;
import dev.turnstile.bench.peer.NettyEchoServer;
import dev.turnstile.core.Server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The server side of one benchmark cell, as a process of its own: serves echo-uppercase under a
 * model (built with {@link Server#builder()}, as {@code turnstile serve} does) or as a peer, prints
 * {@code listening on HOST:PORT (model NAME)} once bound, and stops on SIGTERM, draining for
 * {@link #DRAIN}.
 *
 * <pre>
 * ServerProcess --model NAME [--workers N] [--min N] [--max N] [--policy P] [--option KEY=VALUE]...
 *               [--service CLASS]                   another service than echo-uppercase (the evidence report's)
 * ServerProcess --peer netty [--loops N]
 *   common: [--host H] [--port P] [--backlog N]      (framing is line, as the load generator sends)
 *           [--tls-cert FILE --tls-key FILE]          TLS with this PEM certificate and key
 * </pre>
 *
 * <p>A model is given TLS with the same {@code --tls-cert}/{@code --tls-key} flags as
 * {@code turnstile serve}; until the server side of TLS is part of this build, a model refuses
 * them at start with a reason (exit status 2), so a TLS cell of a model fails saying so instead of
 * measuring plaintext. The Netty peer serves TLS with {@link NettyEchoServer#startTls}.
 */
public final class ServerProcess {

    static final Duration DRAIN = Duration.ofSeconds(2);
    static final int MAX_LINE_BYTES = 64 * 1024;

    private ServerProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        try {
            serve(parse(args));
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("server: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void serve(Map<String, String> flags) throws IOException, InterruptedException {
        String host = flags.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(flags.getOrDefault("port", "0"));
        int backlog = Integer.parseInt(flags.getOrDefault("backlog", String.valueOf(BenchPlan.BACKLOG)));
        if (flags.containsKey("peer")) {
            servePeer(flags, host, port, backlog);
        } else {
            serveModel(flags, host, port, backlog);
        }
    }

    private static void serveModel(Map<String, String> flags, String host, int port, int backlog)
            throws IOException, InterruptedException {
        String model = flags.getOrDefault("model", "thread-per-connection");
        ServerCertificate certificate = tls(flags);
        ModelOptions options = ModelOptions.none();
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            options = switch (flag.getKey()) {
                case "workers" -> options.withWorkers(Integer.parseInt(flag.getValue()));
                case "min" -> options.withMinWorkers(Integer.parseInt(flag.getValue()));
                case "max" -> options.withMaxWorkers(Integer.parseInt(flag.getValue()));
                case "policy" -> options.withPolicy(flag.getValue());
                default -> flag.getKey().startsWith("option.")
                        ? options.with(flag.getKey().substring("option.".length()), flag.getValue()) : options;
            };
        }
        Server.Builder builder = Server.builder();
        if (flags.containsKey("service")) {
            builder.service(service(flags.get("service")));
        }
        Server server = builder.model(model).options(options).host(host).port(port)
                .acceptBacklog(backlog).maxMessageBytes(MAX_LINE_BYTES).framing(Framing.LINE)
                .tls(certificate == null ? null : TlsSettings.pem(certificate.certificate(), certificate.key()))
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(DRAIN), "turnstile-bench-stop"));
        announce(server.address(), model);
        server.awaitTermination();
        // stopped by itself (not by SIGTERM, whose hook is still running): say why, and exit non-zero
        server.failure().ifPresent(why -> {
            System.err.println("server: the model stopped by itself: " + why);
            System.exit(3);
        });
    }

    private static void servePeer(Map<String, String> flags, String host, int port, int backlog)
            throws InterruptedException {
        String peer = flags.get("peer");
        if (!peer.equals(Lineup.NETTY)) {
            throw new IllegalArgumentException("unknown peer '" + peer + "'; known: " + Lineup.NETTY);
        }
        int loops = Integer.parseInt(flags.getOrDefault("loops", "1"));
        ServerCertificate tls = tls(flags);
        NettyEchoServer server = tls == null ? NettyEchoServer.start(host, port, backlog, loops, MAX_LINE_BYTES)
                : NettyEchoServer.startTls(host, port, backlog, loops, MAX_LINE_BYTES, tls.certificate(), tls.key());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(DRAIN);
            stopped.countDown();
        }, "turnstile-bench-stop"));
        announce(server.localAddress(), peer);
        stopped.await();
    }

    /** A service of this module by class name: a public class with a public no-argument constructor. */
    static FramedService service(String className) {
        try {
            return (FramedService) Class.forName(className).getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException("--service " + className + ": not a FramedService with a public"
                    + " no-argument constructor (" + e + ")");
        }
    }

    /** The certificate and key of {@code --tls-cert}/{@code --tls-key}, or null without them; one alone is an error. */
    static ServerCertificate tls(Map<String, String> flags) {
        String cert = flags.get("tls-cert");
        String key = flags.get("tls-key");
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together (got only "
                    + (cert != null ? "--tls-cert" : "--tls-key") + ")");
        }
        return cert == null ? null : new ServerCertificate(Path.of(cert), Path.of(key));
    }

    private static void announce(InetSocketAddress address, String name) {
        System.out.println("listening on " + address.getHostString() + ":" + address.getPort() + " (model " + name + ")");
        System.out.flush();
    }

    /** {@code --key value} pairs; {@code --option k=v} becomes {@code option.k = v}. */
    static Map<String, String> parse(String[] args) {
        List<String> known = List.of("model", "peer", "host", "port", "backlog", "workers", "min", "max",
                "policy", "loops", "option", "tls-cert", "tls-key", "service");
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --NAME VALUE, got '" + arg + "'");
            }
            String key = arg.substring(2);
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown option '" + arg + "'; known: --" + String.join(", --", known));
            }
            String value = args[++i];
            if (key.equals("option")) {
                int eq = value.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("--option must be KEY=VALUE (got '" + value + "')");
                }
                flags.put("option." + value.substring(0, eq), value.substring(eq + 1));
            } else {
                flags.put(key, value);
            }
        }
        return flags;
    }
}
