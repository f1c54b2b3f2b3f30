package dev.turnstile.cli;

import dev.turnstile.api.Cidr;
import dev.turnstile.api.ProxyProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class ProxyOptionsTest {

    private static ProxyProtocol parse(String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        return serve.server.config().proxyProtocol();
    }

    @Test
    void proxyOptionsReachTheServerConfig() {
        assertThat(parse("--model", "event-loop")).isEqualTo(ProxyProtocol.off());
        assertThat(parse("--proxy-protocol", "v2", "--proxy-from", "10.0.0.0/8,::1", "--proxy-header-timeout", "2s"))
                .isEqualTo(new ProxyProtocol(ProxyProtocol.Mode.V2, List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1/128")),
                        Duration.ofSeconds(2)));
        assertThat(parse("--proxy-protocol", "any").from()).isEmpty();
    }

    @Test
    void wrongProxyOptionsNameTheProblem() {
        assertThatThrownBy(() -> parse("--proxy-protocol", "v3")).hasMessageContaining("v1, v2, any or off");
        assertThatThrownBy(() -> parse("--proxy-from", "10.0.0.0/8")).hasMessageContaining("--proxy-protocol");
        assertThatThrownBy(() -> parse("--proxy-protocol", "v1", "--proxy-from", "10.0.0.0/33"))
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> parse("--proxy-protocol", "v1", "--proxy-from", "balancer.example"))
                .hasMessageContaining("balancer.example");
    }

    @Test
    void addressBlocksMatchTheirAddressesOnly() {
        Cidr ten = Cidr.parse("10.1.2.3/8");
        assertThat(ten.toString()).isEqualTo("10.0.0.0/8");
        assertThat(ten.contains(java.net.InetAddress.ofLiteral("10.200.0.1"))).isTrue();
        assertThat(ten.contains(java.net.InetAddress.ofLiteral("11.0.0.1"))).isFalse();
        assertThat(ten.contains(java.net.InetAddress.ofLiteral("::ffff:10.0.0.1"))).isTrue(); // the JDK makes it IPv4
        assertThat(Cidr.parse("2001:db8::/33").contains(java.net.InetAddress.ofLiteral("2001:db8:7fff::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/33").contains(java.net.InetAddress.ofLiteral("2001:db8:8000::1"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(java.net.InetAddress.ofLiteral("::1"))).isFalse();
    }
}
