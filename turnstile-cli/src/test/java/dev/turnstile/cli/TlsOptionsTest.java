package dev.turnstile.cli;

import dev.turnstile.api.TlsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TLS flags reach the server's config; wrong combinations and bad files end the start with one line. */
@Timeout(60)
class TlsOptionsTest {

    @TempDir
    Path dir;

    private static TlsSettings parse(String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        return serve.server.config().tls();
    }

    @Test
    void flagsBecomeTheConfigsTlsSettings() {
        assertThat(parse("--model", "event-loop")).isNull();
        assertThat(parse("--tls-cert", "c.pem", "--tls-key", "k.pem"))
                .isEqualTo(TlsSettings.pem(Path.of("c.pem"), Path.of("k.pem")));
        assertThat(parse("--tls-keystore", "s.p12", "--tls-keystore-password-file", "p", "--tls-handshake-timeout", "3s"))
                .isEqualTo(TlsSettings.pkcs12(Path.of("s.p12"), Path.of("p")).withHandshakeTimeout(Duration.ofSeconds(3)));
    }

    @Test
    void refusesHalfAnIdentity() {
        assertThatThrownBy(() -> parse("--tls-cert", "c.pem")).hasMessageContaining("--tls-cert needs --tls-key");
        assertThatThrownBy(() -> parse("--tls-key", "k.pem")).hasMessageContaining("--tls-key needs --tls-cert");
        assertThatThrownBy(() -> parse("--tls-cert", "c.pem", "--tls-key", "k.pem", "--tls-keystore", "s.p12"))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> parse("--tls-handshake-timeout", "1s")).hasMessageContaining("need");
    }

    @Test
    void aBadKeyFileEndsTheStartWithOneLineAndNoStackTrace() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        Path missing = dir.resolve("missing.pem");
        try (CapturedStreams streams = CapturedStreams.capture()) {
            int status = Turnstile.run("serve", "--port", "0", "--tls-cert", missing.toString(), "--tls-key", key.toString());
            assertThat(status).isEqualTo(2);
            assertThat(streams.err()).contains("the certificate file " + missing + " does not exist").doesNotContain("\tat ");
        }
        try (CapturedStreams streams = CapturedStreams.capture()) {
            int status = Turnstile.run("serve", "--port", "0", "--tls-cert", cert.toString(), "--tls-key", key.toString());
            assertThat(status).isEqualTo(2);
            assertThat(streams.err()).contains("certificate that cannot be read").doesNotContain("\tat ");
        }
    }
}
