package dev.turnstile.admin;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ServerStats;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.RunningServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ServerMetersTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 7000);

    @Test
    void countersFollowTheStatsTheyRead() {
        ServerStats stats = new ServerStats();
        MeterRegistry registry = new SimpleMeterRegistry();
        new ServerMeters(stats, "test", ServerMeters.WorkerMeters.PER_WORKER).bindTo(registry);

        ConnectionInfo info = new ConnectionInfo(1, PEER, LOCAL, "worker-1");
        stats.connectionOpened(info);
        stats.worker("worker-1").messageHandled();
        stats.bytesIn(10);
        stats.bytesOut(12);
        assertThat(registry.get("turnstile.connections.open").gauge().value()).isEqualTo(1.0);
        stats.connectionClosed(info, CloseReason.IDLE_TIMEOUT);
        stats.limitReached(ConnectionLimit.MAX_CONNECTIONS_PER_IP);
        stats.acceptFailed(Duration.ofMillis(5));
        stats.acceptFailed(Duration.ofMillis(10));
        stats.poolResized(4, "grew to 4");

        assertThat(registry.get("turnstile.connections.open").gauge().value()).isZero();
        assertThat(count(registry, "turnstile.connections.accepted")).isEqualTo(1.0);
        assertThat(registry.get("turnstile.connections.closed").tag("reason", "idle_timeout").functionCounter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("turnstile.connections.closed").tag("reason", "peer_closed").functionCounter().count())
                .isZero();
        assertThat(count(registry, "turnstile.messages")).isEqualTo(1.0);
        assertThat(count(registry, "turnstile.bytes.received")).isEqualTo(10.0);
        assertThat(count(registry, "turnstile.bytes.sent")).isEqualTo(12.0);
        assertThat(registry.get("turnstile.limit.hits").tag("limit", "max-connections-per-ip").functionCounter().count())
                .isEqualTo(1.0);
        assertThat(count(registry, "turnstile.accept.errors")).isEqualTo(2.0);
        assertThat(count(registry, "turnstile.accept.backoff.seconds")).isEqualTo(0.015);
        assertThat(registry.get("turnstile.pool.size").gauge().value()).isEqualTo(4.0);
        assertThat(count(registry, "turnstile.pool.changes")).isEqualTo(1.0);
        assertThat(registry.get("turnstile.worker.messages").tag("worker", "worker-1").functionCounter().count())
                .isEqualTo(1.0);
    }

    @Test
    void handlerTimeGoesToTheHistogramThroughTheStatsSink() {
        ServerStats stats = new ServerStats();
        MeterRegistry registry = new SimpleMeterRegistry();
        new ServerMeters(stats, "test", ServerMeters.WorkerMeters.NONE).bindTo(registry);

        stats.handlerTime(2_000_000); // 2 ms
        stats.handlerTime(50_000);

        assertThat(registry.get("turnstile.handler").timer().count()).isEqualTo(2);
        assertThat(registry.get("turnstile.handler").timer().max(java.util.concurrent.TimeUnit.NANOSECONDS))
                .isEqualTo(2_000_000.0);
    }

    @Test
    void perConnectionWorkersGetNoSeriesOfTheirOwn() {
        ServerStats stats = new ServerStats();
        MeterRegistry registry = new SimpleMeterRegistry();
        new ServerMeters(stats, "test", ServerMeters.WorkerMeters.NONE).bindTo(registry);

        ConnectionInfo info = new ConnectionInfo(1, PEER, LOCAL, "conn-1");
        stats.connectionOpened(info);
        stats.connectionClosed(info, CloseReason.PEER_CLOSED);

        assertThat(registry.find("turnstile.worker.connections").meters()).isEmpty();
        assertThat(count(registry, "turnstile.connections.accepted")).isEqualTo(1.0);
    }

    @Test
    void aRealServersScrapeCountsItsConnectionsAndMessages() {
        try (RunningServer server = RunningServer.start("thread-pool", ModelOptions.none().withWorkers(2));
             ServerMetrics metrics = new ServerMetrics(server.server().stats(), "thread-pool",
                     ServerMeters.WorkerMeters.PER_WORKER, ServerMetrics.Jmx.OFF)) {
            try (LineClient client = server.connect()) {
                assertThat(client.ask("one")).isEqualTo("ONE");
                assertThat(client.ask("two")).isEqualTo("TWO");
            }
            server.await("the close", Duration.ofSeconds(10), s -> s.closed() == 1);

            String scrape = metrics.prometheus().scrape();
            assertThat(scrape)
                    .contains("turnstile_connections_accepted_total 1.0")
                    .contains("turnstile_connections_open 0.0")
                    .contains("turnstile_connections_closed_total{reason=\"peer_closed\"} 1.0")
                    .contains("turnstile_messages_total 2.0")
                    .contains("turnstile_bytes_received_total 8.0")
                    .contains("turnstile_bytes_sent_total 8.0")
                    .contains("turnstile_server_info{model=\"thread-pool\"} 1")
                    .contains("turnstile_handler_seconds_bucket{le=\"0.001\"}")
                    .contains("jvm_memory_used_bytes")
                    .contains("jvm_threads_live_threads")
                    .contains("process_uptime_seconds")
                    .contains("process_files_open_files")
                    .contains("system_cpus ")
                    .contains("process_cpu_seconds_total")
                    .doesNotContain("system_cpu_count", "process_cpu_time_ns");
            assertThat(scrape).containsPattern("turnstile_worker_messages_total\\{worker=\"worker-[12]\"} 2.0");
        }
    }

    private static double count(MeterRegistry registry, String name) {
        FunctionCounter c = registry.get(name).functionCounter();
        return c.count();
    }

}
