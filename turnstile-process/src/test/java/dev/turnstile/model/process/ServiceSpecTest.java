package dev.turnstile.model.process;

import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.Cidr;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ProxyProtocol;
import dev.turnstile.api.TlsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The config a worker process gets is the master's: every field survives the trip through arguments. */
@Timeout(30)
class ServiceSpecTest {

    @Test
    void everyConfigFieldTravelsToTheWorker() {
        ServerConfig config = ServerConfig.defaults().withPort(0).withIdleTimeout(Duration.ofSeconds(7))
                .withMaxPendingBytes(2 * 1024 * 1024).withWriteTimeout(Duration.ofMillis(300))
                .withMessageTimeout(Duration.ofMillis(450));
        ServiceSpec spec = new ServiceSpec("x.Service", config);
        String[] args = spec.toArguments().toArray(String[]::new);
        ServiceSpec back = ServiceSpec.fromArguments(WorkerArguments.parse(args, ServiceSpec.ARGUMENTS));
        assertThat(back).isEqualTo(spec);
    }

    @Test
    void tlsTravelsAsPathsOnly() {
        for (TlsSettings tls : new TlsSettings[] {
                TlsSettings.pem(Path.of("/etc/tls/cert.pem"), Path.of("/etc/tls/key.pem")),
                TlsSettings.pkcs12(Path.of("/etc/tls/server.p12"), Path.of("/etc/tls/password")),
                TlsSettings.pkcs12(Path.of("/etc/tls/server.p12"), null).withHandshakeTimeout(Duration.ofMillis(1500))}) {
            ServiceSpec spec = new ServiceSpec("x.Service", ServerConfig.defaults().withTls(tls));
            String[] args = spec.toArguments().toArray(String[]::new);
            assertThat(ServiceSpec.fromArguments(WorkerArguments.parse(args, ServiceSpec.ARGUMENTS))).isEqualTo(spec);
        }
    }

    @Test
    void theProxyProtocolTravelsToTheWorker() {
        ServerConfig config = ServerConfig.defaults().withPort(0).withProxyProtocol(new ProxyProtocol(
                ProxyProtocol.Mode.V2, List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1")), Duration.ofMillis(1500)));
        ServiceSpec spec = new ServiceSpec("x.Service", config);
        String[] args = spec.toArguments().toArray(String[]::new);
        assertThat(ServiceSpec.fromArguments(WorkerArguments.parse(args, ServiceSpec.ARGUMENTS))).isEqualTo(spec);
    }

    @Test
    void perSourceLimitsBehindTheProxyProtocolAreRefusedWithAReason() {
        ServerConfig proxied = ServerConfig.defaults().withProxyProtocol(new ProxyProtocol(
                ProxyProtocol.Mode.V1, List.of(), Duration.ofSeconds(1)));
        assertThatThrownBy(() -> ServiceSpec.refusePerSourceLimitsBehindProxy(
                proxied.withLimits(new ConnectionLimits(0, 5, 0)), "process-pool"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count the balancer");
        ServiceSpec.refusePerSourceLimitsBehindProxy(proxied.withLimits(new ConnectionLimits(10, 0, 0)), "process-pool");
        ServiceSpec.refusePerSourceLimitsBehindProxy(ServerConfig.defaults().withLimits(new ConnectionLimits(0, 5, 5)),
                "process-pool");
    }
}
