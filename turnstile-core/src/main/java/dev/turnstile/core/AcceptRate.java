package dev.turnstile.core;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * New connections per second per source address, against {@code --max-accept-rate} (xinetd's
 * {@code cps}): a token bucket per source holding up to {@code perSecond} tokens, refilled at
 * {@code perSecond} a second; a connection takes one, and one that finds none is refused. Says
 * when a refusal is worth a log line: at most once per source per 10 s.
 *
 * <p><b>Bounded memory.</b> A bucket left alone for a second is full again, so it carries no
 * information and may go: once more than {@link #SWEEP_ABOVE} buckets are held, the next call
 * (at most once a second) removes those idle for a second or more. The map holds at most the
 * sources seen within the last second or two, plus the sweep threshold.
 * <p><b>Thread-safety.</b> Thread-safe: a bucket is changed only inside the map's {@code compute}
 * for its key.
 */
public final class AcceptRate {

    static final int SWEEP_ABOVE = 1024;
    private static final long SECOND = 1_000_000_000L;
    private static final long NEVER = Long.MIN_VALUE;

    private final int perSecond;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile long lastSweep = NEVER;

    /** Fields changed only inside {@code buckets.compute} for its key. */
    private static final class Bucket {
        double tokens;
        long updated;
        long warnedAt = NEVER;
    }

    public AcceptRate(int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("maxAcceptRate must be >= 1 (got " + perSecond + ")");
        }
        this.perSecond = perSecond;
    }

    public int perSecond() {
        return perSecond;
    }

    /** Takes a token for a connection from {@code peer} at {@code now} (nanos); see {@link PeerLimits.Verdict}. */
    public PeerLimits.Verdict tryAccept(InetAddress peer, long now) {
        sweepIfLarge(now);
        PeerLimits.Verdict[] verdict = new PeerLimits.Verdict[1];
        buckets.compute(peer, (a, b) -> {
            Bucket bucket = b;
            if (bucket == null) {
                bucket = new Bucket();
                bucket.tokens = perSecond;
            } else {
                double refill = (now - bucket.updated) * (double) perSecond / SECOND;
                bucket.tokens = Math.min(perSecond, bucket.tokens + Math.max(0, refill));
            }
            bucket.updated = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                verdict[0] = PeerLimits.Verdict.OPENED;
            } else if (bucket.warnedAt == NEVER || now - bucket.warnedAt >= PeerLimits.WARN_EVERY_NANOS) {
                bucket.warnedAt = now;
                verdict[0] = PeerLimits.Verdict.REFUSED_AND_WARN;
            } else {
                verdict[0] = PeerLimits.Verdict.REFUSED;
            }
            return bucket;
        });
        return verdict[0];
    }

    /** Buckets held now. */
    public int tracked() {
        return buckets.size();
    }

    private void sweepIfLarge(long now) {
        long last = lastSweep;
        if (buckets.size() <= SWEEP_ABOVE || (last != NEVER && now - last < SECOND)) {
            return;
        }
        lastSweep = now;
        buckets.forEach((peer, b) -> buckets.computeIfPresent(peer,
                (a, bucket) -> now - bucket.updated >= SECOND ? null : bucket));
    }
}
