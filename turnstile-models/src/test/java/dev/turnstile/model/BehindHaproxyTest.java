package dev.turnstile.model;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ProxyProtocol;
import dev.turnstile.testing.Haproxy;
import dev.turnstile.testing.PeerService;
import dev.turnstile.testing.ProxiedClient;
import dev.turnstile.testing.RunningServer;
import dev.turnstile.testing.TestModels;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every model that serves in this JVM behind a real HAProxy (Debian's {@code haproxy}, installed by
 * {@code scripts/install-test-tools}): one frontend passes connections on with {@code send-proxy}
 * (v1), another with {@code send-proxy-v2}, whose health checks send v2 {@code LOCAL} headers
 * ({@code check-send-proxy}). The client connects from 127.0.0.5; the service must see 127.0.0.5
 * and the client's own port, not HAProxy's 127.0.0.1, and the checks must not count as bad headers.
 */
@Timeout(120)
class BehindHaproxyTest {

    static Stream<String> models() {
        return TestModels.inProcess();
    }

    @ParameterizedTest
    @MethodSource("models")
    void theServiceSeesTheClientNotHaproxy(String model) {
        try (RunningServer server = RunningServer.start(model, ModelContract.OPTIONS,
                b -> b.service(new PeerService()).framing(Framing.LINE).proxyProtocol(ProxyProtocol.of(ProxyProtocol.Mode.ANY)))) {
            int v1 = Haproxy.freePort(), v2 = Haproxy.freePort();
            String config = """
                    global
                      maxconn 100
                    defaults
                      mode tcp
                      timeout connect 5s
                      timeout client 30s
                      timeout server 30s
                    frontend v1
                      bind 127.0.0.1:%1$d
                      default_backend turnstile_v1
                    frontend v2
                      bind 127.0.0.1:%2$d
                      default_backend turnstile_v2
                    backend turnstile_v1
                      server s1 127.0.0.1:%3$d send-proxy
                    backend turnstile_v2
                      server s2 127.0.0.1:%3$d send-proxy-v2 check check-send-proxy inter 200ms
                    """.formatted(v1, v2, server.port());
            try (Haproxy haproxy = Haproxy.start(config, List.of(v1, v2))) {
                for (int port : List.of(v1, v2)) {
                    try (ProxiedClient client = ProxiedClient.connect(port, "127.0.0.5")) {
                        assertThat(client.send("who\n").readLine()).as("via port %d; haproxy log: %s", port, haproxy.log())
                                .isEqualTo(client.socketAddress());
                        assertThat(client.send("again\n").readLine()).startsWith("127.0.0.5:");
                    }
                }
                server.await("a few health checks", Duration.ofSeconds(10), s -> s.closed() >= 4);
                assertThat(server.stats().closes().getOrDefault(CloseReason.PROXY_HEADER, 0L))
                        .as("health checks with LOCAL headers are not bad headers; haproxy log: %s", haproxy.log()).isZero();
            }
        }
    }
}
