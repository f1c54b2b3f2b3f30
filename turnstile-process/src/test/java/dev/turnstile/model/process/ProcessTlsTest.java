package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.core.Models;
import dev.turnstile.testing.LineClient;
import dev.turnstile.testing.RunningServer;
import dev.turnstile.testing.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS in the models that serve in other processes: the worker JVMs (a child per connection, the
 * pool's workers) get the settings as paths on their command line, read the files themselves and
 * terminate TLS; a plaintext client is closed and counted through the child's exit code or the
 * scoreboard. {@code --exec} children cannot serve TLS: refused at start.
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(180)
class ProcessTlsTest {

    @TempDir
    static Path dir;
    static TestCertificates certificates;

    @BeforeAll
    static void certificates() {
        certificates = TestCertificates.create(dir);
    }

    static Stream<String> models() {
        return Models.all().stream().filter(ModelProvider::servesInOtherProcesses).map(ModelProvider::name);
    }

    static RunningServer start(String model) {
        return RunningServer.start(model, ModelOptions.none().withWorkers(2),
                b -> b.tls(certificates.pem().withHandshakeTimeout(Duration.ofSeconds(5))));
    }

    @ParameterizedTest
    @MethodSource("models")
    void workersServeTls13And12(String model) {
        try (RunningServer server = start(model);
             LineClient v13 = certificates.connect(server.port(), "TLSv1.3");
             LineClient v12 = certificates.connect(server.port(), "TLSv1.2")) {
            for (int i = 0; i < 10; i++) {
                assertThat(v13.ask("over 1.3 #" + i)).isEqualTo("OVER 1.3 #" + i);
                assertThat(v12.ask("over 1.2 #" + i)).isEqualTo("OVER 1.2 #" + i);
            }
            String big = "y".repeat(40_000);
            assertThat(v13.ask(big)).isEqualTo(big.toUpperCase());
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void aPlaintextClientIsClosedAndCounted(String model) {
        try (RunningServer server = start(model); LineClient plain = server.connect()) {
            plain.send("hello in plaintext\n");
            assertThat(plain.closedByServer()).isTrue();
            server.await("the plaintext client counted", Duration.ofSeconds(15),
                    s -> s.closedFor(CloseReason.TLS_HANDSHAKE_FAILED) == 1);
            try (LineClient secure = certificates.connect(server.port())) {
                assertThat(secure.ask("after")).isEqualTo("AFTER");
            }
        }
    }

    @Test
    void execChildrenWithTlsAreRefusedAtStart() {
        ModelOptions exec = ModelOptions.none().with("exec", ExecCommand.join(List.of("cat")));
        assertThatThrownBy(() -> RunningServer.start("process-per-connection", exec, b -> b.tls(certificates.pem())))
                .hasMessageContaining("--exec children cannot serve TLS");
    }
}
