package dev.turnstile.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a server's TLS identity is and how long a handshake may take: either a PEM certificate
 * chain with its PKCS#8 private key (as operators have them from an ACME client or
 * {@code openssl req}), or a PKCS#12 key store. Only paths are held: the files are read when the
 * server starts (turnstile-core turns them into an {@code SSLContext}), and the process models'
 * worker JVMs read them again from the same paths, so no secret ever travels on a command line.
 * A PKCS#12 store's password is read from a file for the same reason; no file means an empty
 * password.
 *
 * <p>The handshake timeout bounds the whole handshake of one connection, from accept to the
 * handshake's end; a peer that has not finished by then (a plaintext client that waits for a
 * greeting, half a ClientHello) is closed as {@link CloseReason#TLS_HANDSHAKE_FAILED}. It is
 * separate from, and usually shorter than, the idle timeout.
 *
 * @param certificate           PEM file with the certificate chain, leaf first; null with a key store
 * @param privateKey            PEM file with the leaf's private key, PKCS#8 ({@code BEGIN PRIVATE KEY}); null with a key store
 * @param keyStore              PKCS#12 file holding one private key entry and its chain; null with PEM files
 * @param keyStorePasswordFile  file whose first line is the key store's password; null: empty password
 * @param handshakeTimeout      the longest one handshake may take
 */
public record TlsSettings(Path certificate, Path privateKey, Path keyStore, Path keyStorePasswordFile,
                          Duration handshakeTimeout) {

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public TlsSettings {
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        boolean pem = certificate != null || privateKey != null;
        if (pem && keyStore != null) {
            throw new IllegalArgumentException("TLS takes either a PEM certificate and key or a PKCS#12 key store, not both");
        }
        if (pem && (certificate == null || privateKey == null)) {
            throw new IllegalArgumentException("TLS with PEM files needs both the certificate chain and the private key (got "
                    + (certificate == null ? "only the key" : "only the certificate") + ")");
        }
        if (!pem && keyStore == null) {
            throw new IllegalArgumentException("TLS needs a PEM certificate and key, or a PKCS#12 key store");
        }
        if (keyStorePasswordFile != null && keyStore == null) {
            throw new IllegalArgumentException("a key store password file is given without a key store");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive (got " + handshakeTimeout + ")");
        }
    }

    /** A PEM certificate chain and its PKCS#8 private key, with the default handshake timeout (10 s). */
    public static TlsSettings pem(Path certificate, Path privateKey) {
        return new TlsSettings(Objects.requireNonNull(certificate, "certificate"),
                Objects.requireNonNull(privateKey, "privateKey"), null, null, DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** A PKCS#12 key store and the file holding its password (null: empty), with the default handshake timeout. */
    public static TlsSettings pkcs12(Path keyStore, Path passwordFile) {
        return new TlsSettings(null, null, Objects.requireNonNull(keyStore, "keyStore"), passwordFile,
                DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** True if the identity is in PEM files, false if in a PKCS#12 key store. */
    public boolean isPem() {
        return certificate != null;
    }

    public TlsSettings withHandshakeTimeout(Duration handshakeTimeout) {
        return new TlsSettings(certificate, privateKey, keyStore, keyStorePasswordFile, handshakeTimeout);
    }
}
