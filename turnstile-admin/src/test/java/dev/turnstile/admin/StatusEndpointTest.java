package dev.turnstile.admin;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ServerStats;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.Poll;
import dev.turnstile.testing.RunningServer;
import dev.turnstile.testing.TestModels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /status.json} and the page over real HTTP, for every in-process model and the process
 * models: the model, its workers with their states, an open connection with its counters.
 */
@Timeout(120)
class StatusEndpointTest {

    static final ModelOptions OPTIONS = ModelOptions.none().withWorkers(3).withMinWorkers(1).withMaxWorkers(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Stream<String> models() {
        return TestModels.inProcess();
    }

    static Stream<String> processModels() {
        return TestModels.inOtherProcesses();
    }

    static AdminServer adminFor(RunningServer server, String model) throws IOException {
        ServerFacts facts = ServerFacts.ofThisProcess(model, Map.of("workers", "3", "framing", "line \"auto\""),
                "127.0.0.1:" + server.port());
        return AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                StatusSource.of(facts, server.server().stats()));
    }

    static HttpResponse<String> get(AdminServer admin, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void showsTheModelItsWorkersAndAnOpenConnection(String model) throws IOException {
        try (RunningServer server = RunningServer.start(model, OPTIONS);
             AdminServer admin = adminFor(server, model);
             LineClient client = server.connect()) {
            assertEquals("HELLO", client.ask("hello"));
            String json = Poll.until("the connection listed with its message", Duration.ofSeconds(15),
                    () -> get(admin, "/status.json").body(),
                    body -> body.contains("\"messages\":1,\"bytesIn\":6,\"bytesOut\":6,\"state\"") // the connection
                            && body.contains("\"messages\":1,\"bytesIn\":6,\"bytesOut\":6,\"closeReasons\"")); // the totals
            assertTrue(json.startsWith("{\"server\":{\"model\":\"" + model + "\""), json);
            assertTrue(json.contains("\"framing\":\"line \\\"auto\\\"\""), json);
            assertTrue(json.contains("\"listen\":\"127.0.0.1:" + server.port() + "\""), json);
            assertTrue(json.contains("\"pid\":" + ProcessHandle.current().pid()), json);
            assertTrue(Pattern.compile("\"totals\":\\{\"accepted\":1,\"open\":1,\"peakOpen\":1,\"closed\":0,\"rejected\":0,"
                    + "\"messages\":1,\"bytesIn\":6,\"bytesOut\":6,\"closeReasons\":\\{\"peer_closed\":0,").matcher(json).find(), json);
            assertTrue(Pattern.compile("\"workers\":\\[\\{\"name\":\"[^\"]+\",\"kind\":\"(thread|virtual-thread|loop|process)\","
                    + "\"state\":\"(idle|reading|handling|writing|closing|starting|retiring)\"").matcher(json).find(), json);
            assertTrue(Pattern.compile("\"connections\":\\[\\{\"id\":\\d+,\"peer\":\"127\\.0\\.0\\.1:" + client.localPort()
                    + "\",\"worker\":\"[^\"]+\",\"ageMillis\":\\d+,\"messages\":1,\"bytesIn\":6,\"bytesOut\":6,"
                    + "\"state\":\"[a-z]+\"}]").matcher(json).find(), json);
            assertTrue(json.contains("\"connectionsListed\":1,\"connectionsOpen\":1"), json);
            assertTrue(Pattern.compile("\"sampledAt\":\"\\d{4}-\\d\\d-\\d\\dT[^\"]+Z\"}$").matcher(json).find(), json);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void servesTheStatusOfEveryInProcessModel(String model) throws IOException {
        showsTheModelItsWorkersAndAnOpenConnection(model);
    }

    @Tag("process")
    @ParameterizedTest(name = "{0}")
    @MethodSource("processModels")
    void servesTheStatusOfEveryProcessModelFromItsMaster(String model) throws IOException {
        showsTheModelItsWorkersAndAnOpenConnection(model);
    }

    @Test
    void servesThePageItsScriptAndStyleAndRefusesTheRest() throws IOException {
        try (AdminServer admin = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                StatusSource.of(ServerFacts.ofThisProcess("test", Map.of(), "127.0.0.1:1"), new ServerStats()),
                Map.of("/metrics", exchange -> {
                    byte[] body = "# metrics here\n".getBytes();
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                }))) {
            HttpResponse<String> page = get(admin, "/status");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<script src=\"/status.js\">"), page.body());
            assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(get(admin, "/status.js").body().contains("fetch('/status.json'"));
            assertTrue(get(admin, "/status.css").body().contains(".cell"));
            assertEquals("# metrics here\n", get(admin, "/metrics").body());
            assertEquals(404, get(admin, "/nothing").statusCode());
            assertEquals(404, get(admin, "/status.json/more").statusCode());
            HttpResponse<String> root = get(admin, "/");
            assertEquals(302, root.statusCode());
            assertEquals("/status", root.headers().firstValue("Location").orElseThrow());
            assertTrue(get(admin, "/status.json").body().contains("\"poolSize\":null"));
            assertTrue(admin.statusPage().toString().matches("http://127\\.0\\.0\\.1:\\d+/status"), admin.statusPage().toString());
        }
    }

    @Test
    void saysWhichAddressIsTakenWhenThePortIsInUse() throws IOException {
        StatusSource source = StatusSource.of(ServerFacts.ofThisProcess("test", Map.of(), "-"), new ServerStats());
        try (AdminServer first = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), source)) {
            IOException e = assertThrows(IOException.class, () -> AdminServer.start(first.address(), source));
            assertTrue(e.getMessage().contains("127.0.0.1:" + first.address().getPort()), e.getMessage());
            assertTrue(e.getMessage().contains("--admin-port"), e.getMessage());
        }
    }

    @Test
    void refusesAnExtraPathThatWouldHideTheStatusPage() {
        StatusSource source = StatusSource.of(ServerFacts.ofThisProcess("test", Map.of(), "-"), new ServerStats());
        assertThrows(IllegalArgumentException.class, () -> AdminServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), source, Map.of("/status", exchange -> { })));
    }
}
