package dev.turnstile.core;

import dev.turnstile.api.ConnectionLimit;
import dev.turnstile.api.ServerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open connections of a server against {@code --max-connections}, told as episodes for the
 * log and the stats: an episode starts when the count reaches the limit ("max-connections 100
 * reached; accepting paused", counted once in {@link ConnectionLimit#MAX_CONNECTIONS}), goes on
 * while each close lets one waiting connection in from the backlog, and ends once the count has
 * stayed below the limit for {@link #SETTLE_NANOS} ("resumed after 2.4 s; 17 connections waited").
 * So a server held at its limit by a queue logs two lines, not one per connection.
 *
 * <p>This class only counts and reports; the bound itself is the {@link Admission} permit taken
 * before accept (blocking models) or the loop's paused OP_ACCEPT.
 * <p><b>Thread-safety.</b> Thread-safe: the count is atomic; the episode fields are guarded by
 * {@code this} and touched only when the count is at or just below the limit.
 */
final class CeilingEpisodes {

    private static final Logger log = LoggerFactory.getLogger(CeilingEpisodes.class);
    /** Below the limit for this long ends an episode: 1 s. */
    static final long SETTLE_NANOS = 1_000_000_000L;
    private static final long NONE = Long.MIN_VALUE;

    private final int max;
    private final ServerStats stats;
    private final String server;
    private final AtomicInteger open = new AtomicInteger();
    private long startedAt = NONE;   // guarded by this: NONE when no episode
    private long belowSince = NONE;  // guarded by this: NONE while at the limit
    private long waited;             // guarded by this: admitted during the episode
    private boolean checkPending;    // guarded by this: an end check is scheduled

    CeilingEpisodes(int max, ServerStats stats, String server) {
        this.max = max;
        this.stats = stats;
        this.server = server;
    }

    /** A connection was admitted. */
    void opened() {
        int n = open.incrementAndGet();
        if (n < max) {
            return;
        }
        synchronized (this) {
            if (startedAt == NONE) {
                startedAt = System.nanoTime();
                waited = 0;
                stats.limitReached(ConnectionLimit.MAX_CONNECTIONS);
                log.warn("{}: max-connections {} reached; accepting paused, the rest wait in the listen backlog",
                        server, max);
            } else {
                waited++;
            }
            belowSince = NONE;
        }
    }

    /** An admitted connection closed. */
    void closed() {
        int n = open.decrementAndGet();
        if (n >= max) {
            return;
        }
        synchronized (this) {
            if (startedAt == NONE) {
                return;
            }
            if (belowSince == NONE) {
                belowSince = System.nanoTime();
            }
            if (!checkPending) {
                checkPending = true;
                scheduleCheck(SETTLE_NANOS);
            }
        }
    }

    int open() {
        return open.get();
    }

    /** True between "accepting paused" and "accepting resumed". */
    synchronized boolean inEpisode() {
        return startedAt != NONE;
    }

    private void scheduleCheck(long delayNanos) {
        Thread.ofVirtual().name("turnstile-limit-check").start(() -> {
            try {
                Thread.sleep(delayNanos / 1_000_000, (int) (delayNanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            checkEnd();
        });
    }

    private synchronized void checkEnd() {
        checkPending = false;
        if (startedAt == NONE || belowSince == NONE) {
            return; // ended already, or back at the limit: a later close checks again
        }
        long settled = System.nanoTime() - belowSince;
        if (settled < SETTLE_NANOS) {
            checkPending = true;
            scheduleCheck(SETTLE_NANOS - settled);
            return;
        }
        long pausedMillis = (belowSince - startedAt) / 1_000_000;
        log.info("{}: max-connections {}: accepting resumed after {}.{} s; {} connections waited in the backlog",
                server, max, pausedMillis / 1000, String.format("%03d", pausedMillis % 1000), waited);
        startedAt = NONE;
        belowSince = NONE;
    }
}
