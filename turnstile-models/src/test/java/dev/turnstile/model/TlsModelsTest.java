package dev.turnstile.model;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.TlsSettings;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.ManyClients;
import dev.turnstile.testing.RunningServer;
import dev.turnstile.testing.TestCertificates;
import dev.turnstile.testing.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract's ping-pong over TLS in every model that serves in this JVM: a JDK SSLSocket
 * client trusting a certificate made for the run, TLS 1.3 and 1.2; replies larger than a TLS
 * record; a half-close; and the peers a TLS port must close and count without a stack trace: a
 * plaintext client, a silent one and one that sends half a ClientHello.
 */
@Timeout(180)
class TlsModelsTest {

    @TempDir
    static Path dir;
    static TestCertificates certificates;

    @BeforeAll
    static void certificates() {
        certificates = TestCertificates.create(dir);
    }

    static Stream<String> models() {
        return TestModels.inProcess();
    }

    static RunningServer start(String model, TlsSettings tls) {
        return RunningServer.start(model, ModelContract.OPTIONS, b -> b.tls(tls));
    }

    @ParameterizedTest
    @MethodSource("models")
    void pingPongOverTls13And12(String model) {
        try (RunningServer server = start(model, certificates.pem());
             LineClient v13 = certificates.connect(server.port(), "TLSv1.3");
             LineClient v12 = certificates.connect(server.port(), "TLSv1.2")) {
            for (int i = 0; i < 20; i++) {
                assertThat(v13.ask("message " + i + " over 1.3")).isEqualTo("MESSAGE " + i + " OVER 1.3");
                assertThat(v12.ask("message " + i + " over 1.2")).isEqualTo("MESSAGE " + i + " OVER 1.2");
            }
            String big = "x".repeat(50_000); // several records each way
            assertThat(v13.ask(big)).isEqualTo(big.toUpperCase());
            v13.send("a\nb\nc\n");
            assertThat(v13.readLine() + v13.readLine() + v13.readLine()).isEqualTo("ABC");
            server.await("messages counted", Duration.ofSeconds(5), s -> s.messages() >= 44);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void servesManyTlsClientsFromAPkcs12Store(String model) throws Exception {
        int clients = 8;
        try (RunningServer server = start(model, certificates.pkcs12())) {
            ManyClients.converse(() -> certificates.connect(server.port()), clients, 5, Duration.ofSeconds(60));
            server.await("all closed", Duration.ofSeconds(10), s -> s.closed() >= clients);
            assertThat(server.stats().messages()).isEqualTo(clients * 5L);
            assertThat(server.stats().closedFor(CloseReason.TLS_HANDSHAKE_FAILED)).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void answersEverythingSentBeforeAHalfClose(String model) {
        try (RunningServer server = start(model, certificates.pem());
             LineClient client = certificates.connect(server.port())) {
            assertThat(client.ask("first")).isEqualTo("FIRST");
            client.send("a\nb\nlast");
            client.shutdownOutput();
            assertThat(client.readToEnd()).isEqualTo("A\nB\nLAST\n");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void closesAndCountsAPlaintextClient(String model) {
        try (RunningServer server = start(model, certificates.pem());
             LineClient plain = server.connect();
             LineClient secure = certificates.connect(server.port())) {
            plain.send("hello in plaintext\n");
            assertThat(plain.closedByServer()).isTrue();
            server.await("the plaintext client counted", Duration.ofSeconds(5),
                    s -> s.closedFor(CloseReason.TLS_HANDSHAKE_FAILED) == 1);
            assertThat(secure.ask("still served")).isEqualTo("STILL SERVED");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void closesASilentClientAndAHalfClientHelloAfterTheHandshakeTimeout(String model) {
        TlsSettings tls = certificates.pem().withHandshakeTimeout(Duration.ofMillis(400));
        try (RunningServer server = start(model, tls);
             LineClient silent = server.connect();
             LineClient half = server.connect()) {
            // a TLS record header announcing a 512-byte ClientHello, and only its first bytes
            half.sendBytes(HexFormat.of().parseHex("160301020001000200030300"));
            assertThat(silent.closedByServer()).isTrue();
            assertThat(half.closedByServer()).isTrue();
            server.await("both counted", Duration.ofSeconds(5), s -> s.closedFor(CloseReason.TLS_HANDSHAKE_FAILED) == 2);
            try (LineClient secure = certificates.connect(server.port())) {
                assertThat(secure.ask("after")).isEqualTo("AFTER");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"thread-per-connection", "virtual-threads", "thread-pool", "thread-pool-handoff", "elastic-pool"})
    void runsASessionServiceOverTheTlsStreams(String model) {
        try (RunningServer server = RunningServer.start(model, ModelContract.OPTIONS,
                b -> b.service(new SessionServiceTest.NumberedLines()).tls(certificates.pem()));
             LineClient client = certificates.connect(server.port(), "TLSv1.2")) {
            assertThat(client.ask("first")).startsWith("1 first (");
            assertThat(client.ask("second")).startsWith("2 second (");
        }
    }
}
