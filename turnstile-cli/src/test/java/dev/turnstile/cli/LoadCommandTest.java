package dev.turnstile.cli;

import dev.turnstile.api.ModelOptions;
import dev.turnstile.loadgen.LoadResult;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code turnstile load}: exit codes, the summary, the JSON file and option errors, stdout and stderr captured. */
@Timeout(60)
class LoadCommandTest {

    private CapturedStreams streams;

    @BeforeEach
    void capture() {
        streams = CapturedStreams.capture();
    }

    @AfterEach
    void restore() {
        streams.close();
    }

    private String out() {
        return streams.out();
    }

    private String err() {
        return streams.err();
    }

    @Test
    void loadPrintsTheSummaryWritesJsonAndExitsZero(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("result.json");
        try (RunningServer server = RunningServer.start("thread-pool", ModelOptions.none().withWorkers(8))) {
            int status = Turnstile.run("load", "--port", Integer.toString(server.port()), "-c", "5", "-n", "40",
                    "--warmup", "0s", "--json", json.toString());

            assertThat(status).as(out() + err()).isZero();
            assertThat(out()).containsPattern("ping-pong: 5 connections, [12] threads?, line framing, notes messages")
                    .contains("200 messages in").contains("Errors: none");
            LoadResult r = LoadResult.fromJson(Files.readString(json));
            assertThat(r.messages()).isEqualTo(200);
            assertThat(r.ok()).isTrue();
        }
    }

    @Test
    void loadExitsOneWhenConnectsAreRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int status = Turnstile.run("load", "--port", Integer.toString(port), "-c", "3", "--warmup", "0s", "-d", "1s");

        assertThat(status).isEqualTo(1);
        assertThat(out()).contains("Errors: 3 refused").contains("first: refused: ");
    }

    @Test
    void refusesHostsOffThisMachineInOneLine() {
        assertThat(Turnstile.run("load", "--host", "10.0.0.1")).isEqualTo(2);
        assertThat(err()).contains("turnstile: host must be a loopback address (127.0.0.0/8 or ::1), got '10.0.0.1'")
                .doesNotContain("\tat ");
    }

    @Test
    void badOptionsAreOneClearLineAndExitTwo() {
        assertThat(Turnstile.run("load", "--workload", "flood")).isEqualTo(2);
        assertThat(err()).contains("unknown workload 'flood'; known: ping-pong, think, rate, churn");
        assertThat(Turnstile.run("load", "--workload", "rate")).isEqualTo(2);
        assertThat(err()).contains("the rate workload needs rate");
        assertThat(Turnstile.run("load", "--think-max", "1s")).isEqualTo(2);
        assertThat(err()).contains("--think-max applies only to --workload think");
        assertThat(Turnstile.run("load", "--message-set", "words")).isEqualTo(2);
        assertThat(err()).contains("message set must be 'notes' or a size in bytes (got 'words')");
        assertThat(Turnstile.run("load", "--source-addresses", "127.0.0.1-192.168.0.1")).isEqualTo(2);
        assertThat(err()).contains("source address must be a loopback address");
        assertThat(Turnstile.run("load", "-c", "0")).isEqualTo(2);
        assertThat(err()).contains("connections must be between 1 and 1000000 (got 0)");
        assertThat(Turnstile.run("load", "--framing", "auto")).isEqualTo(2);
        assertThat(err()).contains("framing must be line or raw (got auto)").doesNotContain("\tat ");
    }

    @Test
    void tlsTrustOptionsGoWithTlsAndAnUnreadableTrustFileIsNamed() {
        assertThat(Turnstile.run("load", "--tls-insecure")).isEqualTo(2);
        assertThat(err()).contains("--tls-insecure applies only with --tls");
        assertThat(Turnstile.run("load", "--tls-trust", "cert.pem")).isEqualTo(2);
        assertThat(err()).contains("--tls-trust applies only with --tls");
        assertThat(Turnstile.run("load", "--tls", "--tls-trust", "cert.pem", "--tls-insecure")).isEqualTo(2);
        assertThat(err()).contains("--tls-trust and --tls-insecure exclude each other");
        assertThat(Turnstile.run("load", "--tls", "--tls-trust", "/nonexistent/cert.pem", "-c", "1", "-d", "1s"))
                .isEqualTo(2);
        assertThat(err()).contains("tls-trust: cannot read certificates from /nonexistent/cert.pem")
                .doesNotContain("\tat ");
    }
}
