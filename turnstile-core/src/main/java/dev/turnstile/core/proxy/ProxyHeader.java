package dev.turnstile.core.proxy;

import java.net.InetSocketAddress;

/**
 * One PROXY protocol header, as {@link ProxyHeaderParser} read it.
 *
 * @param version     1 (text) or 2 (binary)
 * @param source      the client the balancer speaks for; null when the header names none: a v2
 *                    {@code LOCAL} header (the balancer's own health check), v1 {@code UNKNOWN},
 *                    a v2 {@code UNSPEC} or {@code UNIX} family. The socket's address stands then.
 * @param destination the address the client connected to on the balancer; null with {@code source}
 * @param length      how many bytes the header took on the wire, TLVs included
 */
public record ProxyHeader(int version, InetSocketAddress source, InetSocketAddress destination, int length) {

    /** The connection's peer: the header's source if it names one, else {@code socketPeer}. */
    public InetSocketAddress remoteOr(InetSocketAddress socketPeer) {
        return source != null ? source : socketPeer;
    }
}
