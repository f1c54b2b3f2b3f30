package dev.turnstile.model;

import dev.turnstile.api.CloseReason;
import dev.turnstile.testing.RunningServer;
import dev.turnstile.testing.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's {@code openssl s_client} as a real TLS client of every in-process model, TLS 1.3 and
 * 1.2, verifying the server's certificate against the one made for the run: it sends lines and
 * reads them back uppercased. Does not skip when openssl is missing: the test command installs it
 * (scripts/install-test-tools), so a missing one is a broken setup, reported as such.
 */
@Timeout(180)
class TlsOpenSslClientTest {

    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @TempDir
    static Path dir;
    static TestCertificates certificates;

    @BeforeAll
    static void certificates() {
        certificates = TestCertificates.create(dir, "EC");
    }

    static Stream<String> models() {
        return TlsModelsTest.models();
    }

    @ParameterizedTest
    @MethodSource("models")
    void opensslClientGetsUppercasedLinesOverTls13And12(String model) throws Exception {
        try (RunningServer server = RunningServer.start(model, ModelContract.OPTIONS, b -> b.tls(certificates.pem()))) {
            for (String version : List.of("-tls1_3", "-tls1_2")) {
                Process client = sClient(server.port(), version);
                try {
                    BlockingQueue<String> lines = linesOf(client);
                    OutputStream in = client.getOutputStream();
                    for (int i = 0; i < 3; i++) {
                        in.write(("line " + i + " via openssl " + version + "\n").getBytes(StandardCharsets.UTF_8));
                        in.flush();
                        String reply = lines.poll(15, TimeUnit.SECONDS);
                        assertThat(reply).as("reply %d over %s", i, version)
                                .isEqualTo(("LINE " + i + " VIA OPENSSL " + version).toUpperCase());
                    }
                } finally {
                    client.destroy();
                    if (!client.waitFor(10, TimeUnit.SECONDS)) {
                        client.destroyForcibly();
                    }
                }
            }
            server.await("both openssl connections closed", Duration.ofSeconds(10), s -> s.closed() >= 2);
            assertThat(server.stats().closedFor(CloseReason.TLS_HANDSHAKE_FAILED)).isZero();
        }
    }

    private static Process sClient(int port, String version) throws IOException {
        if (!Files.isExecutable(OPENSSL)) {
            fail(OPENSSL + " not found: install Debian's openssl (scripts/install-test-tools does)");
        }
        return new ProcessBuilder(OPENSSL.toString(), "s_client", "-connect", "127.0.0.1:" + port, version,
                "-CAfile", certificates.certificate().toString(), "-verify_return_error", "-verify_ip", "127.0.0.1",
                "-quiet").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The client's stdout, line by line, read on a virtual thread so that each wait is bounded. */
    private static BlockingQueue<String> linesOf(Process client) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process was destroyed: the test has what it waited for, or fails on the missing line
            }
        });
        return lines;
    }
}
