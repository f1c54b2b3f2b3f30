package dev.turnstile.model;

import dev.turnstile.api.Cidr;
import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.Framing;
import dev.turnstile.api.ProxyProtocol;
import dev.turnstile.testing.PeerService;
import dev.turnstile.testing.ProxiedClient;
import dev.turnstile.testing.ProxyHeaders;
import dev.turnstile.testing.RunningServer;
import dev.turnstile.testing.TestModels;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static dev.turnstile.testing.ProxyHeaders.address;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PROXY protocol in every model that serves in this JVM: the service sees the client a v1 or
 * v2 header names (its {@link dev.turnstile.api.ConnectionInfo#remote()}, answered by
 * {@link PeerService}), whether the header comes alone, with the first message in one write, or
 * split; LOCAL keeps the socket's address; a missing, malformed or late header, or one from a
 * source outside {@code --proxy-from}, closes the connection unanswered and is counted; the
 * per-source limits count the header's client, not the balancer. The test client plays the
 * balancer from its own loopback address.
 */
@Timeout(120)
class ProxyProtocolTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final InetSocketAddress SERVER_SIDE = address("10.0.0.1", 20446);

    static Stream<String> models() {
        return TestModels.inProcess();
    }

    private static RunningServer start(String model, ProxyProtocol proxy) {
        return start(model, proxy, ConnectionLimits.none());
    }

    private static RunningServer start(String model, ProxyProtocol proxy, ConnectionLimits limits) {
        return RunningServer.start(model, ModelContract.OPTIONS,
                b -> b.service(new PeerService()).framing(Framing.LINE).proxyProtocol(proxy).limits(limits));
    }

    @ParameterizedTest
    @MethodSource("models")
    void v1HeaderNamesTheClientEvenWithTheFirstMessageInTheSameWrite(String model) {
        try (RunningServer server = start(model, ProxyProtocol.of(ProxyProtocol.Mode.V1));
             ProxiedClient client = ProxiedClient.connect(server.port(), "127.0.0.1")) {
            client.send(ProxyHeaders.concat(ProxyHeaders.v1(address("192.0.2.7", 56324), SERVER_SIDE), "who\n".getBytes()));
            assertThat(client.readLine()).isEqualTo("192.0.2.7:56324");
            assertThat(client.send("again\n").readLine()).isEqualTo("192.0.2.7:56324");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void v2HeaderOverIpv6WithTlvsSplitAcrossWrites(String model) {
        InetSocketAddress client6 = address("2001:db8::7", 40000);
        byte[] header = ProxyHeaders.v2(client6, address("2001:db8::1", 20446), 300);
        try (RunningServer server = start(model, ProxyProtocol.of(ProxyProtocol.Mode.ANY));
             ProxiedClient client = ProxiedClient.connect(server.port(), "127.0.0.1")) {
            client.send(Arrays.copyOfRange(header, 0, 7));
            client.send(Arrays.copyOfRange(header, 7, 40));
            client.send(ProxyHeaders.concat(Arrays.copyOfRange(header, 40, header.length), "who".getBytes()));
            client.send("\n");
            assertThat(client.readLine()).isEqualTo(client6.getAddress().getHostAddress() + ":40000");
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void v2LocalKeepsTheSocketAddress(String model) {
        try (RunningServer server = start(model, ProxyProtocol.of(ProxyProtocol.Mode.V2));
             ProxiedClient client = ProxiedClient.connect(server.port(), "127.0.0.1")) {
            client.send(ProxyHeaders.concat(ProxyHeaders.v2Local(), "who\n".getBytes()));
            assertThat(client.readLine()).isEqualTo(client.socketAddress());
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void aMissingOrMalformedHeaderClosesUnansweredAndIsCounted(String model) {
        try (RunningServer server = start(model, ProxyProtocol.of(ProxyProtocol.Mode.ANY))) {
            try (ProxiedClient plain = ProxiedClient.connect(server.port(), "127.0.0.1")) {
                plain.send("who\n");
                assertThat(plain.closedWithoutReplyWithin(WAIT)).isTrue();
            }
            try (ProxiedClient wrong = ProxiedClient.connect(server.port(), "127.0.0.1")) {
                wrong.send("PROXY TCP4 192.0.2.07 10.0.0.1 1 2\r\nwho\n"); // a leading zero: not canonical
                assertThat(wrong.closedWithoutReplyWithin(WAIT)).isTrue();
            }
            server.await("two PROXY_HEADER closes", WAIT,
                    s -> s.closes().getOrDefault(CloseReason.PROXY_HEADER, 0L) == 2);
            assertThat(server.stats().messages()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void aLateHeaderClosesAtTheHeaderTimeout(String model) {
        ProxyProtocol proxy = ProxyProtocol.of(ProxyProtocol.Mode.V1).withHeaderTimeout(Duration.ofMillis(300));
        try (RunningServer server = start(model, proxy);
             ProxiedClient client = ProxiedClient.connect(server.port(), "127.0.0.1")) {
            client.send("PROXY TCP4 192.0.2.7"); // and no more
            assertThat(client.closedWithoutReplyWithin(WAIT)).isTrue();
            server.await("a PROXY_HEADER close", WAIT, s -> s.closes().getOrDefault(CloseReason.PROXY_HEADER, 0L) == 1);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void onlyTheListedBalancersMaySendHeaders(String model) {
        ProxyProtocol proxy = ProxyProtocol.of(ProxyProtocol.Mode.V1).withFrom(List.of(Cidr.parse("127.0.0.2/32")));
        byte[] header = ProxyHeaders.concat(ProxyHeaders.v1(address("192.0.2.7", 1), SERVER_SIDE), "who\n".getBytes());
        try (RunningServer server = start(model, proxy)) {
            try (ProxiedClient outsider = ProxiedClient.connect(server.port(), "127.0.0.1")) {
                outsider.send(header);
                assertThat(outsider.closedWithoutReplyWithin(WAIT)).isTrue();
            }
            try (ProxiedClient balancer = ProxiedClient.connect(server.port(), "127.0.0.2")) {
                balancer.send(header);
                assertThat(balancer.readLine()).isEqualTo("192.0.2.7:1");
            }
            server.await("the outsider counted", WAIT, s -> s.closes().getOrDefault(CloseReason.PROXY_HEADER, 0L) == 1);
        }
    }

    /** One balancer address, three clients: the per-IP bound of 1 holds the header's clients, not the balancer. */
    @ParameterizedTest
    @MethodSource("models")
    void perSourceLimitsCountTheHeadersClient(String model) throws Exception {
        ConnectionLimits onePerIp = ConnectionLimits.none().withMaxConnectionsPerIp(1);
        try (RunningServer server = start(model, ProxyProtocol.of(ProxyProtocol.Mode.V2), onePerIp);
             ProxiedClient a = ProxiedClient.connect(server.port(), "127.0.0.1");
             ProxiedClient b = ProxiedClient.connect(server.port(), "127.0.0.1");
             ProxiedClient again = ProxiedClient.connect(server.port(), "127.0.0.1")) {
            a.send(ProxyHeaders.concat(ProxyHeaders.v2(address("192.0.2.1", 1), SERVER_SIDE, 0), "who\n".getBytes()));
            assertThat(a.readLine()).isEqualTo("192.0.2.1:1");
            b.send(ProxyHeaders.concat(ProxyHeaders.v2(address("192.0.2.2", 2), SERVER_SIDE, 0), "who\n".getBytes()));
            assertThat(b.readLine()).isEqualTo("192.0.2.2:2");
            again.send(ProxyHeaders.concat(ProxyHeaders.v2(address("192.0.2.1", 3), SERVER_SIDE, 0), "who\n".getBytes()));
            assertThat(again.closedWithoutReplyWithin(WAIT)).isTrue();
            assertThat(a.send("still\n").readLine()).isEqualTo("192.0.2.1:1");
        }
    }
}
