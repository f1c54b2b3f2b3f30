package dev.turnstile.bench;

import dev.turnstile.bench.peer.NettyEchoServer;
import dev.turnstile.loadgen.ClientTls;
import dev.turnstile.loadgen.ErrorCounts;
import dev.turnstile.loadgen.LoadGenerator;
import dev.turnstile.loadgen.LoadOptions;
import dev.turnstile.loadgen.LoadResult;
import dev.turnstile.loadgen.MessageSet;
import dev.turnstile.loadgen.Summary;
import dev.turnstile.loadgen.Workload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code turnstile load --tls} against the Netty peer serving TLS ({@code SslHandler}, JDK
 * provider), with a self-signed certificate made for the test: every reply checked and counted,
 * handshakes under churn counted per cycle, and a certificate the client does not trust failing
 * each connection with the engine's reason, not a stack trace.
 */
@Timeout(120)
class TlsLoadTest {

    @TempDir
    static Path dir;
    private static ServerCertificate certificate;
    private static NettyEchoServer server;

    @BeforeAll
    static void startPeer() throws Exception {
        certificate = ServerCertificate.generate(dir, "peer");
        server = NettyEchoServer.startTls("127.0.0.1", 0, 1024, 1, ServerProcess.MAX_LINE_BYTES,
                certificate.certificate(), certificate.key());
    }

    @AfterAll
    static void stopPeer() {
        if (server != null) {
            server.close();
        }
    }

    private static LoadOptions.Builder against(NettyEchoServer s, ClientTls tls) {
        return LoadOptions.builder().host("127.0.0.1").port(s.localAddress().getPort()).warmup(Duration.ZERO)
                .duration(Duration.ofSeconds(30)).timeout(Duration.ofSeconds(10)).tls(tls);
    }

    @Test
    void pingPongOverTlsChecksAndCountsEveryReply() throws Exception {
        LoadResult r = LoadGenerator.run(against(server, ClientTls.trusting(certificate.certificate()))
                .connections(20).threads(2).messagesPerConnection(50).build());

        assertThat(r.errors()).as(r.firstError()).isEqualTo(ErrorCounts.NONE);
        assertThat(r.messages()).isEqualTo(20 * 50);
        assertThat(r.latency().getTotalCount()).isEqualTo(20 * 50);
        assertThat(r.connects()).isEqualTo(20);
        assertThat(r.tls()).isTrue();
        assertThat(Summary.render(r)).contains("ping-pong over TLS");
    }

    @Test
    void payloadsLargerThanARecordArriveWhole() throws Exception {
        LoadResult r = LoadGenerator.run(against(server, ClientTls.trustingAny()).messageSet(MessageSet.random(40_000))
                .connections(3).threads(1).messagesPerConnection(20).build());

        assertThat(r.errors()).as(r.firstError()).isEqualTo(ErrorCounts.NONE);
        assertThat(r.messages()).isEqualTo(60);
    }

    @Test
    void churnMakesAFullHandshakePerCycleAndCountsThem() throws Exception {
        LoadResult r = LoadGenerator.run(against(server, ClientTls.trusting(certificate.certificate()))
                .workload(Workload.CHURN).connections(4).threads(1).messagesPerConnection(25).build());

        assertThat(r.errors()).as(r.firstError()).isEqualTo(ErrorCounts.NONE);
        assertThat(r.connects()).isEqualTo(100);
        assertThat(r.messages()).isEqualTo(100);
        assertThat(r.connectsPerSecond()).isPositive();
        assertThat(Summary.render(r)).contains("Handshakes/sec").contains("connect-handshake-send-close cycles");
    }

    @Test
    void anUntrustedCertificateFailsEachConnectionWithTheReason() throws Exception {
        ServerCertificate other = ServerCertificate.generate(dir, "other");

        LoadResult r = LoadGenerator.run(against(server, ClientTls.trusting(other.certificate()))
                .connections(3).threads(1).messagesPerConnection(5).build());

        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).isEqualTo(new ErrorCounts(0, 0, 3, 0, 0));
        assertThat(r.messages()).isZero();
        assertThat(r.firstError()).startsWith("refused: TLS handshake failed: ")
                .contains("PKIX path").doesNotContain("\tat ").doesNotContain("\n");
    }

    @Test
    void aPlaintextLineServerFailsTheHandshakeByTimeoutOrGarbage() throws Exception {
        // a hello with no newline in it leaves the line server waiting for more: the connect timeout ends it
        try (NettyEchoServer plain = NettyEchoServer.start("127.0.0.1", 0, 1024, 1, ServerProcess.MAX_LINE_BYTES)) {
            LoadResult r = LoadGenerator.run(against(plain, ClientTls.trustingAny()).connections(2).threads(1)
                    .timeout(Duration.ofMillis(500)).messagesPerConnection(5).build());

            // (unless the hello's random bytes hold a newline: then the uppercased 'reply' fails the handshake)
            assertThat(r.errors().timeouts() + r.errors().refused()).isEqualTo(2);
            assertThat(r.errors().total()).isEqualTo(2);
            assertThat(r.firstError()).containsAnyOf("timeouts: no connect and TLS handshake within 500ms",
                    "refused: TLS handshake failed: ");
        }
    }

    /**
     * The TLS path's own code allocates nothing per message (buffers are the slot's); what remains is
     * the JDK engine's per-record objects. Measured once every connection has finished its
     * handshake; bounded generously, printed for the record.
     */
    @Test
    void steadyTlsPingPongAllocatesLittlePerMessage() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<long[]> ticks = new ArrayList<>();
        int connections = 50;
        LoadResult r = LoadGenerator.run(against(server, ClientTls.trustingAny()).connections(connections).threads(1)
                .duration(Duration.ofSeconds(4)).build(), sample -> {
            Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("turnstile-load-loop-0"))
                    .findFirst().filter(loop -> sample.open() == connections && sample.messages() > 0)
                    .ifPresent(loop -> ticks.add(new long[] {sample.messages(),
                            threads.getThreadAllocatedBytes(loop.threadId())}));
        });
        assertThat(r.ok()).as(r.firstError()).isTrue();
        assertThat(ticks).hasSizeGreaterThanOrEqualTo(3);
        long messages = ticks.getLast()[0] - ticks.get(1)[0];
        long bytes = ticks.getLast()[1] - ticks.get(1)[1];
        System.out.printf("TLS ping-pong: %d bytes allocated by the loop thread over %d messages (%.0f per message)%n",
                bytes, messages, (double) bytes / messages);
        assertThat(messages).isGreaterThan(100);
        assertThat((double) bytes / messages).as("bytes per message").isLessThan(4096);
    }

    @Test
    @Tag("process")
    void childProcessesSpeakTlsToo() throws Exception {
        LoadResult r = LoadGenerator.run(against(server, ClientTls.trusting(certificate.certificate()))
                .connections(4).processes(2).threads(1).messagesPerConnection(30).build());

        assertThat(r.errors()).as(r.firstError()).isEqualTo(ErrorCounts.NONE);
        assertThat(r.processes()).isEqualTo(2);
        assertThat(r.messages()).isEqualTo(120);
        assertThat(r.tls()).isTrue();
    }
}
