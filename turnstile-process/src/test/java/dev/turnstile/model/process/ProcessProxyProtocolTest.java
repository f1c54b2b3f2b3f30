package dev.turnstile.model.process;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ModelOptions;
import dev.turnstile.api.ModelProvider;
import dev.turnstile.api.ProxyProtocol;
import dev.turnstile.core.Models;
import dev.turnstile.testing.PeerService;
import dev.turnstile.testing.ProxiedClient;
import dev.turnstile.testing.ProxyHeaders;
import dev.turnstile.testing.RunningServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static dev.turnstile.testing.ProxyHeaders.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PROXY protocol in the models that serve in other processes: their JVM workers read the
 * header with the blocking driver, so the service in the worker sees the header's client; a
 * connection without a header is closed and counted. {@code --exec} programs read the socket
 * themselves, so the combination is refused at start, saying why.
 */
@Tag("process")
@ExtendWith(NoProcessLeftBehind.class)
@Timeout(120)
class ProcessProxyProtocolTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    static Stream<String> models() {
        return Models.all().stream().filter(ModelProvider::servesInOtherProcesses).map(ModelProvider::name);
    }

    private static RunningServer start(String model) {
        return RunningServer.start(model, ModelOptions.none().withWorkers(2),
                b -> b.service(new PeerService()).framing(Framing.LINE).proxyProtocol(ProxyProtocol.of(ProxyProtocol.Mode.ANY)));
    }

    @ParameterizedTest
    @MethodSource("models")
    void theWorkerSeesTheHeadersClient(String model) {
        try (RunningServer server = start(model)) {
            try (ProxiedClient v1 = ProxiedClient.connect(server.port(), "127.0.0.1")) {
                v1.send(ProxyHeaders.concat(ProxyHeaders.v1(address("192.0.2.7", 56324), address("10.0.0.1", 1)), "who\n".getBytes()));
                assertThat(v1.readLine()).isEqualTo("192.0.2.7:56324");
            }
            try (ProxiedClient v2 = ProxiedClient.connect(server.port(), "127.0.0.1")) {
                v2.send(ProxyHeaders.concat(ProxyHeaders.v2(address("198.51.100.9", 4), address("10.0.0.1", 1), 40), "who\n".getBytes()));
                assertThat(v2.readLine()).isEqualTo("198.51.100.9:4");
            }
            try (ProxiedClient local = ProxiedClient.connect(server.port(), "127.0.0.1")) {
                local.send(ProxyHeaders.concat(ProxyHeaders.v2Local(), "who\n".getBytes()));
                assertThat(local.readLine()).isEqualTo(local.socketAddress());
            }
            try (ProxiedClient plain = ProxiedClient.connect(server.port(), "127.0.0.1")) {
                plain.send("who\n");
                assertThat(plain.closedWithoutReplyWithin(WAIT)).isTrue();
            }
            server.await("the headerless connection counted", WAIT,
                    s -> s.closes().getOrDefault(CloseReason.PROXY_HEADER, 0L) == 1);
        }
    }

    @Test
    void execRefusesTheProxyProtocolAtStart() {
        assertThatThrownBy(() -> RunningServer.start("process-per-connection",
                ModelOptions.none().with("exec", ExecCommand.join(List.of("cat"))),
                b -> b.proxyProtocol(ProxyProtocol.of(ProxyProtocol.Mode.V1))))
                .hasMessageContaining("--exec cannot serve the PROXY protocol");
    }
}
