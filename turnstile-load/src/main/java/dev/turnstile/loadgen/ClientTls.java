package dev.turnstile.loadgen;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Objects;

/**
 * Whether the load generator speaks TLS, and whom it trusts: the settings, and the client
 * {@link SSLContext} made from them once per run (an {@code SSLContext} is safe to share between
 * loops; each connection gets its own {@link SSLEngine}).
 *
 * <p><b>What a handshake is.</b> Engines are made without a peer host and port, so the JDK keeps no
 * session to resume: every connection, and under churn every cycle, makes a full handshake, as
 * {@code openssl s_time -new} does. Certificates are checked against the trust; the host name is
 * not (the target is loopback by construction). TLS 1.3 and 1.2 from the JDK's own provider.
 *
 * @param trust     plaintext, or which certificates are trusted
 * @param trustFile the PEM certificate(s) trusted under {@link Trust#FILE}; null otherwise
 */
public record ClientTls(Trust trust, Path trustFile) {

    /** Whom a TLS client trusts. */
    public enum Trust {
        /** No TLS: plaintext TCP. */
        OFF,
        /** The JDK's default trust store (cacerts). */
        SYSTEM,
        /** The certificates in {@code trustFile} (a self-signed server certificate, or its CA). */
        FILE,
        /** Any certificate: for tests against a throwaway certificate, never to protect anything. */
        ANY
    }

    public static final ClientTls PLAINTEXT = new ClientTls(Trust.OFF, null);

    /**
     * The key exchange groups offered: those the reference C client offers, so that both clients ask
     * a server for the same handshake. The JDK's default list goes on to finite-field groups, for
     * which its client may make a second key share of its own (a 2048-bit one) that no server here uses.
     */
    static final String[] NAMED_GROUPS = {"x25519", "secp256r1"};

    public ClientTls {
        Objects.requireNonNull(trust, "trust");
        if ((trust == Trust.FILE) != (trustFile != null)) {
            throw new IllegalArgumentException("tls-trust: a trust file goes with trusting a file, and only then (got "
                    + trust + " with " + trustFile + ")");
        }
    }

    /** TLS trusting the PEM certificate(s) in {@code file}. */
    public static ClientTls trusting(Path file) {
        return new ClientTls(Trust.FILE, file);
    }

    /** TLS trusting any certificate (tests). */
    public static ClientTls trustingAny() {
        return new ClientTls(Trust.ANY, null);
    }

    /** TLS trusting the JDK's default trust store. */
    public static ClientTls trustingSystem() {
        return new ClientTls(Trust.SYSTEM, null);
    }

    public boolean enabled() {
        return trust != Trust.OFF;
    }

    /**
     * The client context for these settings, or null for plaintext; primed with one client hello
     * made and thrown away, so that loading the TLS classes and the key exchange's first use are not
     * charged to the first connection's timeout.
     *
     * @throws IllegalArgumentException the trust file cannot be read or holds no certificate, naming it
     */
    SSLContext newContext() {
        if (!enabled()) {
            return null;
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(), null);
            SSLEngine primer = newEngine(context);
            primer.wrap(ByteBuffer.allocate(0), ByteBuffer.allocate(primer.getSession().getPacketBufferSize()));
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("tls: cannot make a TLS client context: " + e.getMessage(), e);
        }
    }

    /**
     * A client-mode engine with no session to resume, offering the key exchange groups
     * {@link #NAMED_GROUPS}.
     */
    static SSLEngine newEngine(SSLContext context) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setNamedGroups(NAMED_GROUPS);
        engine.setSSLParameters(parameters);
        return engine;
    }

    private TrustManager[] trustManagers() throws GeneralSecurityException {
        return switch (trust) {
            case OFF, SYSTEM -> null;  // SSLContext.init takes the default trust managers
            case ANY -> new TrustManager[] {new TrustingAny()};
            case FILE -> {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                try {
                    store.load(null, null);
                } catch (IOException e) {
                    throw new IllegalStateException("an empty key store cannot fail to load", e);
                }
                int i = 0;
                for (Certificate c : certificates(trustFile)) {
                    store.setCertificateEntry("trusted-" + i++, c);
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                yield factory.getTrustManagers();
            }
        };
    }

    private static Collection<? extends Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("tls-trust: no certificate in " + file);
            }
            return certs;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("tls-trust: cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    /** Accepts every certificate chain. Stateless, so shared. */
    private static final class TrustingAny extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
