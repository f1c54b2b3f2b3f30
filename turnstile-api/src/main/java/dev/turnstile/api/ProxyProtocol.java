package dev.turnstile.api;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Whether connections begin with a PROXY protocol header (HAProxy's, v1 text or v2 binary) that
 * names the real client behind a load balancer, and whom to believe. Strict, as nginx's
 * {@code listen ... proxy_protocol} and HAProxy's {@code accept-proxy} are: when on, the header is
 * required, never sniffed, so a client cannot pass itself off as someone else by sending one.
 *
 * <ul>
 * <li>A connection from a source in {@code from} (every source when {@code from} is empty) must
 *     begin with a header of an accepted version within {@code headerTimeout}; a missing,
 *     malformed or late header closes it ({@link CloseReason#PROXY_HEADER}). Its
 *     {@link ConnectionInfo#remote()} is the client the header names; a v2 {@code LOCAL} header
 *     (the balancer's own health check), v1 {@code UNKNOWN} and v2 families with no IP address
 *     keep the socket's address.</li>
 * <li>A connection from any other source is refused at once, before a byte is read: a port that
 *     expects a balancer in front is not reached around it (as HAProxy's
 *     {@code tcp-request connection reject if !{ src -f proxies }}).</li>
 * </ul>
 *
 * @param mode          which header versions are accepted, or {@link Mode#OFF}
 * @param from          the balancers whose headers are believed; empty: every source
 * @param headerTimeout how long a connection may take to send its whole header
 */
public record ProxyProtocol(Mode mode, List<Cidr> from, Duration headerTimeout) {

    /** The default header timeout: 5 s (a balancer sends its header with its first bytes). */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(5);

    /** Which header versions a server accepts. */
    public enum Mode {
        /** No header: the socket's address is the client's. */
        OFF,
        /** The text header ({@code PROXY TCP4 ...\r\n}), as HAProxy's {@code send-proxy}. */
        V1,
        /** The binary header, as HAProxy's {@code send-proxy-v2}. */
        V2,
        /** Either, told apart by the first byte. */
        ANY;

        /** The mode for a command-line word: {@code v1}, {@code v2}, {@code any} or {@code off}. */
        public static Mode parse(String word) {
            return switch (word.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "off", "none" -> OFF;
                case "v1", "1" -> V1;
                case "v2", "2" -> V2;
                case "any" -> ANY;
                default -> throw new IllegalArgumentException("proxy protocol must be v1, v2, any or off (got '" + word + "')");
            };
        }
    }

    public ProxyProtocol {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        from = List.copyOf(Objects.requireNonNull(from, "from"));
        if (headerTimeout.isNegative() || headerTimeout.isZero()) {
            throw new IllegalArgumentException("proxy headerTimeout must be positive (got " + headerTimeout + ")");
        }
        if (mode == Mode.OFF && !from.isEmpty()) {
            throw new IllegalArgumentException("proxy-from is set (" + from + ") but the proxy protocol is off");
        }
    }

    /** No PROXY protocol: the default. */
    public static ProxyProtocol off() {
        return new ProxyProtocol(Mode.OFF, List.of(), DEFAULT_HEADER_TIMEOUT);
    }

    /** Headers of {@code mode} required from every source, with the default header timeout. */
    public static ProxyProtocol of(Mode mode) {
        return new ProxyProtocol(mode, List.of(), DEFAULT_HEADER_TIMEOUT);
    }

    public boolean enabled() {
        return mode != Mode.OFF;
    }

    /** True if a connection from {@code source} may (and so must) send a header. */
    public boolean trusts(InetAddress source) {
        if (from.isEmpty()) {
            return true;
        }
        for (Cidr block : from) {
            if (block.contains(source)) {
                return true;
            }
        }
        return false;
    }

    public ProxyProtocol withFrom(List<Cidr> from) {
        return new ProxyProtocol(mode, from, headerTimeout);
    }

    public ProxyProtocol withHeaderTimeout(Duration headerTimeout) {
        return new ProxyProtocol(mode, from, headerTimeout);
    }
}
