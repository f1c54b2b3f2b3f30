package dev.turnstile.loadgen;

import dev.turnstile.api.Framing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class LoadOptionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "192.168.1.1", "0.0.0.0", "8.8.8.8", "::", "2001:db8::1", "example.com",
            "127.0.0.1.nip.io", "", "[::2]"})
    void refusesEveryHostOffThisMachineWithoutALookup(String host) {
        assertThatThrownBy(() -> LoadOptions.builder().host(host))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("host must be a loopback address (127.0.0.0/8 or ::1)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "127.255.255.254", "::1", "[::1]", "localhost", " 127.0.0.1 "})
    void acceptsLoopbackHosts(String host) {
        assertThat(LoadOptions.builder().host(host).build().host().isLoopbackAddress()).isTrue();
    }

    @Test
    void refusesANonLoopbackAddressGivenAsAnObject() throws Exception {
        InetAddress lan = InetAddress.ofLiteral("10.1.1.1");
        assertThatThrownBy(() -> LoadOptions.builder().host(lan).build())
                .hasMessageStartingWith("host must be a loopback address");
    }

    @Test
    void namesTheBadOption() {
        assertThatThrownBy(() -> LoadOptions.builder().connections(0).build())
                .hasMessage("connections must be between 1 and 1000000 (got 0)");
        assertThatThrownBy(() -> LoadOptions.builder().port(0).build())
                .hasMessage("port must be between 1 and 65535 (got 0)");
        assertThatThrownBy(() -> LoadOptions.builder().threads(0).build())
                .hasMessage("threads must be between 1 and 64 (got 0)");
        assertThatThrownBy(() -> LoadOptions.builder().duration(Duration.ZERO).build())
                .hasMessage("duration must be > 0 and at most 24 h (got 0s)");
        assertThatThrownBy(() -> LoadOptions.builder().warmup(Duration.ofSeconds(-1)).build())
                .hasMessage("warmup must be >= 0 and at most 1 h (got -1s)");
        assertThatThrownBy(() -> LoadOptions.builder().timeout(Duration.ofHours(2)).build())
                .hasMessage("timeout must be > 0 and at most 1 h (got 120m)");
        assertThatThrownBy(() -> LoadOptions.builder().messagesPerConnection(-1).build())
                .hasMessageStartingWith("messages must be >= 1");
        assertThatThrownBy(() -> LoadOptions.builder().framing(Framing.AUTO).build())
                .hasMessageStartingWith("framing must be line or raw (got auto)");
        assertThatThrownBy(() -> LoadOptions.builder().processes(5).connections(4).build())
                .hasMessage("processes must be <= connections (got 5 > 4)");
    }

    @Test
    void rateGoesWithTheRateWorkloadOnly() {
        assertThatThrownBy(() -> LoadOptions.builder().workload(Workload.RATE).build())
                .hasMessageStartingWith("the rate workload needs rate between 0 and 10000000 messages/s (got 0.0)");
        assertThatThrownBy(() -> LoadOptions.builder().rate(100).build())
                .hasMessage("rate applies only to the rate workload (workload is ping-pong)");
        assertThat(LoadOptions.builder().workload(Workload.RATE).rate(100).build().rate()).isEqualTo(100);
    }

    @Test
    void threadsNeverExceedConnections() {
        assertThat(LoadOptions.builder().connections(3).threads(8).build().threads()).isEqualTo(3);
        assertThat(LoadOptions.builder().connections(10).processes(5).threads(8).build().threads()).isEqualTo(2);
    }

    @Test
    void parsesSourceAddressRangesAndLists() {
        assertThat(SourceAddresses.parse("127.0.0.1-127.0.0.20")).hasSize(20)
                .first().isEqualTo(InetAddress.ofLiteral("127.0.0.1"));
        assertThat(SourceAddresses.parse("127.0.0.1-127.0.0.20").getLast()).isEqualTo(InetAddress.ofLiteral("127.0.0.20"));
        assertThat(SourceAddresses.parse("127.0.0.255-127.0.1.1")).hasSize(3);
        assertThat(SourceAddresses.parse("127.0.0.5, 127.0.0.9")).hasSize(2);
        assertThatThrownBy(() -> SourceAddresses.parse("127.0.0.9-127.0.0.1"))
                .hasMessage("source addresses: range end 127.0.0.1 is below its start 127.0.0.9");
        assertThatThrownBy(() -> SourceAddresses.parse("127.0.0.1-10.0.0.1"))
                .hasMessageStartingWith("source address must be a loopback address");
        assertThatThrownBy(() -> SourceAddresses.parse("127.0.0.1-127.1.0.0"))
                .hasMessageStartingWith("source addresses: at most 1024 addresses");
        assertThatThrownBy(() -> LoadOptions.builder().host("::1")
                .sourceAddresses(SourceAddresses.parse("127.0.0.1")).build())
                .hasMessage("source address 127.0.0.1 is not of the same family as host 0:0:0:0:0:0:0:1");
    }

    @Test
    void writesDurationsForPeople() {
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(DurationText.format(Duration.ofMillis(300))).isEqualTo("300ms");
        assertThat(DurationText.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(DurationText.format(Duration.ofSeconds(-1))).isEqualTo("-1s");
        assertThat(DurationText.format(Duration.ofNanos(50_000))).isEqualTo("50us");
    }

    @Test
    void refusesMoreConnectionsThanOneProcessHasDescriptorsFor() {
        assertThatThrownBy(() -> LoadGenerator.requireDescriptors(10_000_000, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("file descriptors a process may open here; spread them with --processes");
    }

    @Test
    void childArgumentsCarryEverySetting() {
        LoadOptions o = LoadOptions.builder().workload(Workload.RATE).rate(1234.5).port(4242).connections(17).threads(2)
                .duration(Duration.ofMillis(1234)).messagesPerConnection(99).warmup(Duration.ofMillis(5))
                .messageSet(MessageSet.random(33)).framing(Framing.RAW).thinkMax(Duration.ofMillis(7))
                .timeout(Duration.ofMillis(777)).sourceAddresses(SourceAddresses.parse("127.0.0.2-127.0.0.3")).build();

        LoadOptions back = ChildArguments.decode(ChildArguments.encode(o).toArray(String[]::new));

        assertThat(back.toBuilder().messageSet(o.messageSet()).build()).isEqualTo(o);
        assertThat(back.messageSet().spec()).isEqualTo("33");
    }

    @Test
    void childArgumentsCarryTheTlsTrust() {
        for (ClientTls tls : List.of(ClientTls.PLAINTEXT, ClientTls.trustingAny(), ClientTls.trustingSystem(),
                ClientTls.trusting(java.nio.file.Path.of("/tmp/some dir/cert.pem")))) {
            LoadOptions o = LoadOptions.builder().tls(tls).build();

            LoadOptions back = ChildArguments.decode(ChildArguments.encode(o).toArray(String[]::new));

            assertThat(back.tls()).isEqualTo(tls);
        }
    }

    @Test
    void anUnreadableTrustFileIsRefusedNamingIt() {
        ClientTls tls = ClientTls.trusting(java.nio.file.Path.of("/nonexistent/cert.pem"));
        assertThatThrownBy(tls::newContext).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls-trust").hasMessageContaining("/nonexistent/cert.pem");
    }
}
