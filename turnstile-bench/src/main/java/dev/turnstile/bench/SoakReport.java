package dev.turnstile.bench;

import java.util.List;
import java.util.Locale;

/** soak.md: the run record, the rule, a verdict per model, then per model its chart, figures and load. Stateless. */
final class SoakReport {

    private SoakReport() {
    }

    static String render(SoakPlan plan, MachineFacts machine, String started, List<SoakResult> results) {
        StringBuilder md = new StringBuilder();
        md.append("# turnstile soak\n\n");
        md.append("`").append(command(plan)).append("`\n\n");
        md.append(String.format(Locale.ROOT, "Started %s; each model soaked for %d s, its server's process tree "
                        + "sampled every %s s through /proc; machine: %s.%n%n", started, plan.duration().toSeconds(),
                CellRunner.seconds(plan.interval()).replaceAll("0+$", "").replaceAll("\\.$", ""), machine.describe()));
        md.append("**Load**, all at once, against one server: ").append(describe(plan.mix())).append("\n\n");
        md.append("**Rule**: ").append(Flatness.rule()).append(".\n\n");
        md.append("| model | verdict | RSS start → end | descriptors start → end | threads start → end | processes (max) | load failures |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (SoakResult r : results) {
            md.append("| ").append(r.contender().name()).append(" | ").append(r.verdict());
            for (Flatness f : r.figures()) {
                md.append(" | ").append(value(f.metric(), f.start())).append(" → ").append(value(f.metric(), f.end()));
            }
            if (r.figures().isEmpty()) {
                md.append(" | | | ");
            }
            md.append(" | ").append(r.samples().stream().mapToInt(ProcessTreeProbe.Sample::processes).max().orElse(0))
                    .append(" | ").append(r.loadFailures()).append(" |\n");
        }
        for (SoakResult r : results) {
            md.append("\n## ").append(r.contender().name()).append("\n\n");
            md.append("Server: `").append(String.join(" ", r.contender().serverArgs())).append("`; ")
                    .append(r.verdict()).append(r.stop().isEmpty() ? "" : "; " + r.stop()).append(".\n\n");
            if (r.figures().isEmpty()) {
                continue;
            }
            md.append("![").append(r.chartName()).append("](").append(r.chartName()).append(")\n\n");
            md.append("| figure | start (first-quarter median) | end (last-quarter median) | flat limit | min | max | flat |\n");
            md.append("|---|---:|---:|---:|---:|---:|---|\n");
            for (Flatness f : r.figures()) {
                md.append("| ").append(f.metric()).append(" | ").append(value(f.metric(), f.start())).append(" | ")
                        .append(value(f.metric(), f.end())).append(" | ").append(value(f.metric(), f.limit()))
                        .append(" | ").append(value(f.metric(), f.min())).append(" | ")
                        .append(value(f.metric(), f.max())).append(" | ").append(f.flat() ? "yes" : "**no**")
                        .append(" |\n");
            }
            md.append("\n| clients | connections | completed | closed by the server | messages | failures | skipped | first failure |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
            for (SoakRole role : SoakRole.values()) {
                SoakTally.Counts c = r.load().get(role);
                if (c == null) {
                    continue;
                }
                md.append(String.format(Locale.ROOT, "| %s (%s) | %,d | %,d | %,d | %,d | %,d | %,d | %s |%n",
                        role.label(), role.description(), c.connections(), c.completed(), c.closedByServer(),
                        c.messages(), c.failures(), c.skipped(),
                        c.firstFailure() == null ? "" : c.firstFailure().replace("|", "\\|")));
            }
        }
        md.append("\n\"closed by the server\" is expected for idle (past the idle timeout), slow-reader (the pending bound "
                + "or the write timeout) and oversize clients; for ping-pong and churn a close before the reply is a failure. "
                + "\"messages\" for a slow reader counts its reads of up to 1 KiB.\n");
        return md.toString();
    }

    static String command(SoakPlan plan) {
        return "turnstile bench --soak " + plan.duration().toSeconds() + "s --models "
                + String.join(",", plan.contenders().stream().map(Contender::name).toList()) + " --out " + plan.out();
    }

    static String describe(SoakMix mix) {
        return String.format(Locale.ROOT, "%d long ping-pong conversations (%,d messages each, %d ms apart, then a new "
                        + "connection); %d idle connections (silent for %d s, past the server's idle timeout, then one "
                        + "message if still open); %d slow readers (send %s of 4 KiB lines, read nothing for %d s, past the "
                        + "server's write timeout, then read at %s/s; close after %d s with replies unread); %.0f churn connections a second (connect, one message, "
                        + "close); %.1f oversize lines a second (%,d bytes; the server's maximum is %,d)",
                mix.conversations(), mix.messagesPerConversation(), mix.messagePause().toMillis(),
                mix.idleConnections(), mix.idleHold().toSeconds(), mix.slowReaders(),
                Figures.bytes(mix.slowReaderBytes()), mix.slowReaderStall().toSeconds(),
                Figures.bytes(mix.slowReadBytesPerSecond()),
                mix.slowReaderHold().toSeconds(), mix.churnPerSecond(), mix.oversizePerSecond(),
                mix.oversizeBytes() + 1, ServerProcess.MAX_LINE_BYTES);
    }

    static String value(String metric, double v) {
        return metric.equals("rssBytes") ? Figures.bytes(v) : String.format(Locale.ROOT, "%.0f", v);
    }

    /** The figures of one result as a line for the progress output. */
    static String line(SoakResult r) {
        StringBuilder s = new StringBuilder(r.verdict());
        for (Flatness f : r.figures()) {
            s.append(", ").append(f.metric()).append(' ').append(value(f.metric(), f.start())).append(" -> ")
                    .append(value(f.metric(), f.end()));
        }
        return s.append(", load failures ").append(r.loadFailures()).toString();
    }
}
