package dev.turnstile.bench;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One server the benchmark measures: a turnstile model with fixed options, or a peer (another
 * framework serving the same protocol). Each cell starts it as a fresh process with
 * {@link ServerProcess}'s arguments {@link #serverArgs()}.
 *
 * @param name        the label in tables and charts, such as {@code thread-pool-3}
 * @param serverArgs  what selects and sizes it on {@link ServerProcess}'s command line
 * @param capacity    how many connections it serves at once, when bounded (a pool's size): connections
 *                    beyond it wait in the listen backlog until one of the served ones closes
 * @param sizing      one line on how it is configured, for the report
 */
public record Contender(String name, List<String> serverArgs, OptionalInt capacity, String sizing) {

    public Contender {
        Objects.requireNonNull(name, "name");
        serverArgs = List.copyOf(serverArgs);
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(sizing, "sizing");
        if (capacity.isPresent() && capacity.getAsInt() < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 (got " + capacity.getAsInt() + ")");
        }
    }

    /** True for a peer (another framework serving the same protocol), which is compared with, not ranked. */
    public boolean isPeer() {
        return serverArgs.contains("--peer");
    }

    /** True if it can serve {@code connections} connections at the same time. */
    public boolean holds(int connections) {
        return capacity.isEmpty() || connections <= capacity.getAsInt();
    }
}
