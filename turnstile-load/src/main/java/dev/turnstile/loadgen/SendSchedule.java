package dev.turnstile.loadgen;

import java.util.SplittableRandom;

/**
 * When a connection's next message is meant to go: the one thing in which ping-pong, think and
 * rate differ. Times are {@link System#nanoTime()} values. Each loop has its own instance.
 */
sealed interface SendSchedule {

    /** The intended time of a connection's first message, the run's sending having started at {@code origin}. */
    long first(Connection c, long origin);

    /** The intended time of the next message, the reply to the last having arrived at {@code now}. */
    long next(Connection c, long now);

    /** The schedule {@code options} ask for; {@code seed} varies the think pauses between loops. */
    static SendSchedule of(LoadOptions options, long seed) {
        return switch (options.workload()) {
            case PING_PONG, CHURN -> new ClosedLoop();
            case THINK -> new ThinkTime(options.thinkMax().toNanos(), new SplittableRandom(seed));
            case RATE -> FixedRate.of(options.rate(), options.connections());
        };
    }

    /** The next message goes as soon as the reply is in. */
    record ClosedLoop() implements SendSchedule {
        @Override
        public long first(Connection c, long origin) {
            return origin;
        }

        @Override
        public long next(Connection c, long now) {
            return now;
        }
    }

    /** A uniformly random pause in [0, maxNanos] before every message, the first included. */
    record ThinkTime(long maxNanos, SplittableRandom random) implements SendSchedule {
        @Override
        public long first(Connection c, long origin) {
            return origin + pause();
        }

        @Override
        public long next(Connection c, long now) {
            return now + pause();
        }

        long pause() {
            return random.nextLong(maxNanos + 1);
        }
    }

    /**
     * Each connection sends every {@code connections / rate} seconds, at its own phase so that the
     * process's connections together send evenly at its share of the rate. The next message is
     * meant to go one interval after the last was meant to, however late that one was: this is
     * what keeps a stall in the latency instead of hiding it.
     */
    record FixedRate(double intervalNanos, int connections) implements SendSchedule {

        /** {@code connections} sharing {@code totalRate} messages per second. */
        static FixedRate of(double totalRate, int connections) {
            return new FixedRate(connections * 1e9 / totalRate, connections);
        }

        @Override
        public long first(Connection c, long origin) {
            return origin + (long) (intervalNanos * (c.ordinal % connections) / connections);
        }

        @Override
        public long next(Connection c, long now) {
            return c.intendedAt + (long) intervalNanos;
        }
    }
}
