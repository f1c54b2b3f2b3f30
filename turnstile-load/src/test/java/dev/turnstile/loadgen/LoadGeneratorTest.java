package dev.turnstile.loadgen;

import dev.turnstile.api.Framing;
import dev.turnstile.core.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.turnstile.loadgen.TestServers.against;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class LoadGeneratorTest {

    @Test
    void pingPongCountsEveryMessageExactly() throws Exception {
        try (Server server = TestServers.echo(Framing.LINE)) {
            LoadResult r = LoadGenerator.run(against(server).connections(20).threads(2).messagesPerConnection(50).build());

            assertThat(r.errors()).isEqualTo(ErrorCounts.NONE);
            assertThat(r.ok()).isTrue();
            assertThat(r.messages()).isEqualTo(20 * 50);
            assertThat(r.latency().getTotalCount()).isEqualTo(20 * 50);
            assertThat(r.connects()).isEqualTo(20);
            assertThat(r.threads()).isEqualTo(2);
            assertThat(r.durationSeconds()).isPositive();
            assertThat(r.messagesPerSecond()).isPositive();
        }
    }

    @Test
    void warmupMessagesAreNotCounted() throws Exception {
        try (Server server = TestServers.echo(Framing.LINE)) {
            LoadResult r = LoadGenerator.run(against(server).connections(4).messagesPerConnection(10)
                    .warmup(Duration.ofMillis(300)).build());

            assertThat(r.ok()).isTrue();
            assertThat(r.messages()).isEqualTo(40);
            assertThat(r.warmupSeconds()).isEqualTo(0.3);
        }
    }

    @Test
    void rawFramingGetsRepliesWithoutNewlines() throws Exception {
        try (Server server = TestServers.echo(Framing.RAW)) {
            LoadResult r = LoadGenerator.run(against(server).framing(Framing.RAW).connections(5)
                    .messagesPerConnection(40).build());

            assertThat(r.errors()).isEqualTo(ErrorCounts.NONE);
            assertThat(r.messages()).isEqualTo(200);
            assertThat(r.framing()).isEqualTo("raw");
        }
    }

    @Test
    void randomPayloadsOfAGivenSizeAreChecked() throws Exception {
        try (Server server = TestServers.echo(Framing.LINE)) {
            LoadResult r = LoadGenerator.run(against(server).messageSet(MessageSet.random(20_000)).connections(3)
                    .messagesPerConnection(30).build());

            assertThat(r.errors()).isEqualTo(ErrorCounts.NONE);
            assertThat(r.messages()).isEqualTo(90);
            assertThat(r.messageSet()).isEqualTo("20000");
        }
    }

    @Test
    void countsEveryWrongReplyAsAMismatch() throws Exception {
        try (Server server = TestServers.lowercase()) {
            LoadResult r = LoadGenerator.run(against(server).connections(7).messagesPerConnection(10).build());

            assertThat(r.errors().mismatches()).isEqualTo(7);
            assertThat(r.errors().total()).isEqualTo(7);
            assertThat(r.messages()).isZero();
            assertThat(r.ok()).isFalse();
            assertThat(r.firstError()).startsWith("mismatches: reply to ").contains("was '");
        }
    }

    @Test
    void countsRefusedConnects() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        LoadResult r = LoadGenerator.run(LoadOptions.builder().port(closedPort).connections(5)
                .warmup(Duration.ZERO).duration(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(2)).build());

        assertThat(r.errors().refused()).isEqualTo(5);
        assertThat(r.connects()).isZero();
        assertThat(r.ok()).isFalse();
        assertThat(r.firstError()).startsWith("refused: ");
    }

    @Test
    void countsRepliesMissingWhenTheServerCloses() throws Exception {
        try (Server server = TestServers.closesOnSecondMessage()) {
            LoadResult r = LoadGenerator.run(against(server).connections(6).messagesPerConnection(10).build());

            assertThat(r.errors().missing()).isEqualTo(6);
            assertThat(r.errors().total()).isEqualTo(6);
            assertThat(r.messages()).isEqualTo(6);  // each connection's first reply came
        }
    }

    @Test
    void countsTimeoutsWhenNoReplyComes() throws Exception {
        try (Server server = TestServers.silent()) {
            LoadResult r = LoadGenerator.run(against(server).connections(4).timeout(Duration.ofMillis(300))
                    .duration(Duration.ofSeconds(1)).build());

            assertThat(r.errors().timeouts()).isEqualTo(4);
            assertThat(r.errors().total()).isEqualTo(4);
            assertThat(r.messages()).isZero();
            assertThat(r.firstError()).isEqualTo("timeouts: no reply within 300ms");
        }
    }

    @Test
    void churnCountsEveryConnectSendCloseCycle() throws Exception {
        try (Server server = TestServers.echo(Framing.LINE)) {
            LoadResult r = LoadGenerator.run(against(server).workload(Workload.CHURN).connections(4)
                    .messagesPerConnection(25).build());

            assertThat(r.errors()).isEqualTo(ErrorCounts.NONE);
            assertThat(r.connects()).isEqualTo(100);
            assertThat(r.messages()).isEqualTo(100);
            assertThat(r.connectsPerSecond()).isPositive();
        }
    }

    @Test
    void churnSpreadsConnectsOverSourceAddresses() throws Exception {
        try (Server server = TestServers.echo(Framing.LINE)) {
            LoadResult r = LoadGenerator.run(against(server).workload(Workload.CHURN).connections(2)
                    .messagesPerConnection(10).sourceAddresses(SourceAddresses.parse("127.0.0.1-127.0.0.4")).build());

            assertThat(r.errors()).isEqualTo(ErrorCounts.NONE);
            assertThat(r.connects()).isEqualTo(20);
        }
    }

    @Test
    void thinkPausesStayWithinTheBound() throws Exception {
        // Each message waits a pause drawn from [0, 40 ms] (mean 20 ms): over 1.5 s a connection sends
        // about 75 messages. Without pauses it would send thousands; with pauses over the bound, fewer
        // than 1.5 s / 40 ms = 37 (replies here take far less than the pauses).
        List<ProgressSample> samples = new CopyOnWriteArrayList<>();
        try (Server server = TestServers.echo(Framing.LINE)) {
            LoadResult r = LoadGenerator.run(against(server).workload(Workload.THINK).connections(10)
                    .thinkMax(Duration.ofMillis(40)).duration(Duration.ofMillis(1500)).build(), samples::add);

            assertThat(r.errors()).isEqualTo(ErrorCounts.NONE);
            long perConnection = r.messages() / 10;
            assertThat(perConnection).isBetween(30L, 200L);
            assertThat(samples).isNotEmpty();
            assertThat(samples.getFirst().open()).isEqualTo(10);
        }
    }

    @Test
    void rateModeShowsAStallAsLatencyOfEveryDelayedMessage() throws Exception {
        // 5 connections share 500 messages/s: each sends every 10 ms. The 100th message stalls 300 ms
        // on the server. Measured from the actual send, one message would be slow; measured from the
        // intended send, as here, so is every message its connection meant to send during the stall
        // (about 30), since they queue behind it.
        try (Server server = TestServers.stallsOnce(100, Duration.ofMillis(300))) {
            LoadResult r = LoadGenerator.run(against(server).workload(Workload.RATE).rate(500).connections(5)
                    .duration(Duration.ofMillis(1500)).build());

            assertThat(r.errors()).isEqualTo(ErrorCounts.NONE);
            long slow = r.latency().getCountBetweenValues(50_000, Latency.HIGHEST_MICROS);
            assertThat(slow).isGreaterThanOrEqualTo(15);
            assertThat(r.latency().getMaxValue()).isGreaterThanOrEqualTo(250_000);
            // open loop: the stall did not reduce what was sent
            assertThat(r.messages()).isBetween(740L, 750L);
        }
    }
}
