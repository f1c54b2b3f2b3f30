package dev.turnstile.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway self-signed server certificate and its key, PEM files made by {@code openssl req}
 * into a work folder: what a TLS cell's servers present and its load process trusts. Nothing is
 * committed or kept: a run makes its own.
 *
 * <p>The key is EC P-256 (what a modern server presents; an RSA-2048 signature costs several times
 * as much per handshake), unencrypted PKCS#8, the form both the JDK and Netty's JDK provider read
 * without extra libraries. The certificate names {@code localhost} and {@code 127.0.0.1} and is
 * valid for two days.
 *
 * @param certificate the PEM certificate, also the file a client trusts
 * @param key         the PEM PKCS#8 private key
 */
public record ServerCertificate(Path certificate, Path key) {

    static final String OPENSSL = "openssl";
    private static final long TIMEOUT_SECONDS = 30;

    public ServerCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

    /**
     * Makes {@code dir/NAME.cert.pem} and {@code dir/NAME.key.pem}, replacing old ones.
     *
     * @throws IOException openssl is missing (the message says which package to install) or failed
     */
    public static ServerCertificate generate(Path dir, String name) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path cert = dir.resolve(name + ".cert.pem");
        Path key = dir.resolve(name + ".key.pem");
        Path log = dir.resolve(name + ".openssl.log");
        List<String> command = List.of(OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot run openssl to make a test certificate (install the Debian package "
                    + "'openssl', or run scripts/install-test-tools): " + e.getMessage(), e);
        }
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IOException("openssl did not make a certificate within " + TIMEOUT_SECONDS + " s");
        }
        if (p.exitValue() != 0 || !Files.exists(cert) || !Files.exists(key)) {
            throw new IOException("openssl failed to make a certificate (exit status " + p.exitValue() + "): "
                    + Files.readString(log, StandardCharsets.UTF_8).strip());
        }
        return new ServerCertificate(cert, key);
    }
}
