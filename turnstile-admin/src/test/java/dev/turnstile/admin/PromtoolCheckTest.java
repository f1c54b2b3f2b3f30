package dev.turnstile.admin;

import com.sun.net.httpserver.HttpServer;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A real scrape, over HTTP from a server that served, passes {@code promtool check metrics} (the
 * Prometheus project's own linter: format, names, suffixes, help). promtool comes with Debian's
 * {@code prometheus} package, which {@code scripts/install-test-tools} installs; without it this
 * test fails saying so, it does not skip.
 */
@Timeout(60)
class PromtoolCheckTest {

    @TempDir
    Path dir;

    @Test
    void aRealScrapePassesPromtoolCheckMetrics() throws Exception {
        String scrape;
        try (RunningServer server = RunningServer.start("multi-loop", ModelOptions.none().with("loops", "2"));
             ServerMetrics metrics = new ServerMetrics(server.server().stats(), "multi-loop",
                     ServerMeters.WorkerMeters.PER_WORKER, ServerMetrics.Jmx.OFF)) {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/metrics", metrics.endpoint());
            http.start();
            try (HttpClient client = HttpClient.newHttpClient()) {
                for (int i = 0; i < 3; i++) {
                    try (LineClient c = server.connect()) {
                        assertThat(c.ask("scrape me " + i)).isEqualTo("SCRAPE ME " + i);
                    }
                }
                server.await("three closes", Duration.ofSeconds(10), s -> s.closed() == 3);
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                scrape = response.body();
            } finally {
                http.stop(0);
            }
        }
        assertThat(scrape).contains("turnstile_connections_accepted_total 3.0", "turnstile_handler_seconds_count 3" /* the loops time the first message of each connection */,
                "turnstile_worker_connections_total{worker=\"loop-");
        Path file = dir.resolve("scrape.txt");
        Files.writeString(file, scrape);

        Process promtool = startPromtool(file);
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.exitValue()).as("promtool check metrics said:%n%s", said).isZero();
        assertThat(said).as("promtool's complaints").isBlank();
    }

    private static Process startPromtool(Path scrape) throws IOException {
        try {
            return new ProcessBuilder("promtool", "check", "metrics").redirectInput(scrape.toFile())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return fail("promtool is not installed (Debian package prometheus): run scripts/install-test-tools, "
                    + "or install it, and run again (" + e.getMessage() + ")");
        }
    }
}
