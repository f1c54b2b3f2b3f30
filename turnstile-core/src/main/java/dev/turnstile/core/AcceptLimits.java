package dev.turnstile.core;

import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ServerConfig;
import dev.turnstile.api.ServerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The server-wide {@link ConnectionLimits} of one process, applied by every accept path (core's
 * {@link AcceptLoop}, as its {@link AcceptGate}, and the event loops' acceptor) in one way:
 *
 * <ol>
 * <li>Before accept, a permit ({@link #acquire} or, on a loop, {@link #tryAcquire}): with
 *     {@code maxConnections} open the acceptor stops and the listen backlog holds the rest.</li>
 * <li>After accept, {@link #admit}: the source's accept rate, then its open connections. A
 *     connection over either is refused: the caller closes it at once and gives the permit back
 *     ({@link #release}); it is counted in the stats as rejected and as a limit hit, and logged at
 *     most once per source per 10 s.</li>
 * <li>When an admitted connection closes, {@link #closed} with the same peer: the per-source count
 *     and the permit go back.</li>
 * </ol>
 *
 * <p><b>Behind a balancer</b> ({@link SourceCheck#AFTER_PROXY_HEADER}, when the PROXY protocol is
 * on) the socket's peer is the balancer, so {@link #admit} applies only max-connections, and the
 * per-source limits apply to the client the header names: {@link #admitSource} once the header is
 * read, {@link #closedSource} with the same address when the connection closes.
 *
 * <p>With no limit set every step is a no-op apart from a null check.
 * <p><b>Thread-safety.</b> Thread-safe; one instance per server, shared by its acceptors.
 */
public final class AcceptLimits implements AcceptGate {

    private static final Logger log = LoggerFactory.getLogger(AcceptLimits.class);

    private final ConnectionLimits limits;
    private final ServerStats stats;
    private final String server;
    private final Admission permits;
    private final CeilingEpisodes ceiling;  // null: no max-connections
    private final PeerLimits perPeer;       // null: no max-connections-per-ip
    private final AcceptRate rate;          // null: no max-accept-rate
    private final SourceCheck sourceCheck;

    /** When the per-source limits are applied. */
    public enum SourceCheck {
        /** In {@link #admit}, to the socket's peer. */
        AT_ACCEPT,
        /** In {@link #admitSource}, to the client a PROXY protocol header names. */
        AFTER_PROXY_HEADER
    }

    /**
     * The limits of {@code config}, with the per-source part applied where that server learns the
     * client: after the PROXY header when the protocol is on, else at accept.
     */
    public static AcceptLimits of(ServerConfig config, ServerStats stats, String server) {
        return new AcceptLimits(config.limits(), stats, server, config.proxyProtocol().enabled()
                ? SourceCheck.AFTER_PROXY_HEADER : SourceCheck.AT_ACCEPT);
    }

    /** Per-source limits at accept, to the socket's peer. */
    public AcceptLimits(ConnectionLimits limits, ServerStats stats, String server) {
        this(limits, stats, server, SourceCheck.AT_ACCEPT);
    }

    public AcceptLimits(ConnectionLimits limits, ServerStats stats, String server, SourceCheck sourceCheck) {
        this.sourceCheck = sourceCheck;
        this.limits = limits;
        this.stats = stats;
        this.server = server;
        int max = limits.maxConnections();
        this.permits = max == 0 ? Admission.unbounded() : Admission.bounded(max);
        this.ceiling = max == 0 ? null : new CeilingEpisodes(max, stats, server);
        this.perPeer = limits.maxConnectionsPerIp() == 0 ? null : new PeerLimits(limits.maxConnectionsPerIp());
        this.rate = limits.maxAcceptRate() == 0 ? null : new AcceptRate(limits.maxAcceptRate());
    }

    public ConnectionLimits limits() {
        return limits;
    }

    /** Waits for room under max-connections; false if interrupted (stopping), with the status kept. */
    @Override
    public boolean acquire() {
        return permits.acquire();
    }

    /** Takes room under max-connections if there is any now; false at the limit. */
    public boolean tryAcquire() {
        return permits.tryAcquire();
    }

    /** Gives back a permit that no connection holds (accept failed, or the connection was refused). */
    @Override
    public void release() {
        permits.release();
    }

    /**
     * Applies the per-source limits to a connection just accepted from {@code peer}. True: admitted,
     * and {@link #closed} must follow when it closes. False: refused and already counted; the caller
     * closes the socket and calls {@link #release}.
     */
    @Override
    public boolean admit(InetSocketAddress peer) {
        if (sourceCheck == SourceCheck.AT_ACCEPT && !checkSource(peer)) {
            return false;
        }
        if (ceiling != null) {
            ceiling.opened();
        }
        return true;
    }

    /**
     * Behind a balancer: applies the per-source limits to {@code client}, named by the connection's
     * PROXY header. True: admitted, and {@link #closedSource} must follow when it closes. False:
     * refused and already counted; the caller closes the connection, which still gives back what
     * {@link #admit} took through {@link #closed}. Always true at {@link SourceCheck#AT_ACCEPT}.
     */
    @Override
    public boolean admitSource(InetSocketAddress client) {
        return sourceCheck == SourceCheck.AT_ACCEPT || checkSource(client);
    }

    /** A connection {@link #admitSource admitted} for {@code client} closed: its per-source count goes back. */
    @Override
    public void closedSource(InetSocketAddress client) {
        InetAddress address = client.getAddress();
        if (sourceCheck == SourceCheck.AFTER_PROXY_HEADER && perPeer != null && address != null) {
            perPeer.close(address);
        }
    }

    private boolean checkSource(InetSocketAddress peer) {
        InetAddress address = peer.getAddress();
        if (address != null) {
            long now = System.nanoTime();
            if (rate != null) {
                PeerLimits.Verdict v = rate.tryAccept(address, now);
                if (v != PeerLimits.Verdict.OPENED) {
                    refuse(peer, ConnectionLimit.MAX_ACCEPT_RATE, rate.perSecond() + "/s", v);
                    return false;
                }
            }
            if (perPeer != null) {
                PeerLimits.Verdict v = perPeer.tryOpen(address, now);
                if (v != PeerLimits.Verdict.OPENED) {
                    refuse(peer, ConnectionLimit.MAX_CONNECTIONS_PER_IP, perPeer.maxPerPeer() + " connections", v);
                    return false;
                }
            }
        }
        return true;
    }

    /** A connection {@link #admit admitted} from {@code peer} closed: its counts and its permit go back. */
    @Override
    public void closed(InetSocketAddress peer) {
        InetAddress address = peer.getAddress();
        if (sourceCheck == SourceCheck.AT_ACCEPT && perPeer != null && address != null) {
            perPeer.close(address);
        }
        if (ceiling != null) {
            ceiling.closed();
        }
        permits.release();
    }

    /** True if max-connections is set and that many connections are open now. */
    public boolean atCeiling() {
        return ceiling != null && ceiling.open() >= limits.maxConnections();
    }

    /** True while a max-connections episode is open (logged as paused, not yet as resumed). */
    boolean inCeilingEpisode() {
        return ceiling != null && ceiling.inEpisode();
    }

    private void refuse(InetSocketAddress peer, ConnectionLimit limit, String bound, PeerLimits.Verdict v) {
        stats.limitReached(limit);
        stats.connectionRejected(peer.toString(), limit.option() + " " + bound);
        if (v == PeerLimits.Verdict.REFUSED_AND_WARN) {
            log.warn("{}: peer {} over {} {}; closing its new connections (logged once per 10 s per peer)",
                    server, peer.getAddress().getHostAddress(), limit.option(), bound);
        }
    }
}
