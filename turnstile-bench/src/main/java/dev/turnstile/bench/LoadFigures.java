package dev.turnstile.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one load run measured, as {@code turnstile load --json} reports it: counts, rates,
 * latency percentiles in microseconds and the error counts by kind. {@link #ok()} is the load
 * generator's verdict: every reply arrived and was right.
 */
public record LoadFigures(String workload, int connections, double warmupSeconds, double durationSeconds,
                          long messages, double messagesPerSecond, long connects, double connectsPerSecond,
                          Latency latencyMicros, Errors errors, boolean ok, String histogram) {

    /** Latency percentiles in microseconds. */
    public record Latency(long p50, long p90, long p99, long p999, long max, double mean) {
    }

    /** Errors by kind; any of them makes the run not ok. */
    public record Errors(long mismatches, long missing, long refused, long resets, long timeouts) {

        public long total() {
            return mismatches + missing + refused + resets + timeouts;
        }

        /** "none", or the non-zero kinds: "3 missing, 1 timeouts". */
        public String describe() {
            StringBuilder s = new StringBuilder();
            append(s, mismatches, "mismatches");
            append(s, missing, "missing");
            append(s, refused, "refused");
            append(s, resets, "resets");
            append(s, timeouts, "timeouts");
            return s.isEmpty() ? "none" : s.toString();
        }

        private static void append(StringBuilder s, long n, String what) {
            if (n > 0) {
                s.append(s.isEmpty() ? "" : ", ").append(n).append(' ').append(what);
            }
        }
    }

    /** Reads the load generator's JSON result (the shape of {@code turnstile load --json}). */
    @SuppressWarnings("unchecked")
    public static LoadFigures fromJson(String text) {
        Object parsed = Json.parse(text);
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException("load result is not a JSON object");
        }
        Map<String, Object> m = (Map<String, Object>) root;
        Map<String, Object> lat = object(m, "latencyMicros");
        Map<String, Object> err = object(m, "errors");
        return new LoadFigures(string(m, "workload"), (int) whole(m, "connections"), real(m, "warmupSeconds"),
                real(m, "durationSeconds"), whole(m, "messages"), real(m, "messagesPerSecond"),
                whole(m, "connects"), real(m, "connectsPerSecond"),
                new Latency(whole(lat, "p50"), whole(lat, "p90"), whole(lat, "p99"), whole(lat, "p999"),
                        whole(lat, "max"), real(lat, "mean")),
                new Errors(whole(err, "mismatches"), whole(err, "missing"), whole(err, "refused"),
                        whole(err, "resets"), whole(err, "timeouts")),
                Boolean.TRUE.equals(m.get("ok")), m.get("histogram") instanceof String h ? h : "");
    }

    /** The same shape, for results.json. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workload", workload);
        m.put("connections", connections);
        m.put("warmupSeconds", warmupSeconds);
        m.put("durationSeconds", durationSeconds);
        m.put("messages", messages);
        m.put("messagesPerSecond", messagesPerSecond);
        m.put("connects", connects);
        m.put("connectsPerSecond", connectsPerSecond);
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("p50", latencyMicros.p50());
        lat.put("p90", latencyMicros.p90());
        lat.put("p99", latencyMicros.p99());
        lat.put("p999", latencyMicros.p999());
        lat.put("max", latencyMicros.max());
        lat.put("mean", latencyMicros.mean());
        m.put("latencyMicros", lat);
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("mismatches", errors.mismatches());
        err.put("missing", errors.missing());
        err.put("refused", errors.refused());
        err.put("resets", errors.resets());
        err.put("timeouts", errors.timeouts());
        m.put("errors", err);
        m.put("ok", ok);
        m.put("histogram", histogram);
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> m, String key) {
        if (m.get(key) instanceof Map<?, ?> inner) {
            return (Map<String, Object>) inner;
        }
        throw new IllegalArgumentException("load result has no object '" + key + "'");
    }

    private static String string(Map<String, Object> m, String key) {
        if (m.get(key) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("load result has no string '" + key + "'");
    }

    private static long whole(Map<String, Object> m, String key) {
        if (m.get(key) instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("load result has no number '" + key + "'");
    }

    private static double real(Map<String, Object> m, String key) {
        if (m.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("load result has no number '" + key + "'");
    }
}
