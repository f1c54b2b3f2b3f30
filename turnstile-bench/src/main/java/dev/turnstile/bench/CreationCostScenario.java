package dev.turnstile.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creation cost: what a client waits, from connect to its first reply, while the model creates the
 * thread or process that will serve it, one connection at a time: a platform thread, a virtual
 * thread, a JVM process, a process running a small program ({@code --exec sh}), a worker a pool
 * made in advance, and a spare process made ahead of demand when this build has
 * {@code process-per-connection --spares}.
 *
 * <p>The rule: a JVM process's first reply at least {@value #PROCESS_RATIO}x a thread's and an
 * {@code --exec} process's at least {@value #EXEC_RATIO}x: holds; the JVM alone above the ratio:
 * holds with a caveat (the cost is the JVM's start, not the process's); else does not hold.
 */
final class CreationCostScenario implements EvidenceScenario {

    static final double PROCESS_RATIO = 10;
    static final double EXEC_RATIO = 2;
    /** The notes' while-read echo in the shell, uppercased by tr, a line at a time (as scripts/measure-first-reply). */
    static final String SHELL_UPPERCASE = "sh -c 'while IFS= read -r line; do printf \"%s\\n\" \"$line\""
            + " | tr \"[:lower:]\" \"[:upper:]\"; done'";

    static final String THREAD = "thread";
    static final String VIRTUAL = "virtual thread";
    static final String JVM = "JVM process";
    static final String EXEC = "--exec process (sh)";
    static final String POOLED = "pooled worker (process-pool)";
    static final String SPARE = "spare process";

    /** The server of each variant, by label; the spare process only when the build has --spares. */
    static Map<String, List<String>> variants() {
        Map<String, List<String>> v = new LinkedHashMap<>();
        v.put(THREAD, List.of("--model", "thread-per-connection"));
        v.put(VIRTUAL, List.of("--model", "virtual-threads"));
        v.put(JVM, List.of("--model", "process-per-connection"));
        v.put(EXEC, List.of("--model", "process-per-connection", "--option", "exec=" + SHELL_UPPERCASE));
        v.put(POOLED, List.of("--model", "process-pool", "--workers", "2"));
        if (EvidenceLab.hasOption("process-per-connection", "spares")) {
            v.put(SPARE, List.of("--model", "process-per-connection", "--option", "spares=2"));
        }
        return v;
    }

    static boolean processLike(String label) {
        return !label.equals(THREAD) && !label.equals(VIRTUAL);
    }

    /** Spares are refilled between arrivals: connections come slower than spares are made. */
    static Duration pause(String label) {
        return label.equals(SPARE) ? Duration.ofSeconds(1) : Duration.ZERO;
    }

    @Override
    public Claim claim() {
        return Claim.CREATION_COST;
    }

    @Override
    public String scenario(EvidencePlan plan) {
        return String.format("Connect, one line, its reply, close, one connection at a time (%d timed connections per "
                + "thread variant, %d per process variant, after one untimed): the time from connect to the first "
                + "reply, which includes creating the thread or process that serves the connection. Each variant is a "
                + "fresh server process; process-per-connection uses its default class-data archive (--cds auto).",
                plan.threadReplies(), plan.processReplies());
    }

    @Override
    public Finding run(EvidenceLab lab) throws IOException, InterruptedException {
        EvidencePlan plan = lab.plan();
        Map<String, FirstReplies> measured = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> v : variants().entrySet()) {
            int n = processLike(v.getKey()) ? plan.processReplies() : plan.threadReplies();
            measured.put(v.getKey(), lab.firstReplies(v.getKey(), v.getValue(), n, pause(v.getKey())));
        }
        double thread = measured.get(THREAD).p50();
        double jvm = measured.get(JVM).p50() / thread;
        double exec = measured.get(EXEC).p50() / thread;
        List<List<String>> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<Double> p50s = new ArrayList<>();
        measured.forEach((label, r) -> {
            rows.add(List.of(label, String.valueOf(r.millis().size()), FirstReplies.ms(r.p50()), FirstReplies.ms(r.p90()),
                    FirstReplies.times(r.p50() / thread)));
            labels.add(label);
            p50s.add(r.p50());
        });
        EvidenceCharts.bars(plan.out().resolve(claim().chartFile()),
                "Creation cost: connect to first reply, p50 (log)", "ms (log)", true, labels, Map.of("p50", p50s));
        StringBuilder figure = new StringBuilder();
        measured.forEach((label, r) -> {
            if (!label.equals(THREAD)) {
                figure.append(figure.isEmpty() ? "" : "; ").append(label).append(" ")
                        .append(FirstReplies.times(r.p50() / thread));
            }
        });
        figure.insert(0, "first reply p50 as a multiple of a thread's (" + FirstReplies.ms(thread) + "): ");
        ClaimVerdict verdict = jvm >= PROCESS_RATIO && exec >= EXEC_RATIO ? ClaimVerdict.HOLDS
                : jvm >= PROCESS_RATIO ? ClaimVerdict.HOLDS_WITH_A_CAVEAT : ClaimVerdict.DOES_NOT_HOLD;
        String reading = switch (verdict) {
            case HOLDS -> String.format("Creating a process is the more expensive: a JVM process answers first after %s"
                    + " a thread's time, even a shell after %s. A virtual thread costs %s a platform thread's.",
                    FirstReplies.times(jvm), FirstReplies.times(exec),
                    FirstReplies.times(measured.get(VIRTUAL).p50() / thread));
            case HOLDS_WITH_A_CAVEAT -> String.format("A JVM process costs %s a thread, but a small program started by"
                    + " --exec only %s: the expense is the JVM's start more than the process's.",
                    FirstReplies.times(jvm), FirstReplies.times(exec));
            case DOES_NOT_HOLD -> String.format("A JVM process's first reply took only %s a thread's here.",
                    FirstReplies.times(jvm));
        };
        List<String> notMeasured = measured.containsKey(SPARE) ? List.of()
                : List.of("spare process: needs process-per-connection --spares (issue 14, part 2)");
        return new Finding(claim(), scenario(plan), figure.toString(), verdict,
                String.format("holds if a JVM process's p50 >= %.0fx a thread's and an --exec process's >= %.0fx;"
                        + " holds with a caveat if only the JVM's is; else does not hold", PROCESS_RATIO, EXEC_RATIO),
                reading, List.of("variant", "timed", "p50", "p90", "p50 / thread's"), rows, notMeasured);
    }
}
