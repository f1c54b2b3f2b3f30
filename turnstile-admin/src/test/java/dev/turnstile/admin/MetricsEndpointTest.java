package dev.turnstile.admin;

import com.sun.net.httpserver.HttpServer;
import dev.turnstile.api.ServerStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class MetricsEndpointTest {

    private final ServerStats stats = new ServerStats();
    private ServerMetrics metrics;
    private HttpServer http;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void serve() throws Exception {
        metrics = new ServerMetrics(stats, "event-loop", ServerMeters.WorkerMeters.PER_WORKER, ServerMetrics.Jmx.OFF);
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/metrics", metrics.endpoint());
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
        metrics.close();
        client.close();
    }

    @Test
    void servesTheScrapeInTheTextFormat() throws Exception {
        stats.bytesIn(42);
        HttpResponse<String> response = client.send(request().GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.TEXT_FORMAT);
        assertThat(response.body()).contains("# TYPE turnstile_bytes_received_total counter")
                .contains("turnstile_bytes_received_total 42.0");
    }

    @Test
    void servesOpenMetricsToAScraperThatAsksForIt() throws Exception {
        HttpResponse<String> response = client.send(request().header("Accept", "application/openmetrics-text; version=1.0.0")
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.OPENMETRICS_FORMAT);
        assertThat(response.body()).contains("# TYPE turnstile_messages counter").endsWith("# EOF\n");
    }

    @Test
    void refusesAPost() throws Exception {
        HttpResponse<String> response = client.send(request().POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
    }

    private HttpRequest.Builder request() {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/metrics"));
    }
}
