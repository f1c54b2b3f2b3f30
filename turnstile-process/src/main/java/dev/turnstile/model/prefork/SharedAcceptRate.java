package dev.turnstile.model.prefork;

import dev.turnstile.model.process.Scoreboard;

/**
 * {@code --max-accept-rate} across the pool's worker processes: new connections per second per
 * source address, with a burst of the same size, as the in-process {@code AcceptRate} (a token
 * bucket per source), kept in the {@link Scoreboard}'s shared rate buckets so that every worker
 * draws on the same allowance.
 *
 * <p><b>One word per source.</b> A bucket is the generic cell rate algorithm's single value, the
 * theoretical arrival time (TAT): a connection at {@code now} is allowed if
 * {@code max(TAT, now) - now <= (burst - 1) * interval}, and then moves TAT on by one interval;
 * a refused one changes nothing. That is a token bucket of {@code burst} tokens refilled at the
 * rate, in one 64-bit word: a 16-bit tag of the source above 48 bits of TAT in microseconds of the
 * scoreboard's clock ({@link Scoreboard#micros()}: 8.9 years). So a decision is one
 * compare-and-set, exact under any number of workers and threads, and a killed worker leaves no
 * half-done update.
 *
 * <p><b>Bounded table.</b> {@value Scoreboard#RATE_BUCKETS} buckets; a source hashes to a home
 * bucket and may use it or the next {@value #PROBES - 1}. A bucket whose TAT has passed is full
 * again, so it carries nothing and may be taken by any source. Limits of this bounding, by
 * design: two sources with the same home and tag share an allowance (stricter, never looser; odds
 * 2^-16 per pair that meet in the same probe window); a source that finds all its
 * {@value #PROBES} buckets held by other sources busy within their burst is not limited for that
 * connection (the table is full of flooders: refusing bystanders would not help); and two workers
 * that take a first connection from a new source at the same instant may each claim a bucket for
 * it, allowing one connection more in that burst.
 *
 * <p><b>Thread-safety.</b> Thread-safe and process-safe: the buckets change only by
 * compare-and-set; this object holds only constants.
 */
final class SharedAcceptRate {

    static final int PROBES = 4;
    private static final long TAT_MASK = (1L << 48) - 1;

    private final Scoreboard board;
    private final int perSecond;
    private final long interval;  // microseconds per connection
    private final long tolerance; // microseconds TAT may run ahead of now: the burst

    SharedAcceptRate(Scoreboard board, int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("maxAcceptRate must be >= 1 (got " + perSecond + ")");
        }
        this.board = board;
        this.perSecond = perSecond;
        this.interval = Math.max(1, 1_000_000L / perSecond);
        this.tolerance = (perSecond - 1) * interval;
    }

    int perSecond() {
        return perSecond;
    }

    /** Takes one connection's allowance for the source {@code key} at {@code nowMicros}; false if it has none. */
    boolean tryAccept(long key, long nowMicros) {
        long h = Scoreboard.mix(key);
        int home = (int) h & (Scoreboard.RATE_BUCKETS - 1);
        long tag = (h >>> 48) == 0 ? 1 : h >>> 48;
        long now = nowMicros & TAT_MASK;
        while (true) {
            Boolean decided = useOwn(home, tag, now);
            if (decided == null) {
                decided = claim(home, tag, now);
            }
            if (decided != null) {
                return decided;
            }
            // a bucket changed under us: look again
        }
    }

    /** The source's own bucket: allowed or refused; null if it has none or it changed meanwhile. */
    private Boolean useOwn(int home, long tag, long now) {
        for (int p = 0; p < PROBES; p++) {
            int i = (home + p) & (Scoreboard.RATE_BUCKETS - 1);
            long word = board.rateBucket(i);
            if (word != 0 && word >>> 48 == tag) {
                long tat = Math.max(word & TAT_MASK, now);
                if (tat - now > tolerance) {
                    return false;
                }
                return board.compareAndSetRateBucket(i, word, tag << 48 | (tat + interval)) ? true : null;
            }
        }
        return null;
    }

    /** Takes an unused or full bucket for the source: allowed; null if one changed meanwhile; true untracked if none is free. */
    private Boolean claim(int home, long tag, long now) {
        for (int p = 0; p < PROBES; p++) {
            int i = (home + p) & (Scoreboard.RATE_BUCKETS - 1);
            long word = board.rateBucket(i);
            if (word == 0 || (word & TAT_MASK) <= now) {
                return board.compareAndSetRateBucket(i, word, tag << 48 | (now + interval)) ? true : null;
            }
        }
        return true; // every bucket in reach is another source's, busy: not limited (see the class comment)
    }
}
