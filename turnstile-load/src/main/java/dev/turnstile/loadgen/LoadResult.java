package dev.turnstile.loadgen;

import org.HdrHistogram.Histogram;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a load run measured. {@link #toJson()} writes it for machines and {@link #fromJson}
 * reads it back, histogram included, so that results of several processes (or runs) can be
 * {@link #merge merged} exactly.
 *
 * <p>{@code messages} counts the replies, checked right, that arrived inside the measured window,
 * whenever they were sent (as wrk counts); the latency histogram holds exactly those replies, each
 * timed from its message's intended send time. {@code durationSeconds} is the window as it ran:
 * the requested duration, or less when every connection reached its message bound sooner.
 * {@code connects} counts the connections opened (under churn: the connect-send-close cycles
 * completed inside the window). Latency is in microseconds.
 *
 * <p>Immutable by convention: the histogram is shared, not copied, and must not be changed.
 *
 * @param workload        what each connection did
 * @param connections     concurrent connections over all processes
 * @param threads         selector threads over all processes
 * @param processes       processes the connections were spread over
 * @param framing         {@code line} or {@code raw}
 * @param messageSet      {@code notes} or the payload size
 * @param rate            the rate workload's target messages per second; 0 otherwise
 * @param warmupSeconds   the unmeasured warm-up
 * @param durationSeconds the measured window
 * @param messages        replies received inside the window
 * @param connects        connections opened (churn: cycles completed inside the window)
 * @param latency         the counted replies' latencies, microseconds
 * @param errors          errors by kind, warm-up included
 * @param firstError      the first error's detail, or null
 * @param clientCpuPercent the load generator's own CPU use during the window, in percent of one
 *                        core, summed over its processes: what the client took from the machine
 * @param tls             whether the connections spoke TLS: then every connect (under churn, every
 *                        cycle) made a full handshake, and {@link #connectsPerSecond()} is handshakes per second
 */
public record LoadResult(Workload workload, int connections, int threads, int processes, String framing,
                         String messageSet, double rate, double warmupSeconds, double durationSeconds,
                         long messages, long connects, Histogram latency, ErrorCounts errors, String firstError,
                         double clientCpuPercent, boolean tls) {

    /** A plaintext run's result. */
    public LoadResult(Workload workload, int connections, int threads, int processes, String framing,
                      String messageSet, double rate, double warmupSeconds, double durationSeconds,
                      long messages, long connects, Histogram latency, ErrorCounts errors, String firstError,
                      double clientCpuPercent) {
        this(workload, connections, threads, processes, framing, messageSet, rate, warmupSeconds, durationSeconds,
                messages, connects, latency, errors, firstError, clientCpuPercent, false);
    }

    public LoadResult {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(messageSet, "messageSet");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(errors, "errors");
    }

    public double messagesPerSecond() {
        return durationSeconds > 0 ? messages / durationSeconds : 0.0;
    }

    /** Connect-send-close cycles per second under churn; 0 for the other workloads. */
    public double connectsPerSecond() {
        return workload == Workload.CHURN && durationSeconds > 0 ? connects / durationSeconds : 0.0;
    }

    public LatencySummary latencySummary() {
        return LatencySummary.of(latency);
    }

    /** True when no error of any kind happened: what the exit status reports. */
    public boolean ok() {
        return errors.total() == 0;
    }

    /**
     * Adds results of parts of one run (processes that started together): counts and histograms
     * add, the window is the longest.
     */
    public static LoadResult merge(List<LoadResult> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        LoadResult first = parts.getFirst();
        Histogram latency = Latency.newHistogram();
        int connections = 0;
        int threads = 0;
        int processes = 0;
        double rate = 0;
        double warmup = 0;
        double duration = 0;
        long messages = 0;
        long connects = 0;
        ErrorCounts errors = ErrorCounts.NONE;
        String firstError = null;
        double cpu = 0;
        for (LoadResult p : parts) {
            if (p.workload != first.workload) {
                throw new IllegalArgumentException("cannot merge " + p.workload.cliName() + " with "
                        + first.workload.cliName() + " results");
            }
            latency.add(p.latency);
            connections += p.connections;
            threads += p.threads;
            processes += p.processes;
            rate += p.rate;
            warmup = Math.max(warmup, p.warmupSeconds);
            duration = Math.max(duration, p.durationSeconds);
            messages += p.messages;
            connects += p.connects;
            errors = errors.plus(p.errors);
            cpu += p.clientCpuPercent;
            if (firstError == null) {
                firstError = p.firstError;
            }
        }
        return new LoadResult(first.workload, connections, threads, processes, first.framing, first.messageSet, rate,
                warmup, duration, messages, connects, latency, errors, firstError, cpu, first.tls);
    }

    /**
     * This result as one line of JSON. The keys the benchmark reads are stable; keys may be added:
     * <pre>{@code
     * {"workload":"ping-pong","connections":1000,"threads":1,"warmupSeconds":2.0,"durationSeconds":10.0,
     *  "messages":123,"messagesPerSecond":12.3,"connects":1000,"connectsPerSecond":0.0,
     *  "latencyMicros":{"p50":1,"p90":1,"p99":1,"p999":1,"max":1,"mean":1.0},
     *  "errors":{"mismatches":0,"missing":0,"refused":0,"resets":0,"timeouts":0},
     *  "ok":true,"histogram":"<base64 of HdrHistogram encodeIntoCompressedByteBuffer>", ...}
     * }</pre>
     */
    public String toJson() {
        LatencySummary l = latencySummary();
        Map<String, Object> latencyMicros = new LinkedHashMap<>();
        latencyMicros.put("p50", l.p50());
        latencyMicros.put("p90", l.p90());
        latencyMicros.put("p99", l.p99());
        latencyMicros.put("p999", l.p999());
        latencyMicros.put("max", l.max());
        latencyMicros.put("mean", thousandths(l.mean()));
        Map<String, Object> errorCounts = new LinkedHashMap<>();
        for (ErrorKind k : ErrorKind.values()) {
            errorCounts.put(k.key(), errors.count(k));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workload", workload.cliName());
        m.put("connections", connections);
        m.put("threads", threads);
        m.put("warmupSeconds", thousandths(warmupSeconds));
        m.put("durationSeconds", thousandths(durationSeconds));
        m.put("messages", messages);
        m.put("messagesPerSecond", thousandths(messagesPerSecond()));
        m.put("connects", connects);
        m.put("connectsPerSecond", thousandths(connectsPerSecond()));
        m.put("latencyMicros", latencyMicros);
        m.put("errors", errorCounts);
        m.put("ok", ok());
        m.put("histogram", Latency.encode(latency));
        m.put("processes", processes);
        m.put("framing", framing);
        m.put("messageSet", messageSet);
        m.put("rate", thousandths(rate));
        m.put("firstError", firstError);
        m.put("clientCpuPercent", thousandths(clientCpuPercent));
        m.put("tls", tls);
        return Json.writeLine(m);
    }

    /** {@code value} rounded to three decimals, so the line carries no false precision. */
    private static double thousandths(double value) {
        if (!Double.isFinite(value)) {
            return value;
        }
        return BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_EVEN).doubleValue();
    }

    /**
     * Reads what {@link #toJson()} wrote. Counts and the histogram are read, derived figures
     * (rates, percentiles) are recomputed from them; keys added later are ignored.
     *
     * @throws IllegalArgumentException naming the first missing or malformed key
     */
    public static LoadResult fromJson(String json) {
        if (!(Json.parse(json) instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException("a load result must be a JSON object");
        }
        Map<?, ?> e = member(root, "errors", Map.class);
        ErrorCounts errors = new ErrorCounts(count(e, "mismatches"), count(e, "missing"), count(e, "refused"),
                count(e, "resets"), count(e, "timeouts"));
        return new LoadResult(
                Workload.parse(member(root, "workload", String.class)),
                Math.toIntExact(count(root, "connections")),
                Math.toIntExact(count(root, "threads")),
                root.containsKey("processes") ? Math.toIntExact(count(root, "processes")) : 1,
                root.get("framing") instanceof String f ? f : "line",
                root.get("messageSet") instanceof String m ? m : "notes",
                root.get("rate") instanceof Number r ? r.doubleValue() : 0.0,
                member(root, "warmupSeconds", Number.class).doubleValue(),
                member(root, "durationSeconds", Number.class).doubleValue(),
                count(root, "messages"),
                count(root, "connects"),
                Latency.decode(member(root, "histogram", String.class)),
                errors,
                root.get("firstError") instanceof String s ? s : null,
                root.get("clientCpuPercent") instanceof Number c ? c.doubleValue() : 0.0,
                Boolean.TRUE.equals(root.get("tls")));
    }

    private static <T> T member(Map<?, ?> map, String key, Class<T> type) {
        Object v = map.get(key);
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("load result: '" + key + "' is missing or not a "
                    + type.getSimpleName().toLowerCase(java.util.Locale.ROOT));
        }
        return type.cast(v);
    }

    private static long count(Map<?, ?> map, String key) {
        if (!(map.get(key) instanceof Long n) || n < 0) {
            throw new IllegalArgumentException("load result: '" + key + "' is missing or not a count");
        }
        return n;
    }
}
