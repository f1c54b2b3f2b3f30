package dev.turnstile.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Connect-to-first-reply times, one connection at a time (connect, one line, its reply, close),
 * as {@code scripts/measure-first-reply} measures with the C client: what a client waits for a
 * model to be ready for it, creation of its thread or process included. Immutable.
 *
 * @param millis every timed connection's time, in milliseconds, sorted
 */
record FirstReplies(List<Double> millis) {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    FirstReplies {
        millis = millis.stream().sorted().toList();
        if (millis.isEmpty()) {
            throw new IllegalArgumentException("no first reply timed");
        }
    }

    /**
     * One untimed connection (the server's own start is over), then {@code n} timed ones, with
     * {@code pause} between them.
     */
    static FirstReplies measure(String host, int port, int n, Duration pause) throws IOException, InterruptedException {
        once(host, port);
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!pause.isZero()) {
                Thread.sleep(pause); // the arrival rate of the scenario, not synchronisation
            }
            times.add(once(host, port) / 1e6);
        }
        return new FirstReplies(times);
    }

    /** One untimed-by-the-caller connection: connect, "hello", its reply, close; returns its nanoseconds. */
    static long once(String host, int port) throws IOException {
        long t0 = System.nanoTime();
        try (LineSession s = LineSession.connect(host, port, TIMEOUT)) {
            String reply = s.ask("hello");
            long took = System.nanoTime() - t0;
            if (!reply.equals("HELLO")) {
                throw new IOException("wrong first reply: " + reply);
            }
            return took;
        }
    }

    double p50() {
        return percentile(millis, 0.5);
    }

    double p90() {
        return percentile(millis, 0.9);
    }

    /** The value at {@code p} of sorted {@code xs} (nearest rank). */
    static double percentile(List<Double> xs, double p) {
        return xs.get(Math.min(xs.size() - 1, (int) Math.floor(p * xs.size())));
    }

    static String ms(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f ms", v)
                : v >= 1 ? String.format(Locale.ROOT, "%.1f ms", v) : String.format(Locale.ROOT, "%.2f ms", v);
    }

    /** A ratio as "427x", "2.85x", "0.68x", or "1/420x" when below 0.1 (where two decimals would read 0.00x). */
    static String times(double ratio) {
        if (ratio > 0 && ratio < 0.1) {
            return String.format(Locale.ROOT, "1/%,.0fx", 1 / ratio);
        }
        return ratio >= 100 ? String.format(Locale.ROOT, "%,.0fx", ratio)
                : ratio >= 10 ? String.format(Locale.ROOT, "%.0fx", ratio) : String.format(Locale.ROOT, "%.2fx", ratio);
    }
}
