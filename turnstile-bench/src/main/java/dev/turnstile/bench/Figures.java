package dev.turnstile.bench;

import java.util.Locale;

/** How figures are written in the report and the progress lines: rates, latencies, sizes. */
final class Figures {

    private Figures() {
    }

    /** 12,345 or 1.2 (rates below 10 keep a decimal). */
    static String rate(double perSecond) {
        return perSecond >= 10 ? String.format(Locale.ROOT, "%,.0f", perSecond)
                : String.format(Locale.ROOT, "%.1f", perSecond);
    }

    /** 850 µs, 12.3 ms, 1.20 s. */
    static String micros(long micros) {
        if (micros < 1_000) {
            return micros + " µs";
        }
        if (micros < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", micros / 1_000.0);
        }
        return String.format(Locale.ROOT, "%.2f s", micros / 1_000_000.0);
    }

    /** 512 B, 12.3 KiB, 45.6 MiB, 1.20 GiB. */
    static String bytes(double bytes) {
        if (bytes < 1024) {
            return String.format(Locale.ROOT, "%.0f B", bytes);
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
