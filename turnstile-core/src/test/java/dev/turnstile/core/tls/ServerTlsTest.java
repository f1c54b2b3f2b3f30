package dev.turnstile.core.tls;

import dev.turnstile.api.TlsSettings;
import dev.turnstile.testing.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading a server identity: PEM (RSA, EC), PKCS#12, and a clear message for every bad file. */
@Timeout(120)
class ServerTlsTest {

    @TempDir
    static Path dir;
    static TestCertificates rsa;
    static TestCertificates ec;

    @BeforeAll
    static void certificates() throws IOException {
        rsa = TestCertificates.create(Files.createDirectory(dir.resolve("rsa")));
        ec = TestCertificates.create(Files.createDirectory(dir.resolve("ec")), "EC");
    }

    @Test
    void loadsPemRsaAndEcAndPkcs12WithTls13And12Only() {
        for (TlsSettings settings : new TlsSettings[] {rsa.pem(), ec.pem(), rsa.pkcs12()}) {
            ServerTls tls = ServerTls.load(settings.withHandshakeTimeout(Duration.ofSeconds(3)));
            SSLEngine engine = tls.newEngine();
            assertThat(engine.getUseClientMode()).isFalse();
            assertThat(Arrays.asList(engine.getEnabledProtocols())).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
            assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
        }
    }

    @Test
    void putsEachAes128GcmSuiteJustAheadOfItsAes256Twin() {
        assertThat(ServerTls.aes128First(new String[] {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
                "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"}))
                .containsExactly("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                        "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        SSLEngine engine = ServerTls.load(ec.pem()).newEngine();
        assertThat(engine.getEnabledCipherSuites()[0]).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(engine.getSSLParameters().getUseCipherSuitesOrder()).isTrue();
    }

    @Test
    void refusesTraditionalOpenSslKeysNamingTheConversion() throws IOException {
        Path key = dir.resolve("traditional.pem");
        Files.writeString(key, TestCertificates.pem("RSA PRIVATE KEY", new byte[] {48, 0}));
        assertThatThrownBy(() -> ServerTls.load(TlsSettings.pem(rsa.certificate(), key)))
                .isInstanceOf(TlsSetupException.class)
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt")
                .hasMessageContaining(key.toString());
        Files.writeString(key, TestCertificates.pem("EC PRIVATE KEY", new byte[] {48, 0}));
        assertThatThrownBy(() -> ServerTls.load(TlsSettings.pem(rsa.certificate(), key)))
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void refusesAKeyThatDoesNotBelongToTheCertificate() {
        assertThatThrownBy(() -> ServerTls.load(TlsSettings.pem(rsa.certificate(), ec.privateKey())))
                .isInstanceOf(TlsSetupException.class)
                .hasMessageContaining("does not belong to the first certificate in " + rsa.certificate());
    }

    @Test
    void namesAMissingOrEmptyFile() throws IOException {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> ServerTls.load(TlsSettings.pem(missing, rsa.privateKey())))
                .hasMessage("the certificate file " + missing + " does not exist");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        assertThatThrownBy(() -> ServerTls.load(TlsSettings.pem(empty, rsa.privateKey())))
                .hasMessageContaining("holds no PEM certificate");
        assertThatThrownBy(() -> ServerTls.load(TlsSettings.pem(rsa.certificate(), empty)))
                .hasMessageContaining("holds no PEM private key");
    }

    @Test
    void saysWhenTheKeyStorePasswordIsWrong() throws IOException {
        Path wrong = Files.writeString(dir.resolve("wrong.txt"), "not-the-password\n");
        assertThatThrownBy(() -> ServerTls.load(TlsSettings.pkcs12(rsa.keyStore(), wrong)))
                .isInstanceOf(TlsSetupException.class)
                .hasMessageContaining(rsa.keyStore().toString())
                .hasMessageContaining("password");
    }

    @Test
    void settingsNeedOneCompleteIdentity() {
        assertThatThrownBy(() -> new TlsSettings(rsa.certificate(), null, null, null, Duration.ofSeconds(1)))
                .hasMessageContaining("only the certificate");
        assertThatThrownBy(() -> new TlsSettings(rsa.certificate(), rsa.privateKey(), rsa.keyStore(), null,
                Duration.ofSeconds(1))).hasMessageContaining("not both");
        assertThatThrownBy(() -> rsa.pem().withHandshakeTimeout(Duration.ZERO))
                .hasMessageContaining("handshakeTimeout must be positive");
    }

    @Test
    void loadsWhatTheReadmesOpensslCommandsMake() throws Exception {
        Path made = Files.createDirectory(dir.resolve("openssl"));
        Path cert = made.resolve("cert.pem"), key = made.resolve("key.pem"), store = made.resolve("server.p12");
        Path password = Files.writeString(made.resolve("pass.txt"), "secret\n");
        openssl(made, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString());
        openssl(made, "pkcs12", "-export", "-in", cert.toString(), "-inkey", key.toString(), "-out", store.toString(),
                "-passout", "file:" + password);
        assertThat(ServerTls.load(TlsSettings.pem(cert, key)).newEngine()).isNotNull();
        assertThat(ServerTls.load(TlsSettings.pkcs12(store, password)).newEngine()).isNotNull();
        Path traditional = made.resolve("traditional.pem");
        openssl(made, "genrsa", "-traditional", "-out", traditional.toString(), "2048");
        assertThatThrownBy(() -> ServerTls.load(TlsSettings.pem(cert, traditional)))
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + traditional);
    }

    private static void openssl(Path workDir, String... args) throws Exception {
        Path openssl = Path.of("/usr/bin/openssl");
        if (!Files.isExecutable(openssl)) {
            org.junit.jupiter.api.Assertions.fail(openssl + " not found: install Debian's openssl (scripts/install-test-tools does)");
        }
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(openssl.toString()));
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", String.join(" ", args), output).isZero();
    }
}
