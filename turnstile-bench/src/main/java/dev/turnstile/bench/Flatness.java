package dev.turnstile.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether one figure of a soak (RSS, open descriptors, threads) stayed flat: the rule, in one place.
 *
 * <p><b>The rule.</b> The samples of the first {@link #WARMUP_FRACTION} of the run are warm-up (JIT,
 * heap sizing, pools filling) and left out. The rest are cut into four quarters by count (samples
 * are evenly spaced); {@code start} is the median of the first quarter, {@code end} the median of
 * the last. The figure is flat when {@code end <= start * (1 + tolerance) + slack}. A falling figure
 * is flat: only growth is a leak. Medians, not single samples, so that one sample taken while a burst
 * of churn connections was open does not decide.
 *
 * @param metric  what was measured ({@code rssBytes}, {@code descriptors}, {@code threads})
 * @param start   median of the first quarter after warm-up
 * @param end     median of the last quarter
 * @param limit   {@code start * (1 + tolerance) + slack}: the highest flat {@code end}
 * @param min     the smallest sample after warm-up
 * @param max     the largest sample after warm-up
 * @param flat    {@code end <= limit}
 */
record Flatness(String metric, double start, double end, double limit, double min, double max, boolean flat) {

    /** The share of the run treated as warm-up. */
    static final double WARMUP_FRACTION = 0.10;

    /** How much a figure may grow and still be flat: a share of its start and an absolute slack. */
    record Tolerance(String metric, double share, double slack, String unit) {

        String describe() {
            return String.format(Locale.ROOT, "%s: +%.0f %% + %s", metric, share * 100,
                    unit.equals("bytes") ? Figures.bytes(slack) : String.format(Locale.ROOT, "%.0f", slack));
        }
    }

    /** RSS may grow 10 % + 16 MiB (G1 sizing its regions), descriptors and threads 10 % + 8 and + 4. */
    static final List<Tolerance> TOLERANCES = List.of(
            new Tolerance("rssBytes", 0.10, 16 * 1024 * 1024, "bytes"),
            new Tolerance("descriptors", 0.10, 8, "count"),
            new Tolerance("threads", 0.10, 4, "count"));

    /** The rule as a sentence, for the report and soak.json. */
    static String rule() {
        return String.format(Locale.ROOT, "leave out the first %.0f %% of the samples (warm-up); cut the rest into "
                        + "quarters; flat if median(last quarter) <= median(first quarter) * (1 + share) + slack, with %s",
                WARMUP_FRACTION * 100, String.join("; ", TOLERANCES.stream().map(Tolerance::describe).toList()));
    }

    /** Judges {@code values} (evenly spaced samples over the whole run, in order) by the rule. */
    static Flatness judge(Tolerance tolerance, double[] values) {
        if (values.length == 0) {
            return new Flatness(tolerance.metric(), 0, 0, 0, 0, 0, false);
        }
        int warmup = Math.min(values.length - 1, (int) Math.floor(values.length * WARMUP_FRACTION));
        double[] after = Arrays.copyOfRange(values, warmup, values.length);
        int quarter = Math.max(1, after.length / 4);
        double start = median(Arrays.copyOfRange(after, 0, quarter));
        double end = median(Arrays.copyOfRange(after, after.length - quarter, after.length));
        double limit = start * (1 + tolerance.share()) + tolerance.slack();
        return new Flatness(tolerance.metric(), start, end, limit, Arrays.stream(after).min().orElse(0),
                Arrays.stream(after).max().orElse(0), end <= limit);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", start);
        m.put("end", end);
        m.put("limit", limit);
        m.put("min", min);
        m.put("max", max);
        m.put("flat", flat);
        return m;
    }
}
