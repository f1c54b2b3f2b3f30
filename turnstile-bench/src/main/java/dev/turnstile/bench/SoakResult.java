package dev.turnstile.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One contender's soak: its server tree's samples over time, what the load's clients did, and
 * whether RSS, open descriptors and threads stayed flat ({@link Flatness}). Immutable.
 *
 * @param contender the server soaked
 * @param failure   why the soak did not run or the server died, or empty
 * @param stop      how the server ended (SIGTERM, or killed)
 * @param samples   the server tree's samples, every interval, in order (only those that found it alive)
 * @param load      what each role's clients did
 * @param figures   RSS, descriptors and threads judged by {@link Flatness#TOLERANCES}, in that order
 */
record SoakResult(Contender contender, String failure, String stop, List<ProcessTreeProbe.Sample> samples,
                  Map<SoakRole, SoakTally.Counts> load, List<Flatness> figures) {

    SoakResult {
        samples = List.copyOf(samples);
        load = Map.copyOf(load);
        figures = List.copyOf(figures);
    }

    /** Judges the live samples by the rule. */
    static SoakResult of(Contender contender, String failure, String stop, List<ProcessTreeProbe.Sample> all,
                         Map<SoakRole, SoakTally.Counts> load) {
        List<ProcessTreeProbe.Sample> live = all.stream().filter(s -> s.processes() > 0).toList();
        List<Flatness> figures = new ArrayList<>();
        for (Flatness.Tolerance t : Flatness.TOLERANCES) {
            figures.add(Flatness.judge(t, live.stream().mapToDouble(metric(t.metric())).toArray()));
        }
        return new SoakResult(contender, failure, stop, live, load, figures);
    }

    /** A soak whose server did not start. */
    static SoakResult failed(Contender contender, String why) {
        return new SoakResult(contender, why, "", List.of(), Map.of(), List.of());
    }

    static ToDoubleFunction<ProcessTreeProbe.Sample> metric(String name) {
        return switch (name) {
            case "rssBytes" -> s -> s.rssBytes();
            case "descriptors" -> s -> s.descriptors();
            case "threads" -> s -> s.threads();
            case "processes" -> s -> s.processes();
            default -> throw new IllegalArgumentException("no soak metric '" + name + "'");
        };
    }

    /** Seconds since the first sample, per sample. */
    double[] seconds() {
        long t0 = samples.isEmpty() ? 0 : samples.getFirst().nanoTime();
        return samples.stream().mapToDouble(s -> (s.nanoTime() - t0) / 1e9).toArray();
    }

    /** Every figure judged flat, and the server lived through the soak. */
    boolean flat() {
        return failure.isEmpty() && !figures.isEmpty() && figures.stream().allMatch(Flatness::flat);
    }

    /** Failures across the roles: wrong or missing replies, refused connects, oversize lines not closed on. */
    long loadFailures() {
        return load.values().stream().mapToLong(SoakTally.Counts::failures).sum();
    }

    /** "flat", "grew: rssBytes, threads" or "failed: why". */
    String verdict() {
        if (!failure.isEmpty()) {
            return "failed: " + failure;
        }
        List<String> grew = figures.stream().filter(f -> !f.flat()).map(Flatness::metric).toList();
        return grew.isEmpty() ? "flat" : "grew: " + String.join(", ", grew);
    }

    String chartName() {
        return "soak-" + contender.name() + ".png";
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", contender.name());
        m.put("serverArgs", contender.serverArgs());
        m.put("verdict", verdict());
        m.put("flat", flat());
        m.put("failure", failure);
        m.put("stop", stop);
        m.put("chart", chartName());
        Map<String, Object> judged = new LinkedHashMap<>();
        figures.forEach(f -> judged.put(f.metric(), f.toJson()));
        m.put("figures", judged);
        m.put("loadFailures", loadFailures());
        Map<String, Object> roles = new LinkedHashMap<>();
        for (SoakRole role : SoakRole.values()) {
            if (load.containsKey(role)) {
                roles.put(role.label(), load.get(role).toJson());
            }
        }
        m.put("load", roles);
        List<Object> rows = new ArrayList<>();
        double[] t = seconds();
        for (int i = 0; i < samples.size(); i++) {
            ProcessTreeProbe.Sample s = samples.get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("t", Math.round(t[i] * 1000) / 1000.0);
            row.put("rssBytes", s.rssBytes());
            row.put("descriptors", s.descriptors());
            row.put("threads", s.threads());
            row.put("processes", s.processes());
            row.put("cpuSeconds", s.cpuSeconds());
            rows.add(row);
        }
        m.put("samples", rows);
        return m;
    }
}
