package dev.turnstile.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One section of the evidence report: a claim, the scenario that tested it, what was measured (as
 * ratios within the run), the verdict and the rule that gave it, a table of the raw figures, the
 * chart, and the parts of the scenario that could not be measured and what they need. A scenario
 * that failed has no verdict and says why.
 *
 * @param claim       the notes' claim
 * @param scenario    what was run, in a sentence or two
 * @param figure      the measured figure, as ratios within the run ("a JVM process: 1,480x a thread's first reply")
 * @param verdict     null if the scenario failed
 * @param rule        how the verdict follows from the figures
 * @param reading     the verdict said plainly with the figures that decided it, or why the scenario failed
 * @param header      the table's column names
 * @param rows        the table's rows, as text
 * @param notMeasured parts of the claim not measured here, each saying what it needs
 */
record Finding(Claim claim, String scenario, String figure, ClaimVerdict verdict, String rule, String reading,
               List<String> header, List<List<String>> rows, List<String> notMeasured) {

    Finding {
        Objects.requireNonNull(claim, "claim");
        header = List.copyOf(header);
        List<List<String>> copied = new ArrayList<>();
        rows.forEach(r -> copied.add(List.copyOf(r)));
        rows = List.copyOf(copied);
        notMeasured = List.copyOf(notMeasured);
    }

    /** A scenario that could not run: no figure, no verdict, the reason. */
    static Finding failed(Claim claim, String scenario, String why) {
        return new Finding(claim, scenario, "", null, "", "not measured: " + why, List.of(), List.of(), List.of());
    }

    boolean measured() {
        return verdict != null;
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", claim.id());
        m.put("title", claim.title());
        m.put("claim", claim.quotes());
        m.put("scenario", scenario);
        m.put("figure", figure);
        m.put("verdict", verdict == null ? "not measured" : verdict.text());
        m.put("rule", rule);
        m.put("reading", reading);
        m.put("chart", measured() ? claim.chartFile() : null);
        m.put("header", header);
        m.put("rows", rows);
        m.put("notMeasured", notMeasured);
        return m;
    }
}
