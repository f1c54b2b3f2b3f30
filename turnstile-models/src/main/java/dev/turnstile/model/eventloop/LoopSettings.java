package dev.turnstile.model.eventloop;

import dev.turnstile.api.ModelOptions;

import java.time.Duration;
import java.util.Objects;

/**
 * The shape and limits of an event-loop model.
 *
 * <p><b>How the knobs interact.</b> {@code loops} threads each run a selector; with more than one,
 * {@code accept} says how connections reach them. With {@code workers == 0} handlers run on the
 * loops (they must not block); with {@code workers > 0} they run on that many worker threads,
 * one message batch per connection at a time, and a loop stops reading a connection until its
 * batch is answered. A connection whose unsent replies pass {@code highWaterBytes} is not read
 * until they drop to {@code lowWaterBytes}, so one connection holds at most about
 * {@code highWaterBytes} plus the replies to one read. A handler call that holds a loop for
 * {@code slowCallback} or longer is logged as a warning naming the handler.
 *
 * @param name           the model's name, such as {@code multi-loop}
 * @param loops          selector threads, at least 1
 * @param accept         how connections are spread over the loops (ignored with one loop)
 * @param workers        handler threads; 0 runs handlers on the loops
 * @param highWaterBytes unsent reply bytes above which a connection stops being read
 * @param lowWaterBytes  unsent reply bytes at or below which it is read again
 * @param slowCallback   how long one handler call may hold a loop before a warning
 */
public record LoopSettings(String name, int loops, AcceptMode accept, int workers, int highWaterBytes,
                           int lowWaterBytes, Duration slowCallback) {

    public static final int DEFAULT_HIGH_WATER_BYTES = 64 * 1024;
    public static final int DEFAULT_LOW_WATER_BYTES = 16 * 1024;
    public static final Duration DEFAULT_SLOW_CALLBACK = Duration.ofMillis(100);

    public LoopSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(accept, "accept");
        Objects.requireNonNull(slowCallback, "slowCallback");
        if (loops < 1) {
            throw new IllegalArgumentException("loops must be >= 1 (got " + loops + ")");
        }
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be >= 0 (got " + workers + ")");
        }
        if (highWaterBytes < 1) {
            throw new IllegalArgumentException("high-water must be >= 1 (got " + highWaterBytes + ")");
        }
        if (lowWaterBytes < 0 || lowWaterBytes >= highWaterBytes) {
            throw new IllegalArgumentException("low-water must be >= 0 and < high-water (got "
                    + lowWaterBytes + " with high-water " + highWaterBytes + ")");
        }
        if (slowCallback.isNegative() || slowCallback.isZero()) {
            throw new IllegalArgumentException("slow-callback must be positive (got " + slowCallback + ")");
        }
    }

    /** True when handlers run on the loops themselves. */
    public boolean handlersOnLoops() {
        return workers == 0;
    }

    /**
     * Settings from command-line options: {@code --loops N}, {@code --accept MODE},
     * {@code --high-water BYTES}, {@code --low-water BYTES}, {@code --slow-callback D} (given as the extra {@code slow-callback-ms}); the
     * caller supplies the loop and worker counts it read itself.
     */
    static LoopSettings from(String name, int loops, AcceptMode defaultAccept, int workers, ModelOptions options) {
        int high = options.extraPositiveInt("high-water").orElse(DEFAULT_HIGH_WATER_BYTES);
        int low = options.extra("low-water").isPresent()
                ? options.extraPositiveInt("low-water").orElseThrow()
                : Math.min(DEFAULT_LOW_WATER_BYTES, high / 4);
        Duration slow = options.extraPositiveInt("slow-callback-ms").map(Duration::ofMillis).orElse(DEFAULT_SLOW_CALLBACK);
        AcceptMode accept = options.extra("accept").map(AcceptMode::parse).orElse(defaultAccept);
        return new LoopSettings(name, loops, accept, workers, high, low, slow);
    }

    /** {@code --loops N}, else {@code fallback}. */
    static int loops(ModelOptions options, int fallback) {
        return options.extraPositiveInt("loops").orElse(fallback);
    }
}
