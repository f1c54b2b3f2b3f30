package dev.turnstile.core.proxy;

import dev.turnstile.api.CloseReason;
import dev.turnstile.api.ConnectionInfo;
import dev.turnstile.api.ProxyProtocol;
import dev.turnstile.api.ServerStats;
import dev.turnstile.core.AcceptGate;
import dev.turnstile.core.AcceptLimits;
import dev.turnstile.core.OpenConnections;
import dev.turnstile.core.Sockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The PROXY protocol stage of a blocking connection: before the service or anything else sees
 * the connection, checks that its source may send a header ({@link ProxyProtocol#trusts}), reads
 * the header within the header timeout on the calling thread, and gives the connection its real
 * client address. Reads never take a byte past the header ({@link ProxyHeaderParser#wanted()}),
 * so the socket's stream is left exactly at the client's first byte, for framed and session
 * services alike; a v1 header costs a few small reads for it.
 *
 * <p>The per-source limits ({@code --max-connections-per-ip}, {@code --max-accept-rate}) apply
 * here, to the header's client, not at accept to the balancer ({@link AcceptLimits.SourceCheck}).
 *
 * <p>A refused connection (untrusted source, malformed, late or cut-short header) is logged at
 * info, counted as opened and closed with {@link CloseReason#PROXY_HEADER}, and closed; one whose
 * peer left before sending a byte is counted as {@link CloseReason#PEER_CLOSED}. While the header
 * is awaited the connection is registered in the model's {@link OpenConnections}, so a stop
 * closes it like any idle connection.
 *
 * <p>Thread-safe: holds only the configuration; each {@link #admit} runs on its connection's thread.
 */
public final class ProxyPreface {

    private static final Logger log = LoggerFactory.getLogger(ProxyPreface.class);

    private final ProxyProtocol protocol;
    private final ServerStats stats;
    private final OpenConnections connections;
    private final AcceptGate limits; // null: no per-source limits here

    /**
     * @param limits the server's limits: their per-source part applies to the header's client
     *               ({@link AcceptGate#admitSource}); null: none
     */
    public ProxyPreface(ProxyProtocol protocol, ServerStats stats, OpenConnections connections, AcceptGate limits) {
        if (!protocol.enabled()) {
            throw new IllegalArgumentException("the PROXY protocol is off");
        }
        this.protocol = protocol;
        this.stats = stats;
        this.connections = connections;
        this.limits = limits;
    }

    /**
     * Reads {@code channel}'s header. Returns {@code info} with the client's address as its remote,
     * or null if the connection was refused: then it is already counted and closed.
     */
    public ConnectionInfo admit(SocketChannel channel, ConnectionInfo info) {
        InetSocketAddress socketPeer = info.remote();
        if (socketPeer.getAddress() == null || !protocol.trusts(socketPeer.getAddress())) {
            return refuse(channel, info, CloseReason.PROXY_HEADER,
                    "not in --proxy-from " + protocol.from() + "; closing without reading");
        }
        OpenConnections.Entry entry = connections.register(channel, "connection " + info.id() + " from "
                + info.peer() + " (awaiting its PROXY header)", true); // idle: a stop closes it
        try {
            ProxyHeader header = read(channel.socket(), new ProxyHeaderParser(protocol.mode()));
            if (header == null) {
                return refuse(channel, info, CloseReason.PEER_CLOSED, null);
            }
            InetSocketAddress client = header.remoteOr(socketPeer);
            log.debug("{}: PROXY v{} header names {}", info.peer(), header.version(), client);
            if (limits != null && !limits.admitSource(client)) {
                Sockets.closeQuietly(channel); // counted and logged by the limits, as at accept
                return null;
            }
            return new ConnectionInfo(info.id(), client, info.local(), info.worker());
        } catch (MalformedProxyHeaderException e) {
            return refuse(channel, info, CloseReason.PROXY_HEADER, e.getMessage());
        } catch (SocketTimeoutException e) {
            return refuse(channel, info, CloseReason.PROXY_HEADER, "no whole PROXY header within " + protocol.headerTimeout());
        } catch (IOException e) {
            return refuse(channel, info, entry.closedByShutdown() ? CloseReason.SHUTDOWN : CloseReason.RESET, null);
        } finally {
            connections.remove(entry);
        }
    }

    /**
     * Reads one header from {@code socket} with blocking reads of at most {@link ProxyHeaderParser#wanted()}
     * bytes, the whole within the header timeout. Null if the peer closed before its first byte.
     */
    private ProxyHeader read(Socket socket, ProxyHeaderParser parser) throws IOException, MalformedProxyHeaderException {
        socket.getChannel().configureBlocking(true);
        int before = socket.getSoTimeout();
        long deadline = System.nanoTime() + protocol.headerTimeout().toNanos();
        InputStream in = socket.getInputStream();
        byte[] bytes = new byte[256];
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("PROXY header timeout");
                }
                socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000)));
                int n = in.read(bytes, 0, Math.min(bytes.length, parser.wanted()));
                if (n < 0) {
                    if (parser.consumed() == 0) {
                        return null;
                    }
                    throw new MalformedProxyHeaderException("the peer closed after " + parser.consumed()
                            + " bytes of its PROXY header");
                }
                stats.bytesIn(n);
                ByteBuffer read = ByteBuffer.wrap(bytes, 0, n);
                ProxyHeader header = parser.parse(read);
                if (header != null) {
                    return header;
                }
            }
        } finally {
            socket.setSoTimeout(before);
        }
    }

    /**
     * What to run when a connection {@link #admit admitted} as {@code info} ends: its client's
     * per-source count goes back, then {@code release}.
     */
    public Runnable releaseFor(ConnectionInfo info, Runnable release) {
        if (limits == null) {
            return release;
        }
        InetSocketAddress client = info.remote();
        return () -> {
            try {
                limits.closedSource(client);
            } finally {
                release.run();
            }
        };
    }

    private ConnectionInfo refuse(SocketChannel channel, ConnectionInfo info, CloseReason reason, String why) {
        if (why != null) {
            log.info("{} {}: PROXY protocol: {}", info.worker(), info.peer(), why);
        }
        Sockets.closeQuietly(channel);
        stats.connectionOpened(info);
        stats.connectionClosed(info, reason);
        return null;
    }
}
