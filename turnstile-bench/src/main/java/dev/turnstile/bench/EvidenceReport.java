package dev.turnstile.bench;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * evidence.md and evidence.json from an {@link EvidenceRun}: a summary table of claims and
 * verdicts, then a section per claim (the notes' words quoted, the scenario, the figure, the
 * verdict with its rule, the chart, the table, what is not measured). Stateless.
 */
final class EvidenceReport {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private EvidenceReport() {
    }

    static String markdown(EvidenceRun run) {
        StringBuilder md = new StringBuilder();
        md.append("# The notes' claims, measured\n\n");
        md.append("Each claim of the lecture notes \"Server Models\" next to a measurement made with turnstile on one"
                + " machine: the claim quoted, the scenario that tests it, the figure (as ratios within this run), a"
                + " chart, and a verdict derived from the figures by the rule the section states.\n\n");
        md.append("- Command: `./turnstile bench --evidence").append(run.plan().quick() ? " --quick" : "")
                .append("`").append(run.plan().quick() ? " (quick: every scenario scaled down, see each section)" : "")
                .append("\n");
        md.append("- Run: ").append(WHEN.format(run.started())).append(", ").append(run.elapsed().toSeconds())
                .append(" s\n");
        md.append("- Machine: ").append(run.machine().describe()).append("\n");
        md.append("- Load average (1, 5, 15 min) at the start: ").append(run.atStart().loadAverage())
                .append("; at the end: ").append(run.atEnd().loadAverage())
                .append(". The machine is shared: compare figures within this run, not with other runs.\n\n");
        md.append("| claim | verdict | figure |\n|---|---|---|\n");
        for (Finding f : run.findings()) {
            md.append("| [").append(f.claim().title()).append("](#").append(anchor(f)).append(") | ")
                    .append(f.measured() ? "**" + f.verdict().text() + "**" : "not measured").append(" | ")
                    .append(cell(f.measured() ? f.figure() : f.reading())).append(" |\n");
        }
        for (Finding f : run.findings()) {
            md.append("\n## ").append(f.claim().ordinal() + 1).append(". ").append(f.claim().title()).append("\n\n");
            for (String quote : f.claim().quotes()) {
                md.append("> ").append(quote).append("\n>\n");
            }
            md.setLength(md.length() - 2);
            md.append("\n**Scenario.** ").append(f.scenario()).append("\n\n");
            if (!f.measured()) {
                md.append("**Verdict: not measured.** ").append(f.reading().replaceFirst("^not measured: ", ""))
                        .append("\n");
                continue;
            }
            md.append("**Figure.** ").append(f.figure()).append("\n\n");
            md.append("**Verdict: ").append(f.verdict().text()).append(".** ").append(f.reading()).append("\n\n");
            md.append("*Rule:* ").append(f.rule()).append(".\n\n");
            md.append("![").append(f.claim().title()).append("](").append(f.claim().chartFile()).append(")\n\n");
            md.append("| ").append(String.join(" | ", f.header())).append(" |\n|");
            md.append("---|".repeat(f.header().size())).append("\n");
            for (List<String> row : f.rows()) {
                md.append("| ").append(String.join(" | ", row.stream().map(EvidenceReport::cell).toList()))
                        .append(" |\n");
            }
            if (!f.notMeasured().isEmpty()) {
                md.append("\nNot measured here:\n\n");
                f.notMeasured().forEach(s -> md.append("- ").append(s).append("\n"));
            }
        }
        return md.toString();
    }

    static Map<String, Object> json(EvidenceRun run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("quick", run.plan().quick());
        m.put("started", run.started().toString());
        m.put("elapsedSeconds", run.elapsed().toMillis() / 1e3);
        m.put("machine", run.machine().toJson());
        m.put("loadAverageAtStart", run.atStart().loadAverage());
        m.put("loadAverageAtEnd", run.atEnd().loadAverage());
        List<Object> sections = new ArrayList<>();
        run.findings().forEach(f -> sections.add(f.toJson()));
        m.put("sections", sections);
        return m;
    }

    /** GitHub's anchor of the section heading "N. Title". */
    private static String anchor(Finding f) {
        int n = f.claim().ordinal() + 1;
        return (n + ". " + f.claim().title()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
