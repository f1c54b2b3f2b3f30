package dev.turnstile.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin endpoint of a running server, on the JDK's own {@code jdk.httpserver}:
 * <ul>
 * <li>{@code /status}: the live status page (HTML, CSS and JavaScript from this jar, no CDN),
 *     which polls {@code /status.json} every second;</li>
 * <li>{@code /status.json}: the same picture for programs ({@link StatusJson} lists the fields);</li>
 * <li>whatever further contexts the caller adds (the Prometheus {@code /metrics}).</li>
 * </ul>
 * {@code /} redirects to {@code /status}; anything else is 404. Only GET and HEAD are answered.
 *
 * <p><b>Bounds.</b> Two daemon threads, {@code turnstile-admin-N}, with a queue of 32 requests;
 * past that a request is refused (its connection closed) rather than queued without end, so a
 * busy admin port never takes more from the server than that. The address is the caller's:
 * loopback by default on the command line.
 * <p><b>Thread-safety.</b> Started once; {@link #close} from any thread, idempotent.
 */
public final class AdminServer implements AutoCloseable {

    private static final String RESOURCES = "/dev/turnstile/admin/";
    private static final Map<String, String> PAGES = Map.of(
            "/status", "status.html text/html",
            "/status.css", "status.css text/css",
            "/status.js", "status.js text/javascript");

    private final HttpServer http;
    private final ThreadPoolExecutor executor;

    private AdminServer(HttpServer http, ThreadPoolExecutor executor) {
        this.http = http;
        this.executor = executor;
    }

    /** Serves the status page and its JSON on {@code address} (port 0: any free port). */
    public static AdminServer start(InetSocketAddress address, StatusSource source) throws IOException {
        return start(address, source, Map.of());
    }

    /**
     * As {@link #start(InetSocketAddress, StatusSource)}, with further contexts: path (such as
     * {@code /metrics}) to handler. A path may not replace the status page's own.
     *
     * @throws IOException naming the address when it is in use or cannot be bound
     */
    public static AdminServer start(InetSocketAddress address, StatusSource source, Map<String, HttpHandler> extra)
            throws IOException {
        Objects.requireNonNull(source, "source");
        Map<String, HttpHandler> contexts = new LinkedHashMap<>();
        contexts.put("/status.json", exchange -> json(exchange, source));
        PAGES.forEach((path, resource) -> contexts.put(path, exchange -> resource(exchange, resource)));
        for (Map.Entry<String, HttpHandler> e : extra.entrySet()) {
            if (contexts.containsKey(e.getKey()) || e.getKey().equals("/")) {
                throw new IllegalArgumentException("admin path " + e.getKey() + " is the status page's own");
            }
            contexts.put(e.getKey(), e.getValue());
        }
        contexts.put("/", AdminServer::rootOrMissing);

        HttpServer http;
        try {
            http = HttpServer.create(address, 16);
        } catch (BindException e) {
            throw new IOException("admin address " + describe(address) + " is not available (" + e.getMessage()
                    + "): is another server using the port? Pick another with --admin-port", e);
        }
        AtomicInteger names = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(32),
                work -> Thread.ofPlatform().daemon().name("turnstile-admin-" + names.incrementAndGet()).unstarted(work),
                (request, pool) -> {
                    throw new java.util.concurrent.RejectedExecutionException("admin endpoint busy");
                });
        http.setExecutor(executor);
        contexts.forEach((path, handler) -> http.createContext(path, exchange -> {
            try (exchange) {
                String method = exchange.getRequestMethod();
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                    send(exchange, 405, "text/plain", "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                handler.handle(exchange);
            } catch (IOException | RuntimeException e) {
                System.getLogger(AdminServer.class.getName()).log(System.Logger.Level.DEBUG,
                        "admin request " + exchange.getRequestURI() + " failed", e);
            }
        }));
        http.start();
        return new AdminServer(http, executor);
    }

    /** Where it listens, with the port it got. */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** The status page's address, such as {@code http://127.0.0.1:8081/status}. */
    public URI statusPage() {
        return URI.create("http://" + describe(address()) + "/status");
    }

    /** Stops answering at once; requests in progress get a moment to finish. */
    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    private static String describe(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static void json(HttpExchange exchange, StatusSource source) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/status.json")) {
            missing(exchange);
            return;
        }
        String body = StatusJson.write(source.facts(), source.snapshot(), Instant.now());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, 200, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void resource(HttpExchange exchange, String resource) throws IOException {
        String[] nameAndType = resource.split(" ");
        if (!PAGES.containsKey(exchange.getRequestURI().getPath())) {
            missing(exchange);
            return;
        }
        byte[] body;
        try (InputStream in = AdminServer.class.getResourceAsStream(RESOURCES + nameAndType[0])) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("resource " + nameAndType[0] + " is missing from the jar"));
            }
            body = in.readAllBytes();
        }
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        send(exchange, 200, nameAndType[1], body);
    }

    private static void rootOrMissing(HttpExchange exchange) throws IOException {
        if (exchange.getRequestURI().getPath().equals("/")) {
            exchange.getResponseHeaders().set("Location", "/status");
            send(exchange, 302, "text/plain", "see /status\n".getBytes(StandardCharsets.UTF_8));
        } else {
            missing(exchange);
        }
    }

    private static void missing(HttpExchange exchange) throws IOException {
        send(exchange, 404, "text/plain",
                "not here: try /status or /status.json\n".getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
