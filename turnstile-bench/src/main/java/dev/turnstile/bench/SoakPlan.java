package dev.turnstile.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a soak runs: each contender in turn, for {@code duration}, under the same mixed load, its
 * server process tree sampled every {@code interval}. Saved in soak.json as the run record.
 *
 * @param contenders     the servers, one after another
 * @param duration       how long each is soaked
 * @param interval       the sampling period: a second, or less for a short soak (at least 50 samples)
 * @param mix            the load
 * @param serverJvmFlags the bench's server flags ({@link BenchPlan#SERVER_JVM_FLAGS}), so a soak's server is a bench cell's
 * @param backlog        the servers' listen backlog
 * @param out            the folder for soak.json, soak.md, the charts and the logs
 */
public record SoakPlan(List<Contender> contenders, Duration duration, Duration interval, SoakMix mix,
                       List<String> serverJvmFlags, int backlog, Path out) {

    public static final Duration DEFAULT_DURATION = Duration.ofMinutes(10);
    /** Soaked when no model is named. */
    public static final String DEFAULT_MODEL = "event-loop";
    static final Duration MAX_INTERVAL = Duration.ofSeconds(1);
    static final int MIN_SAMPLES = 50;

    public SoakPlan {
        contenders = List.copyOf(contenders);
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(mix, "mix");
        serverJvmFlags = List.copyOf(serverJvmFlags);
        Objects.requireNonNull(out, "out");
        if (contenders.isEmpty()) {
            throw new IllegalArgumentException("models must name at least one model");
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("soak duration must be at least 1s (got " + duration + ")");
        }
        if (interval.isNegative() || interval.isZero() || interval.compareTo(duration) > 0) {
            throw new IllegalArgumentException("interval must be positive and at most the duration (got " + interval + ")");
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be >= 1 (got " + backlog + ")");
        }
    }

    /** The default mix and the bench's server flags; a sample a second, or {@value #MIN_SAMPLES} over a short soak. */
    public static SoakPlan of(List<Contender> contenders, Duration duration, Path out) {
        Duration interval = duration.dividedBy(MIN_SAMPLES);
        return new SoakPlan(contenders, duration, interval.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : interval,
                SoakMix.DEFAULT, BenchPlan.SERVER_JVM_FLAGS, BenchPlan.BACKLOG, out);
    }

    public SoakPlan withMix(SoakMix newMix) {
        return new SoakPlan(contenders, duration, interval, newMix, serverJvmFlags, backlog, out);
    }
}
