package dev.turnstile.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how a server listens, and the limits every model honours. Each limit has its own
 * name so that they are never confused: the listen backlog (connections the kernel holds before
 * accept), the idle timeout (a silent connection is closed after it), and the largest message.
 * Pool sizes and keep-alive belong to a model's own options, the drain time to {@code stop}.
 *
 * @param host            the address to bind; {@code 127.0.0.1} by default
 * @param port            the port to bind; 0 picks a free one
 * @param acceptBacklog   the listen backlog, set explicitly (the JDK's default of 50 is too small)
 * @param idleTimeout     a connection that sends nothing for this long is closed
 * @param maxMessageBytes the longest message; a longer one gets an error reply and a close
 * @param framing         how the byte stream is cut into messages, for services that do not
 *                        bring a framing of their own ({@link FramedService#framing()})
 * @param maxPendingBytes the most bytes one connection may have sent to it and not yet taken by
 *                        the peer; a send past it closes the connection as a slow consumer. At
 *                        least {@code maxMessageBytes}, so one full reply always fits
 * @param writeTimeout    a peer that takes none of our bytes for this long, while a write waits
 *                        for it, is closed ({@link CloseReason#WRITE_TIMEOUT}): a pool worker is
 *                        never held longer by a peer that does not read
 * @param messageTimeout  once the first byte of a message has arrived, the whole message must
 *                        arrive within this, or the connection is closed
 *                        ({@link CloseReason#MESSAGE_TIMEOUT}); unlike the idle timeout it is not
 *                        reset by every byte, so one byte a second cannot hold a connection open
 * @param limits          bounds on connections: in all, per source address, per second per source
 *                        ({@link ConnectionLimits}); none by default
 * @param tls             the server's TLS identity and handshake timeout ({@link TlsSettings});
 *                        null (the default): plaintext
 * @param proxyProtocol   whether connections begin with a PROXY protocol header naming the real
 *                        client, and from whom ({@link ProxyProtocol}); off by default
 */
public record ServerConfig(String host, int port, int acceptBacklog, Duration idleTimeout,
                           int maxMessageBytes, Framing framing, int maxPendingBytes,
                           Duration writeTimeout, Duration messageTimeout, ConnectionLimits limits,
                           TlsSettings tls, ProxyProtocol proxyProtocol) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 20446;
    public static final int DEFAULT_BACKLOG = 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(2);
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MESSAGE_TIMEOUT = Duration.ofSeconds(30);

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        Objects.requireNonNull(messageTimeout, "messageTimeout");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535 (got " + port + ")");
        }
        if (acceptBacklog < 1) {
            throw new IllegalArgumentException("acceptBacklog must be >= 1 (got " + acceptBacklog + ")");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive (got " + idleTimeout + ")");
        }
        if (maxMessageBytes < 16) {
            throw new IllegalArgumentException("maxMessageBytes must be >= 16 (got " + maxMessageBytes + ")");
        }
        if (maxPendingBytes < maxMessageBytes) {
            throw new IllegalArgumentException("maxPendingBytes must be >= maxMessageBytes (got " + maxPendingBytes
                    + " < " + maxMessageBytes + ")");
        }
        if (writeTimeout.isNegative() || writeTimeout.isZero()) {
            throw new IllegalArgumentException("writeTimeout must be positive (got " + writeTimeout + ")");
        }
        if (messageTimeout.isNegative() || messageTimeout.isZero()) {
            throw new IllegalArgumentException("messageTimeout must be positive (got " + messageTimeout + ")");
        }
    }

    /** As the canonical constructor, in plaintext (no TLS) and with no PROXY protocol. */
    public ServerConfig(String host, int port, int acceptBacklog, Duration idleTimeout, int maxMessageBytes,
                        Framing framing, int maxPendingBytes, Duration writeTimeout, Duration messageTimeout,
                        ConnectionLimits limits) {
        this(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing, maxPendingBytes, writeTimeout,
                messageTimeout, limits, null, ProxyProtocol.off());
    }

    /** As the canonical constructor, with no connection limits. */
    public ServerConfig(String host, int port, int acceptBacklog, Duration idleTimeout, int maxMessageBytes,
                        Framing framing, int maxPendingBytes, Duration writeTimeout, Duration messageTimeout) {
        this(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing, maxPendingBytes, writeTimeout,
                messageTimeout, ConnectionLimits.none());
    }

    /** As the canonical constructor, with the default write and message timeouts (30 s each) and no connection limits. */
    public ServerConfig(String host, int port, int acceptBacklog, Duration idleTimeout, int maxMessageBytes,
                        Framing framing, int maxPendingBytes) {
        this(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing, maxPendingBytes,
                DEFAULT_WRITE_TIMEOUT, DEFAULT_MESSAGE_TIMEOUT);
    }

    /** As the canonical constructor, with the default {@code maxPendingBytes} (at least {@code maxMessageBytes}). */
    public ServerConfig(String host, int port, int acceptBacklog, Duration idleTimeout, int maxMessageBytes,
                        Framing framing) {
        this(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing,
                Math.max(DEFAULT_MAX_PENDING_BYTES, maxMessageBytes));
    }

    /**
     * The defaults: 127.0.0.1:20446, backlog 1024, idle timeout 2 minutes, 64 KiB messages, auto
     * framing, 1 MiB pending, write and message timeouts 30 s.
     */
    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_BACKLOG, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_MAX_MESSAGE_BYTES, Framing.AUTO);
    }

    public ServerConfig withHost(String host) {
        return new ServerConfig(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing, maxPendingBytes,
                writeTimeout, messageTimeout, limits, tls, proxyProtocol);
    }

    public ServerConfig withPort(int port) {
        return new ServerConfig(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing, maxPendingBytes,
                writeTimeout, messageTimeout, limits, tls, proxyProtocol);
    }

    public ServerConfig withAcceptBacklog(int acceptBacklog) {
        return new ServerConfig(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing, maxPendingBytes,
                writeTimeout, messageTimeout, limits, tls, proxyProtocol);
    }

    public ServerConfig withIdleTimeout(Duration idleTimeout) {
        return new ServerConfig(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing, maxPendingBytes,
                writeTimeout, messageTimeout, limits, tls, proxyProtocol);
    }

    /** Also raises {@code maxPendingBytes} to {@code maxMessageBytes} if it was below. */
    public ServerConfig withMaxMessageBytes(int maxMessageBytes) {
        return new ServerConfig(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing,
                Math.max(maxPendingBytes, maxMessageBytes), writeTimeout, messageTimeout, limits, tls, proxyProtocol);
    }

    public ServerConfig withFraming(Framing framing) {
        return new ServerConfig(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing, maxPendingBytes,
                writeTimeout, messageTimeout, limits, tls, proxyProtocol);
    }

    public ServerConfig withMaxPendingBytes(int maxPendingBytes) {
        return new ServerConfig(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing, maxPendingBytes,
                writeTimeout, messageTimeout, limits, tls, proxyProtocol);
    }

    public ServerConfig withWriteTimeout(Duration writeTimeout) {
        return new ServerConfig(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing, maxPendingBytes,
                writeTimeout, messageTimeout, limits, tls, proxyProtocol);
    }

    public ServerConfig withMessageTimeout(Duration messageTimeout) {
        return new ServerConfig(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing, maxPendingBytes,
                writeTimeout, messageTimeout, limits, tls, proxyProtocol);
    }

    public ServerConfig withLimits(ConnectionLimits limits) {
        return new ServerConfig(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing, maxPendingBytes,
                writeTimeout, messageTimeout, limits, tls, proxyProtocol);
    }

    /** With TLS as {@code tls} says, or plaintext if null. */
    public ServerConfig withTls(TlsSettings tls) {
        return new ServerConfig(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing, maxPendingBytes,
                writeTimeout, messageTimeout, limits, tls, proxyProtocol);
    }

    public ServerConfig withProxyProtocol(ProxyProtocol proxyProtocol) {
        return new ServerConfig(host, port, acceptBacklog, idleTimeout, maxMessageBytes, framing, maxPendingBytes,
                writeTimeout, messageTimeout, limits, tls, proxyProtocol);
    }
}
