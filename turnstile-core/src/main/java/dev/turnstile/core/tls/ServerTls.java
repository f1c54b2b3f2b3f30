package dev.turnstile.core.tls;

import dev.turnstile.api.TlsSettings;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A server's TLS, ready to serve: the JDK provider's {@code SSLContext} made once from the
 * settings' files, TLS 1.3 and 1.2 only, the server's cipher suite preference (the JDK's, with
 * AES-128-GCM ahead of AES-256-GCM: {@link #aes128First}). Made when a model
 * starts ({@link #load}), so a bad file fails the start with a message naming it.
 *
 * <p>Blocking models layer an {@link SSLSocket} over each accepted socket ({@link #layer}); event
 * loops wrap each channel in a {@link TlsChannel} around a fresh {@link SSLEngine}
 * ({@link #newEngine}).
 *
 * <p>Thread-safe and immutable: the JDK's {@code SSLContext} may make engines and sockets from any
 * thread.
 */
public final class ServerTls {

    /** The protocols offered: TLS 1.3 first, 1.2 for older clients; nothing older. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final SSLContext context;
    private final Duration handshakeTimeout;
    private final String[] protocols;
    private final String[] cipherSuites;

    private ServerTls(SSLContext context, Duration handshakeTimeout) {
        this.context = context;
        this.handshakeTimeout = handshakeTimeout;
        this.protocols = PROTOCOLS.toArray(new String[0]);
        this.cipherSuites = aes128First(context.getDefaultSSLParameters().getCipherSuites());
    }

    /**
     * The JDK's enabled suites, in its order, except that each AES-128-GCM suite comes just before
     * its AES-256-GCM twin (TLS_AES_128_GCM_SHA256 before TLS_AES_256_GCM_SHA384, and so on in
     * TLS 1.2), as Netty's defaults, Go and the OpenSSL clients order them: a record costs fewer
     * AES rounds and the margin stays ample. The server's order decides (see {@link #parameters}),
     * so without this every client that offers both would get AES-256.
     */
    static String[] aes128First(String[] enabled) {
        List<String> order = new ArrayList<>(List.of(enabled));
        for (int i = 0; i < order.size(); i++) {
            String suite = order.get(i);
            if (suite.contains("_AES_256_GCM_SHA384")) {
                int twin = order.indexOf(suite.replace("_AES_256_GCM_SHA384", "_AES_128_GCM_SHA256"));
                if (twin > i) {
                    order.add(i, order.remove(twin));
                    i++; // the 256-bit suite moved one along
                }
            }
        }
        return order.toArray(new String[0]);
    }

    /**
     * Reads the identity the settings name and makes the context.
     *
     * @throws TlsSetupException naming the file and what is wrong with it
     */
    public static ServerTls load(TlsSettings settings) {
        char[] password;
        KeyStore store;
        if (settings.isPem()) {
            password = new char[0];
            store = PemIdentity.load(settings.certificate(), settings.privateKey(), password);
        } else {
            password = password(settings.keyStorePasswordFile());
            store = pkcs12(settings.keyStore(), password);
        }
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return new ServerTls(context, settings.handshakeTimeout());
        } catch (UnrecoverableKeyException e) {
            throw new TlsSetupException("the key in the key store " + settings.keyStore()
                    + " cannot be read with the password given: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Loads {@code settings}, or returns null for null (plaintext). */
    public static ServerTls loadIfSet(TlsSettings settings) {
        return settings == null ? null : load(settings);
    }

    /** The longest one handshake may take. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** A server-side engine for one connection, TLS 1.3 and 1.2. */
    public SSLEngine newEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(parameters(engine.getSSLParameters()));
        return engine;
    }

    /**
     * An {@link SSLSocket} in server mode over an accepted, blocking socket; closing it closes
     * {@code socket}. The handshake has not begun: it runs on the first read or write, or on
     * {@link SSLSocket#startHandshake}.
     */
    public SSLSocket layer(Socket socket) throws IOException {
        SSLSocket secure = (SSLSocket) context.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
        secure.setUseClientMode(false);
        secure.setSSLParameters(parameters(secure.getSSLParameters()));
        return secure;
    }

    private SSLParameters parameters(SSLParameters p) {
        p.setProtocols(protocols);
        p.setCipherSuites(cipherSuites);
        p.setUseCipherSuitesOrder(true);
        return p;
    }

    private static KeyStore pkcs12(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            boolean hasKey = false;
            for (String alias : Collections.list(store.aliases())) {
                hasKey |= store.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new TlsSetupException("the key store " + file + " holds no private key entry");
            }
            return store;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new TlsSetupException("the key store file " + file + " does not exist", e);
        } catch (IOException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new TlsSetupException("the key store " + file + " cannot be opened: wrong password?", e);
            }
            throw new TlsSetupException("the key store file " + file + " cannot be read as PKCS#12: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("the key store file " + file + " cannot be read as PKCS#12: " + e.getMessage(), e);
        }
    }

    private static char[] password(Path file) {
        if (file == null) {
            return new char[0];
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? new char[0] : lines.getFirst().toCharArray();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new TlsSetupException("the key store password file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new TlsSetupException("the key store password file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
