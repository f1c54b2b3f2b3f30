package dev.turnstile.loadgen;

import java.util.Locale;

/** Renders a {@link LoadResult} as the final report a person reads, in the manner of wrk. Stateless. */
public final class Summary {

    private Summary() {
    }

    /** The report, several lines, ending in a newline. */
    public static String render(LoadResult r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s%s: %,d connection%s, %d thread%s%s, %s framing, %s messages%s%n",
                r.workload().cliName(), r.tls() ? " over TLS" : "", r.connections(), plural(r.connections()), r.threads(), plural(r.threads()),
                r.processes() > 1 ? " in " + r.processes() + " processes" : "", r.framing(),
                r.messageSet().equals("notes") ? "notes" : r.messageSet() + "-byte",
                r.rate() > 0 ? String.format(Locale.ROOT, ", target %,.0f messages/s", r.rate()) : ""));
        out.append(String.format(Locale.ROOT, "  warm-up %.1f s, measured %.2f s%n", r.warmupSeconds(),
                r.durationSeconds()));
        LatencySummary l = r.latencySummary();
        out.append(String.format(Locale.ROOT, "  %-10s%10s%10s%10s%10s%10s%10s%n",
                r.workload() == Workload.CHURN ? "Cycle" : "Latency", "p50", "p90", "p99", "p99.9", "max", "mean"));
        out.append(String.format(Locale.ROOT, "  %-10s%10s%10s%10s%10s%10s%10s%n", "",
                micros(l.p50()), micros(l.p90()), micros(l.p99()), micros(l.p999()), micros(l.max()),
                micros(Math.round(l.mean()))));
        out.append(String.format(Locale.ROOT, "  %,d messages in %.2f s%n", r.messages(), r.durationSeconds()));
        out.append(String.format(Locale.ROOT, "Messages/sec: %,.1f%n", r.messagesPerSecond()));
        if (r.workload() == Workload.CHURN) {
            out.append(String.format(Locale.ROOT, "%s: %,.1f (%,d connect-%ssend-close cycles)%n",
                    r.tls() ? "Handshakes/sec" : "Connects/sec", r.connectsPerSecond(), r.connects(),
                    r.tls() ? "handshake-" : ""));
        } else {
            out.append(String.format(Locale.ROOT, "Connections opened: %,d of %,d%n", r.connects(), r.connections()));
        }
        if (r.clientCpuPercent() > 0) {
            out.append(String.format(Locale.ROOT, "Client CPU: %.0f%% of a core%n", r.clientCpuPercent()));
        }
        out.append("Errors: ").append(r.errors().describe()).append(System.lineSeparator());
        if (r.firstError() != null && !r.ok()) {
            out.append("  first: ").append(r.firstError()).append(System.lineSeparator());
        }
        return out.toString();
    }

    /** A latency in microseconds, with a unit a person reads at a glance: 87us, 1.23ms, 2.50s. */
    public static String micros(long us) {
        if (us < 1_000) {
            return us + "us";
        }
        if (us < 1_000_000) {
            return String.format(Locale.ROOT, "%.2fms", us / 1e3);
        }
        return String.format(Locale.ROOT, "%.2fs", us / 1e6);
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }
}
