package dev.turnstile.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code java -cp ... dev.turnstile.bench.BenchMain [--quick] [--models a,b] [--connections 1,10]
 * [--workloads ping-pong,churn] [--warmup 2s] [--duration 10s] [--out DIR]}: the bench without the
 * CLI (the CLI's {@code turnstile bench} takes the same options). Exit status 0 when every cell that
 * ran was clean, 1 otherwise, 2 for bad options.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        BenchPlan plan;
        try {
            plan = plan(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        BenchResults results = Bench.run(plan, System.out);
        System.exit(results.count(CellResult.Status.FAILED) == 0 ? 0 : 1);
    }

    static BenchPlan plan(String[] args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        Path out = Path.of(value(args, "--out", quick ? "bench-quick" : "bench-results"));
        BenchPlan plan = quick ? BenchPlan.quick(out) : BenchPlan.full(out);
        String models = value(args, "--models", null);
        if (models != null) {
            plan = plan.withContenders(Lineup.select(list(models)));
        }
        String connections = value(args, "--connections", null);
        if (connections != null) {
            plan = plan.withConnections(list(connections).stream().map(BenchMain::count).toList());
        }
        String workloads = value(args, "--workloads", null);
        if (workloads != null) {
            plan = plan.withWorkloads(list(workloads).stream().map(Workload::parse).toList());
        }
        Duration warmup = duration(value(args, "--warmup", null), plan.warmup());
        Duration duration = duration(value(args, "--duration", null), plan.duration());
        return plan.withTiming(warmup, duration);
    }

    private static String value(String[] args, String flag, String otherwise) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(flag)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                return args[i + 1];
            }
        }
        return otherwise;
    }

    static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** A connection count such as 10000 or 10,000 is not splittable by comma, so 10_000 and 10k are accepted. */
    static int count(String text) {
        String t = text.replace("_", "").toLowerCase(Locale.ROOT);
        try {
            return t.endsWith("k") ? Integer.parseInt(t.substring(0, t.length() - 1)) * 1000 : Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("connections must be whole numbers such as 100 or 10k (got '" + text + "')");
        }
    }

    /** 10s, 500ms, 2m, or a plain number of seconds. */
    static Duration duration(String text, Duration otherwise) {
        if (text == null) {
            return otherwise;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("m")) {
                return Duration.ofSeconds(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60));
            }
            String seconds = t.endsWith("s") ? t.substring(0, t.length() - 1) : t;
            return Duration.ofMillis(Math.round(Double.parseDouble(seconds) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("durations are like 10s, 500ms or 2m (got '" + text + "')");
        }
    }
}
