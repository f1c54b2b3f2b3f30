package dev.turnstile.model.prefork;

import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.ConnectionLimits;
import dev.turnstile.api.ServerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;

/**
 * The pool's connection-limit hits, as the master sees them in the scoreboard
 * ({@link SharedLimits} counts them in the workers' slots): into the server's stats, and into the
 * log once per episode, never once per connection, as the in-process models do.
 *
 * <ul>
 * <li><b>max-connections:</b> an episode starts when a worker's admission brought the server to
 *     the limit (a ceiling touch), or the open count is at it: counted once as a hit, logged
 *     "reached; accepting paused". It ends once the open count has stayed below the limit for
 *     {@link #SETTLE_NANOS}: logged "resumed", with how long and how many connections were let
 *     in at the limit meanwhile.</li>
 * <li><b>per source</b> (max-connections-per-ip, max-accept-rate): each refusal is a hit and a
 *     rejected connection in the stats; the first of an episode is logged with its peer; the
 *     episode ends after {@link #QUIET_NANOS} without one, logged with how many were refused.</li>
 * </ul>
 *
 * <p><b>Thread-safety.</b> Not thread-safe: called under the {@link ScoreboardFeed}'s lock.
 */
final class LimitEpisodes {

    private static final Logger log = LoggerFactory.getLogger(LimitEpisodes.class);
    /** Below max-connections for this long ends its episode: 1 s, as in one process. */
    static final long SETTLE_NANOS = 1_000_000_000L;
    /** No refusal for this long ends a per-source episode: 10 s, as the in-process warnings' interval. */
    static final long QUIET_NANOS = 10_000_000_000L;
    private static final long NONE = Long.MIN_VALUE;

    private final ConnectionLimits limits;
    private final ServerStats stats;
    private final String server;
    private long ceilingSince = NONE;  // NONE: no max-connections episode
    private long belowSince = NONE;    // NONE: at the limit (or no episode)
    private long admittedAtCeiling;
    private final Map<ConnectionLimit, Episode> refusals = new EnumMap<>(ConnectionLimit.class);

    /** A per-source episode: when it started, the last refusal, how many. */
    private static final class Episode {
        long started;
        long last;
        long refused;
    }

    LimitEpisodes(ConnectionLimits limits, ServerStats stats, String server) {
        this.limits = limits;
        this.stats = stats;
        this.server = server;
    }

    /** {@code count} connections refused for {@code limit} since the last call; {@code peer} one of them, or null. */
    void refused(ConnectionLimit limit, long count, InetSocketAddress peer, long nowNanos) {
        if (count <= 0) {
            return;
        }
        String bound = limit == ConnectionLimit.MAX_ACCEPT_RATE ? limits.maxAcceptRate() + "/s"
                : limits.maxConnectionsPerIp() + " connections";
        String who = peer == null ? "unknown" : peer.toString();
        for (long n = 0; n < count; n++) {
            stats.limitReached(limit);
            stats.connectionRejected(who, limit.option() + " " + bound);
        }
        Episode e = refusals.get(limit);
        if (e == null) {
            e = new Episode();
            e.started = nowNanos;
            refusals.put(limit, e);
            log.warn("{}: {} {} reached by {}; the workers close such sources' new connections (logged once per episode)",
                    server, limit.option(), bound, peer == null ? "a source" : peer.getAddress().getHostAddress());
        }
        e.last = nowNanos;
        e.refused += count;
    }

    /**
     * Once per read of the scoreboard: {@code touches} admissions that reached max-connections
     * since the last call, {@code open} the connections open now; also ends quiet episodes.
     */
    void observe(long touches, long open, long nowNanos) {
        int max = limits.maxConnections();
        if (max > 0) {
            boolean atLimit = touches > 0 || open >= max;
            if (ceilingSince == NONE && atLimit) {
                ceilingSince = nowNanos;
                admittedAtCeiling = Math.max(0, touches - 1);
                belowSince = open >= max ? NONE : nowNanos;
                stats.limitReached(ConnectionLimit.MAX_CONNECTIONS);
                log.warn("{}: max-connections {} reached; accepting paused, the rest wait in the listen backlog",
                        server, max);
            } else if (ceilingSince != NONE) {
                admittedAtCeiling += touches;
                if (open >= max || touches > 0) {
                    belowSince = open >= max ? NONE : nowNanos;
                } else if (belowSince == NONE) {
                    belowSince = nowNanos;
                } else if (nowNanos - belowSince >= SETTLE_NANOS) {
                    long pausedMillis = (belowSince - ceilingSince) / 1_000_000;
                    log.info("{}: max-connections {}: accepting resumed after {}.{} s; {} connections waited in the backlog",
                            server, max, pausedMillis / 1000, String.format("%03d", pausedMillis % 1000), admittedAtCeiling);
                    ceilingSince = NONE;
                    belowSince = NONE;
                }
            }
        }
        refusals.entrySet().removeIf(entry -> {
            Episode e = entry.getValue();
            if (nowNanos - e.last < QUIET_NANOS) {
                return false;
            }
            log.info("{}: {}: {} connections refused in {} s", server, entry.getKey().option(), e.refused,
                    Math.max(1, (e.last - e.started) / 1_000_000_000L));
            return true;
        });
    }

    /** True between "accepting paused" and "accepting resumed". */
    boolean inCeilingEpisode() {
        return ceilingSince != NONE;
    }
}
