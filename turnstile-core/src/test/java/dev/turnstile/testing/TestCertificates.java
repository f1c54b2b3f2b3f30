package dev.turnstile.testing;

import dev.turnstile.api.TlsSettings;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate made for one test run in a temporary directory, with the JDK's
 * own {@code keytool} (so no secret is ever committed): a PKCS#12 store, the same identity as PEM
 * files (certificate, PKCS#8 key), and a client context that trusts it. Valid for
 * {@code localhost} and {@code 127.0.0.1}.
 */
public final class TestCertificates {

    public static final String PASSWORD = "test-only";

    private final Path dir;
    private final Path keyStore;
    private final Path certificate;
    private final Path privateKey;
    private final Path passwordFile;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.keyStore = dir.resolve("server.p12");
        this.certificate = dir.resolve("cert.pem");
        this.privateKey = dir.resolve("key.pem");
        this.passwordFile = dir.resolve("password.txt");
    }

    /** An RSA 2048 identity in {@code dir}. */
    public static TestCertificates create(Path dir) {
        return create(dir, "RSA");
    }

    /** An identity with a key of {@code algorithm} (RSA or EC) in {@code dir}. */
    public static TestCertificates create(Path dir, String algorithm) {
        TestCertificates c = new TestCertificates(dir);
        c.generate(algorithm);
        return c;
    }

    public Path certificate() {
        return certificate;
    }

    public Path privateKey() {
        return privateKey;
    }

    public Path keyStore() {
        return keyStore;
    }

    public Path passwordFile() {
        return passwordFile;
    }

    public Path dir() {
        return dir;
    }

    /** Settings for the PEM files. */
    public TlsSettings pem() {
        return TlsSettings.pem(certificate, privateKey);
    }

    /** Settings for the PKCS#12 store and its password file. */
    public TlsSettings pkcs12() {
        return TlsSettings.pkcs12(keyStore, passwordFile);
    }

    /** A client context that trusts this certificate only. */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(certificate)) {
                trust.setCertificateEntry("server", java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the test client's TLS context", e);
        }
    }

    /** A TLS client on 127.0.0.1:{@code port}, handshake done, speaking {@code protocol} (TLSv1.3 or TLSv1.2). */
    public LineClient connect(int port, String protocol) {
        try {
            SSLSocket socket = (SSLSocket) clientContext().getSocketFactory().createSocket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), LineClient.READ_TIMEOUT_MS);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.setSoTimeout(LineClient.READ_TIMEOUT_MS);
            socket.startHandshake();
            return LineClient.over(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A TLS 1.3 client on 127.0.0.1:{@code port}. */
    public LineClient connect(int port) {
        return connect(port, "TLSv1.3");
    }

    private void generate(String algorithm) {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", "server",
                "-keyalg", algorithm, "-keysize", algorithm.equals("EC") ? "256" : "2048",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool failed: " + output);
            }
            Files.writeString(passwordFile, PASSWORD + "\n");
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, PASSWORD.toCharArray());
            }
            Key key = store.getKey("server", PASSWORD.toCharArray());
            StringBuilder chain = new StringBuilder();
            for (Certificate c : store.getCertificateChain("server")) {
                chain.append(pem("CERTIFICATE", c.getEncoded()));
            }
            Files.writeString(certificate, chain);
            Files.writeString(privateKey, pem("PRIVATE KEY", key.getEncoded()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the test certificate in " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted making the test certificate", e);
        }
    }

    /** PEM text of {@code der} under {@code type}, 64 columns. */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
