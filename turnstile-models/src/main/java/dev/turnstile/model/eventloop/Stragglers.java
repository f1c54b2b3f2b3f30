package dev.turnstile.model.eventloop;

import java.time.Duration;
import java.time.Instant;

/**
 * How shutdown waits for a thread and, when it does not stop in time, describes it for the
 * report: what it is, what happened, and the stack it is stuck at.
 */
final class Stragglers {

    private Stragglers() {
    }

    /** Waits for {@code t} to end, until {@code deadline} at most; true if it ended. Keeps the interrupt status. */
    static boolean joinUntil(Thread t, Instant deadline) {
        long ms = Duration.between(Instant.now(), deadline).toMillis();
        try {
            if (ms > 0) {
                t.join(Duration.ofMillis(ms));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    /** {@code what}, followed by where {@code t} is now, one frame per line. */
    static String describe(String what, Thread t) {
        StringBuilder sb = new StringBuilder(what).append(" at:");
        for (StackTraceElement frame : t.getStackTrace()) {
            sb.append("\n\tat ").append(frame);
        }
        return sb.toString();
    }
}
