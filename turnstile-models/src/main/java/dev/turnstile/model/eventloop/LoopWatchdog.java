package dev.turnstile.model.eventloop;

import dev.turnstile.core.Stragglers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Notices a loop held by one connection callback while it is still held: a handler blocked on
 * a lock, a remote call or forever would otherwise show only when it returns
 * ({@link StallWatch}) or at shutdown. One daemon thread looks at every loop of a model twice per
 * slow-callback threshold (10 ms to 1 s apart) and, for a callback running longer than the
 * threshold, logs a warning naming the loop, the handler, the connection and the loop thread's
 * stack (where the handler is), once per callback and again every {@link #REPEAT} it stays held.
 * Only loops that run handlers themselves are watched.
 *
 * <p><b>Thread-safety.</b> The loops publish what they run ({@link SelectorLoop#heldSince},
 * {@link SelectorLoop#heldBy}); everything else here is this watchdog's own thread's, except
 * {@link #warnings()} and {@link #stop()}.
 */
final class LoopWatchdog implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(LoopWatchdog.class);
    static final Duration REPEAT = Duration.ofSeconds(10);

    private final List<SelectorLoop> loops;
    private final long thresholdNanos;
    private final long periodNanos;
    private final long[] warnedSince; // per loop: the start of the callback last warned about
    private final long[] warnedAt;    // per loop: when
    private final Thread thread;
    private volatile long warnings;   // written by the watchdog thread only
    private volatile boolean stopped;

    LoopWatchdog(List<SelectorLoop> loops, Duration threshold) {
        this.loops = List.copyOf(loops);
        this.thresholdNanos = threshold.toNanos();
        this.periodNanos = Math.clamp(thresholdNanos / 2, 10_000_000L, 1_000_000_000L);
        this.warnedSince = new long[loops.size()];
        this.warnedAt = new long[loops.size()];
        Arrays.fill(warnedSince, SelectorLoop.NOT_HELD);
        this.thread = Thread.ofPlatform().daemon().name("turnstile-loop-watchdog").unstarted(this);
    }

    void start() {
        thread.start();
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    /** Warnings given about loops held by a callback that had not returned, in all. */
    long warnings() {
        return warnings;
    }

    @Override
    public void run() {
        while (!stopped) {
            LockSupport.parkNanos(this, periodNanos);
            long now = System.nanoTime();
            for (int i = 0; i < loops.size(); i++) {
                look(i, now);
            }
        }
    }

    private void look(int i, long now) {
        SelectorLoop loop = loops.get(i);
        long since = loop.heldSince();
        if (since == SelectorLoop.NOT_HELD || now - since < thresholdNanos) {
            return;
        }
        LoopConnection c = loop.heldBy();
        if (c == null || loop.heldSince() != since) {
            return; // the call ended meanwhile; c may be the next one's
        }
        boolean sameCall = since == warnedSince[i];
        if (sameCall && now - warnedAt[i] < REPEAT.toNanos()) {
            return;
        }
        warnedSince[i] = since;
        warnedAt[i] = now;
        warnings = warnings + 1; // single writer
        log.warn(Stragglers.describe(String.format(
                "%s: handler %s of service %s has held the loop for %d ms on connection %d from %s%s, and every other "
                        + "connection of the loop is waiting. Handlers must not block on an event loop: run blocking "
                        + "handlers with loop-with-workers. The loop thread %s is", loop.name(),
                c.handler().getClass().getName(), loop.serviceName(), (now - since) / 1_000_000, c.info().id(),
                c.info().peer(), sameCall ? " (still)" : "", loop.thread().getName()), loop.thread()));
    }
}
