package dev.turnstile.api;

import java.time.Duration;
import java.util.List;

/**
 * How a stop went.
 *
 * @param took       from the shutdown call to the last worker gone
 * @param drained    connections that finished by themselves during the drain
 * @param forced     connections closed by force when the grace period ended
 * @param stragglers workers that did not stop even when forced, described with stacks or pids
 */
public record ShutdownReport(Duration took, int drained, int forced, List<String> stragglers) {

    public ShutdownReport {
        stragglers = List.copyOf(stragglers);
    }

    /** True when nothing had to be forced and nothing was left behind. */
    public boolean clean() {
        return forced == 0 && stragglers.isEmpty();
    }
}
