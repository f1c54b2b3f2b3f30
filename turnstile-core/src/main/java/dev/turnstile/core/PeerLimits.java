package dev.turnstile.core;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open connections per source address, against {@code --max-connections-per-ip}: a source at the
 * limit has its next connection refused. Also says when a refusal is worth a log line: at most once
 * per source per {@link #WARN_EVERY_NANOS}, never once per connection.
 *
 * <p><b>Invariants.</b> An entry exists only while its source has an open connection (or is being
 * refused): it is removed when its count drops to 0, so memory is bounded by the open connections.
 * <p><b>Thread-safety.</b> Thread-safe: each entry is changed only inside the map's {@code compute}
 * for its key, so opens and closes of one source are serialised and other sources do not contend.
 */
public final class PeerLimits {

    /** A source's refusals are logged at most this often: 10 s. */
    static final long WARN_EVERY_NANOS = 10_000_000_000L;
    private static final long NEVER = Long.MIN_VALUE;

    /** What {@link #tryOpen} decided. */
    public enum Verdict { OPENED, REFUSED, REFUSED_AND_WARN }

    private final int maxPerPeer;
    private final ConcurrentHashMap<InetAddress, Peer> peers = new ConcurrentHashMap<>();

    /** Fields changed only inside {@code peers.compute} for its key. */
    private static final class Peer {
        int open;
        long warnedAt = NEVER;
    }

    public PeerLimits(int maxPerPeer) {
        if (maxPerPeer < 1) {
            throw new IllegalArgumentException("maxConnectionsPerIp must be >= 1 (got " + maxPerPeer + ")");
        }
        this.maxPerPeer = maxPerPeer;
    }

    public int maxPerPeer() {
        return maxPerPeer;
    }

    /** Counts a new connection from {@code peer} if it is under the limit; {@code now} in nanos, for the warning. */
    public Verdict tryOpen(InetAddress peer, long now) {
        Verdict[] verdict = new Verdict[1];
        peers.compute(peer, (a, p) -> {
            Peer entry = p == null ? new Peer() : p;
            if (entry.open < maxPerPeer) {
                entry.open++;
                verdict[0] = Verdict.OPENED;
            } else if (entry.warnedAt == NEVER || now - entry.warnedAt >= WARN_EVERY_NANOS) {
                entry.warnedAt = now;
                verdict[0] = Verdict.REFUSED_AND_WARN;
            } else {
                verdict[0] = Verdict.REFUSED;
            }
            return entry.open == 0 ? null : entry;
        });
        return verdict[0];
    }

    /** A connection counted by {@link #tryOpen} closed; the entry goes when its count reaches 0. */
    public void close(InetAddress peer) {
        peers.computeIfPresent(peer, (a, p) -> --p.open <= 0 ? null : p);
    }

    /** Open connections from {@code peer} now. */
    public int open(InetAddress peer) {
        Peer p = peers.get(peer);
        return p == null ? 0 : p.open;
    }

    /** Sources with an open connection: the entries held. */
    public int tracked() {
        return peers.size();
    }
}
