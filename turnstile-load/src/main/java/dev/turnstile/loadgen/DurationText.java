package dev.turnstile.loadgen;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/**
 * Durations as people type them on a command line: {@code 10s}, {@code 500ms}, {@code 2m},
 * {@code 1.5s}, {@code 250us}, {@code 1h}; a bare number is seconds. Stateless.
 */
public final class DurationText {

    private DurationText() {
    }

    /** Parses {@code text}; the error names {@code knob} and shows the accepted forms. */
    public static Duration parse(String knob, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        int unitStart = t.length();
        while (unitStart > 0 && Character.isLetter(t.charAt(unitStart - 1))) {
            unitStart--;
        }
        String number = t.substring(0, unitStart).strip();
        String unit = t.substring(unitStart);
        long nanosPerUnit = switch (unit) {
            case "", "s" -> 1_000_000_000L;
            case "ms" -> 1_000_000L;
            case "us" -> 1_000L;
            case "ns" -> 1L;
            case "m", "min" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw bad(knob, text);
        };
        BigDecimal value;
        try {
            value = new BigDecimal(number);
        } catch (NumberFormatException e) {
            throw bad(knob, text);
        }
        if (value.signum() < 0) {
            throw new IllegalArgumentException(knob + " must not be negative (got '" + text + "')");
        }
        BigDecimal nanos = value.multiply(BigDecimal.valueOf(nanosPerUnit));
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(knob + " is too long (got '" + text + "')");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** A short human form: {@code 10s}, {@code 1.5s}, {@code 250ms}, {@code 2m}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 60_000_000_000L == 0 && nanos >= 60_000_000_000L) {
            return nanos / 60_000_000_000L + "m";
        }
        if (nanos >= 1_000_000_000L || nanos == 0) {
            return trim(nanos / 1e9) + "s";
        }
        if (nanos >= 1_000_000L) {
            return trim(nanos / 1e6) + "ms";
        }
        return trim(nanos / 1e3) + "us";
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static IllegalArgumentException bad(String knob, String text) {
        return new IllegalArgumentException(knob + ": cannot read '" + text
                + "' as a duration; use e.g. 10s, 500ms, 2m, 1.5s (a bare number is seconds)");
    }
}
