package dev.turnstile.model.eventloop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Notices a connection callback (its read, the handler's work on what was read, its write) that
 * held its loop too long: while it ran, every other connection of the loop waited. Only loops
 * that run handlers themselves watch; with workers, a loop's callbacks are I/O alone. Each such
 * call is counted; a warning names the handler, the service and the connection, at most once a
 * second per loop (the rest are counted in the next warning), so a handler that blocks on every
 * message cannot flood the log.
 *
 * <p><b>Thread-safety.</b> Written by its loop thread only; {@link #stalls()} may be read by any.
 */
final class StallWatch {

    private static final Logger log = LoggerFactory.getLogger(StallWatch.class);
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

    private final String loop;
    private final String service;
    private final long thresholdNanos;
    private volatile long stalls;     // written by the loop thread only
    private long lastWarning;         // loop thread only
    private boolean warned;           // loop thread only
    private long unreported;          // loop thread only: stalls since the last warning

    StallWatch(String loop, String service, Duration threshold) {
        this.loop = loop;
        this.service = service;
        this.thresholdNanos = threshold.toNanos();
    }

    /** Called after every connection callback on the loop, with when it started and ended. */
    void check(long startNanos, long endNanos, LoopConnection connection) {
        long took = endNanos - startNanos;
        if (took < thresholdNanos) {
            return;
        }
        stalls = stalls + 1; // single writer
        unreported++;
        if (warned && endNanos - lastWarning < WARN_EVERY_NANOS) {
            return;
        }
        log.warn("{}: handler {} of service {} held the loop for {} ms on connection {} from {}; every other"
                        + " connection of this loop waited meanwhile ({} such calls since the last warning)."
                        + " Handlers must not block on an event loop: run blocking handlers with loop-with-workers",
                loop, connection.handler().getClass().getName(), service, took / 1_000_000, connection.info().id(),
                connection.info().peer(), unreported);
        warned = true;
        lastWarning = endNanos;
        unreported = 0;
    }

    /** Handler calls that held the loop at least the threshold, in all. */
    long stalls() {
        return stalls;
    }
}
