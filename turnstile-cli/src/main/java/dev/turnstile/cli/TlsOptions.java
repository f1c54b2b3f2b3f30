package dev.turnstile.cli;

import dev.turnstile.api.TlsSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The TLS options of {@code serve} and {@code demo}, mixed into {@link ServerOptions}: a PEM
 * certificate chain and PKCS#8 key, or a PKCS#12 key store with its password in a file; none
 * given means plaintext.
 */
final class TlsOptions {

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve TLS (1.3 and 1.2) with this PEM certificate chain, leaf first; needs --tls-key.")
    Path certificate;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The certificate's private key, PEM PKCS#8 (BEGIN PRIVATE KEY; RSA, EC or Ed25519).")
    Path privateKey;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "Serve TLS with the key and chain in this PKCS#12 file, instead of --tls-cert/--tls-key.")
    Path keyStore;

    @Option(names = "--tls-keystore-password-file", paramLabel = "FILE",
            description = "File whose first line is the --tls-keystore password; default: an empty password.")
    Path keyStorePasswordFile;

    @Option(names = "--tls-handshake-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Close a connection whose TLS handshake has not finished within this; default: 10s.")
    Duration handshakeTimeout;

    /** The settings these options give, or null for plaintext. */
    TlsSettings settings() {
        boolean any = certificate != null || privateKey != null || keyStore != null;
        if (!any) {
            if (keyStorePasswordFile != null || handshakeTimeout != null) {
                throw new IllegalArgumentException("--tls-keystore-password-file and --tls-handshake-timeout need"
                        + " --tls-cert and --tls-key, or --tls-keystore");
            }
            return null;
        }
        if (certificate != null && privateKey == null) {
            throw new IllegalArgumentException("--tls-cert needs --tls-key (the certificate's PKCS#8 private key)");
        }
        if (privateKey != null && certificate == null) {
            throw new IllegalArgumentException("--tls-key needs --tls-cert (the PEM certificate chain)");
        }
        if (keyStore != null && certificate != null) {
            throw new IllegalArgumentException("give either --tls-cert and --tls-key or --tls-keystore, not both");
        }
        return new TlsSettings(certificate, privateKey, keyStore, keyStorePasswordFile,
                handshakeTimeout == null ? TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT : handshakeTimeout);
    }
}
