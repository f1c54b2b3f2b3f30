package dev.turnstile.core;

import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ServerStats;
import dev.turnstile.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class AcceptLimitsTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);

    @Test
    void aServerHeldAtItsLimitByAQueueCountsOneEpisode() {
        ServerStats stats = new ServerStats();
        AcceptLimits limits = new AcceptLimits(ConnectionLimits.none().withMaxConnections(2), stats, "test");
        for (int i = 0; i < 2; i++) {
            assertThat(limits.tryAcquire()).isTrue();
            assertThat(limits.admit(PEER)).isTrue();
        }
        assertThat(limits.tryAcquire()).isFalse();
        assertThat(limits.atCeiling()).isTrue();
        for (int i = 0; i < 50; i++) { // each close lets one waiting connection in
            limits.closed(PEER);
            assertThat(limits.tryAcquire()).isTrue();
            assertThat(limits.admit(PEER)).isTrue();
        }
        assertThat(stats.snapshot().hitsOf(ConnectionLimit.MAX_CONNECTIONS)).isEqualTo(1);
        assertThat(limits.inCeilingEpisode()).isTrue();
        limits.closed(PEER); // below the limit: the episode ends once that has lasted a second
        Poll.until("the episode ends", Duration.ofSeconds(5), () -> !limits.inCeilingEpisode());
        assertThat(limits.tryAcquire()).isTrue();
        assertThat(limits.admit(PEER)).isTrue(); // back at the limit: a new episode
        assertThat(stats.snapshot().hitsOf(ConnectionLimit.MAX_CONNECTIONS)).isEqualTo(2);
    }

    @Test
    void aRefusalByPeerIsCountedAndLeavesNoCount() {
        ServerStats stats = new ServerStats();
        AcceptLimits limits = new AcceptLimits(ConnectionLimits.none().withMaxConnectionsPerIp(1), stats, "test");
        assertThat(limits.admit(PEER)).isTrue();
        assertThat(limits.admit(PEER)).isFalse();
        limits.closed(PEER);
        assertThat(limits.admit(PEER)).isTrue();
        assertThat(stats.snapshot().rejected()).isEqualTo(1);
        assertThat(stats.snapshot().hitsOf(ConnectionLimit.MAX_CONNECTIONS_PER_IP)).isEqualTo(1);
    }

    @Test
    void behindABalancerThePerSourceLimitsCountTheHeadersClient() {
        ServerStats stats = new ServerStats();
        AcceptLimits limits = new AcceptLimits(ConnectionLimits.none().withMaxConnectionsPerIp(1), stats, "test",
                AcceptLimits.SourceCheck.AFTER_PROXY_HEADER);
        InetSocketAddress a = new InetSocketAddress("192.0.2.1", 1), b = new InetSocketAddress("192.0.2.2", 2);
        assertThat(limits.admit(PEER)).isTrue(); // the balancer, twice: not held to one
        assertThat(limits.admit(PEER)).isTrue();
        assertThat(limits.admitSource(a)).isTrue();
        assertThat(limits.admitSource(b)).isTrue();
        assertThat(limits.admitSource(a)).isFalse(); // a's second connection
        limits.closed(PEER); // the refused one's accept-time part goes back; its client never counted
        limits.closedSource(a);
        limits.closed(PEER);
        assertThat(limits.admitSource(a)).isTrue();
        assertThat(stats.snapshot().rejected()).isEqualTo(1);
        assertThat(new AcceptLimits(ConnectionLimits.none().withMaxConnectionsPerIp(1), stats, "test").admitSource(a))
                .as("at accept, admitSource has nothing to add").isTrue();
    }

    @Test
    void noLimitsAdmitsEverything() {
        AcceptLimits limits = new AcceptLimits(ConnectionLimits.none(), new ServerStats(), "test");
        for (int i = 0; i < 1000; i++) {
            assertThat(limits.tryAcquire()).isTrue();
            assertThat(limits.admit(PEER)).isTrue();
        }
        assertThat(limits.atCeiling()).isFalse();
    }
}
