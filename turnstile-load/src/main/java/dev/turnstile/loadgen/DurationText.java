package dev.turnstile.loadgen;

import java.time.Duration;
import java.util.Locale;

/** Durations written for people, in messages and summaries: {@code 10s}, {@code 1.5s}, {@code 250ms}, {@code 2m}. Stateless. */
public final class DurationText {

    private DurationText() {
    }

    /** A short human form: {@code 10s}, {@code 1.5s}, {@code 250ms}, {@code 2m}, {@code 50us}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos >= 60_000_000_000L && nanos % 60_000_000_000L == 0) {
            return nanos / 60_000_000_000L + "m";
        }
        if (Math.abs(nanos) >= 1_000_000_000L || nanos == 0) {
            return trim(nanos / 1e9) + "s";
        }
        if (Math.abs(nanos) >= 1_000_000L) {
            return trim(nanos / 1e6) + "ms";
        }
        return trim(nanos / 1e3) + "us";
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
