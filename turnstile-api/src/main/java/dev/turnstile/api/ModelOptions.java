package dev.turnstile.api;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The model knobs given on the command line or to the builder. Each model reads the ones it
 * understands and ignores the rest; {@code turnstile models} says which model reads which.
 *
 * @param workers        a fixed pool's size, or a bound on concurrent connections for per-connection models
 * @param minWorkers     an elastic pool's floor
 * @param maxWorkers     an elastic pool's ceiling
 * @param keepAlive      how long an elastic pool's idle thread above the floor lives
 * @param policy         how a hand-off pool picks a worker ({@code first-free}, {@code round-robin}, {@code least-served})
 * @param extra          further model-specific settings by option name (without dashes)
 */
public record ModelOptions(Optional<Integer> workers, Optional<Integer> minWorkers, Optional<Integer> maxWorkers,
                           Optional<Duration> keepAlive, Optional<String> policy, Map<String, String> extra) {

    public ModelOptions {
        Objects.requireNonNull(workers, "workers");
        Objects.requireNonNull(minWorkers, "minWorkers");
        Objects.requireNonNull(maxWorkers, "maxWorkers");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(policy, "policy");
        extra = Map.copyOf(extra);
    }

    public static ModelOptions none() {
        return new ModelOptions(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Map.of());
    }

    public ModelOptions withWorkers(int n) {
        return new ModelOptions(Optional.of(n), minWorkers, maxWorkers, keepAlive, policy, extra);
    }

    public ModelOptions withMinWorkers(int n) {
        return new ModelOptions(workers, Optional.of(n), maxWorkers, keepAlive, policy, extra);
    }

    public ModelOptions withMaxWorkers(int n) {
        return new ModelOptions(workers, minWorkers, Optional.of(n), keepAlive, policy, extra);
    }

    public ModelOptions withKeepAlive(Duration d) {
        return new ModelOptions(workers, minWorkers, maxWorkers, Optional.of(d), policy, extra);
    }

    public ModelOptions withPolicy(String p) {
        return new ModelOptions(workers, minWorkers, maxWorkers, keepAlive, Optional.of(p), extra);
    }

    public ModelOptions with(String key, String value) {
        var copy = new java.util.HashMap<>(extra);
        copy.put(key, value);
        return new ModelOptions(workers, minWorkers, maxWorkers, keepAlive, policy, copy);
    }

    public Optional<String> extra(String key) {
        return Optional.ofNullable(extra.get(key));
    }

    /**
     * A model-specific whole number of at least 1, such as {@code max-connections}.
     *
     * @throws IllegalArgumentException naming the option, if it is not a number or below 1
     */
    public Optional<Integer> extraPositiveInt(String key) {
        String value = extra.get(key);
        if (value == null) {
            return Optional.empty();
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number (got '" + value + "')");
        }
        if (n < 1) {
            throw new IllegalArgumentException(key + " must be >= 1 (got " + n + ")");
        }
        return Optional.of(n);
    }
}
