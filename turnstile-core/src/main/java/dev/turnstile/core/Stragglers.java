package dev.turnstile.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How shutdown waits, with a deadline, for threads to end and for things to empty, and how it
 * describes what did not stop in time for the report: what it is, what happened, and the stack it
 * is stuck at. Every wait keeps the caller's interrupt status (an interrupt ends the wait early).
 * Stateless.
 */
public final class Stragglers {

    /** The longest one wait on a monitor lasts before the condition is looked at again. */
    private static final long RECHECK_MILLIS = 100;

    private Stragglers() {
    }

    /** Waits for {@code t} to end, until {@code deadline} at most; true if it ended. */
    public static boolean joinUntil(Thread t, Instant deadline) {
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

    /** Joins each thread until {@code deadline}; returns "NAME did not stop" for each still alive. */
    public static List<String> joinAll(List<Thread> threads, Instant deadline) {
        List<String> stuck = new ArrayList<>();
        for (Thread t : threads) {
            if (!joinUntil(t, deadline)) {
                stuck.add(t.getName() + " did not stop");
            }
        }
        return stuck;
    }

    /**
     * Waits until {@code done} holds or {@code deadline} passes; true if it holds. {@code done} is
     * checked holding {@code monitor}'s lock; whoever makes it true should {@code notifyAll} on
     * {@code monitor} (it is also checked every {@value #RECHECK_MILLIS} ms).
     */
    public static boolean awaitUntil(Object monitor, BooleanSupplier done, Instant deadline) {
        synchronized (monitor) {
            while (!done.getAsBoolean()) {
                long ms = Duration.between(Instant.now(), deadline).toMillis();
                if (ms <= 0) {
                    return false;
                }
                try {
                    TimeUnit.MILLISECONDS.timedWait(monitor, Math.min(ms, RECHECK_MILLIS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return done.getAsBoolean();
                }
            }
            return true;
        }
    }

    /** {@code what}, followed by where {@code t} is now, one frame per line. */
    public static String describe(String what, Thread t) {
        StringBuilder sb = new StringBuilder(what).append(" at:");
        for (StackTraceElement frame : t.getStackTrace()) {
            sb.append("\n\tat ").append(frame);
        }
        return sb.toString();
    }
}
