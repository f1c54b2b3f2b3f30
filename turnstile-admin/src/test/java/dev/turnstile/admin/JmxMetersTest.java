package dev.turnstile.admin;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ServerStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class JmxMetersTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void publishesTheMetersOnThePlatformMBeanServerWhereTheyChangeAndGoneOnClose() throws Exception {
        ServerStats stats = new ServerStats();
        ObjectName messages = new ObjectName("turnstile:name=turnstileMessages,type=meters");
        ObjectName open = new ObjectName("turnstile:name=turnstileConnectionsOpen,type=gauges");
        ObjectName closedByPeer = new ObjectName("turnstile:name=turnstileConnectionsClosed.reason.peer_closed,type=meters");
        try (ServerMetrics metrics = new ServerMetrics(stats, "event-loop", ServerMeters.WorkerMeters.NONE,
                ServerMetrics.Jmx.ON)) {
            assertThat(server.getAttribute(messages, "Count")).isEqualTo(0L);
            assertThat(server.getAttribute(open, "Value")).isEqualTo(0.0);

            ConnectionInfo info = new ConnectionInfo(1, PEER, PEER, "loop-1");
            stats.connectionOpened(info);
            stats.worker("loop-1").messageHandled();
            stats.worker("loop-1").messageHandled();
            assertThat(server.getAttribute(open, "Value")).isEqualTo(1.0);
            stats.connectionClosed(info, CloseReason.PEER_CLOSED);

            assertThat(server.getAttribute(messages, "Count")).isEqualTo(2L);
            assertThat(server.getAttribute(open, "Value")).isEqualTo(0.0);
            assertThat(server.getAttribute(closedByPeer, "Count")).isEqualTo(1L);
            assertThat(server.queryNames(new ObjectName("turnstile:name=jvmThreadsLive,*"), null)).hasSize(1);
        }
        assertThat(server.isRegistered(messages)).isFalse();
    }

    @Test
    void publishesNothingOverJmxWithoutTheOption() throws Exception {
        try (ServerMetrics metrics = new ServerMetrics(new ServerStats(), "event-loop", ServerMeters.WorkerMeters.NONE,
                ServerMetrics.Jmx.OFF)) {
            assertThat(server.queryNames(new ObjectName(ServerMetrics.JMX_DOMAIN + ":*"), null)).isEmpty();
            assertThat(metrics.prometheus().scrape()).contains("turnstile_messages_total");
        }
    }
}
