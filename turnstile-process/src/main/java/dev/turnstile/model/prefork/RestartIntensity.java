package dev.turnstile.model.prefork;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Erlang's restart intensity: at most {@code maxRestarts} worker deaths within {@code window};
 * one more means the pool is in a crash loop and should stop rather than respawn forever. Only
 * deaths count, not workers that retired or were recycled. Not thread-safe: the master's.
 */
final class RestartIntensity {

    private final int maxRestarts;
    private final Duration window;
    private final Deque<Instant> deaths = new ArrayDeque<>();

    RestartIntensity(int maxRestarts, Duration window) {
        this.maxRestarts = maxRestarts;
        this.window = window;
    }

    /** Records a death at {@code now}; true if that is one too many within the window. */
    boolean exceededBy(Instant now) {
        deaths.addLast(now);
        while (!deaths.isEmpty() && !deaths.peekFirst().isAfter(now.minus(window))) {
            deaths.removeFirst();
        }
        return deaths.size() > maxRestarts;
    }

    /** Deaths within the window, as of the last record. */
    int recent() {
        return deaths.size();
    }
}
