package dev.turnstile.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code turnstile bench --evidence}: puts each claim of the lecture notes "Server Models" next to
 * a measurement made on this machine. Runs the scenarios one after another (the machine is shared:
 * two at once would measure each other), each in fresh server processes, and writes
 * {@value #REPORT} (a section per claim: the claim quoted, the scenario, the figure as ratios within
 * the run, a verdict derived by a stated rule, the chart and the table), {@value #JSON} (the same,
 * for tools and the test suite) and one chart per section. A scenario that fails is tried once
 * more (a server on a shared machine may miss its start limit); failing again, it is reported as not
 * measured with its reason, and the others still run.
 */
public final class Evidence {

    public static final String REPORT = "evidence.md";
    public static final String JSON = "evidence.json";

    private Evidence() {
    }

    /** Every scenario, in report order. */
    static List<EvidenceScenario> scenarios() {
        return List.of(new CreationCostScenario(), new SharedLimitsScenario(), new ThreadFaultScenario(),
                new KillUnderLoadScenario(), new PoolStartupScenario(), new PoolBoundScenario(), new HandOffScenario(),
                new MemoryScenario());
    }

    /** Runs every scenario and writes the report; returns the findings, one per claim. */
    public static List<Finding> run(EvidencePlan plan, PrintStream progress) throws IOException, InterruptedException {
        Files.createDirectories(plan.out());
        EvidenceLab lab = new EvidenceLab(plan);
        EvidenceRun.Conditions start = EvidenceRun.Conditions.now();
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<EvidenceScenario> scenarios = scenarios();
        progress.printf("evidence: %d claims of the notes, %s sizes; out %s%n", scenarios.size(),
                plan.quick() ? "quick" : "full", plan.out());
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < scenarios.size(); i++) {
            EvidenceScenario scenario = scenarios.get(i);
            long s0 = System.nanoTime();
            Finding finding = attempt(scenario, lab);
            if (!finding.measured()) {
                // on a shared machine a server can miss its start limit: one more try, said in the progress
                progress.printf("[%d/%d] %s: %s; trying once more%n", i + 1, scenarios.size(),
                        scenario.claim().title(), finding.reading());
                finding = attempt(scenario, lab);
            }
            findings.add(finding);
            progress.printf("[%d/%d] %-36s %-30s %5.1f s  %s%n", i + 1, scenarios.size(), scenario.claim().title(),
                    finding.measured() ? finding.verdict().text() : "NOT MEASURED",
                    (System.nanoTime() - s0) / 1e9, finding.measured() ? finding.figure() : finding.reading());
        }
        EvidenceRun run = new EvidenceRun(plan, MachineFacts.current(), started,
                Duration.ofNanos(System.nanoTime() - t0), start, EvidenceRun.Conditions.now(), findings);
        Files.writeString(plan.out().resolve(REPORT), EvidenceReport.markdown(run));
        Files.writeString(plan.out().resolve(JSON), dev.turnstile.loadgen.Json.write(EvidenceReport.json(run)));
        progress.printf("evidence: %d of %d claims measured in %d s; %s, %s and the charts in %s%n",
                findings.stream().filter(Finding::measured).count(), findings.size(), run.elapsed().toSeconds(),
                REPORT, JSON, plan.out());
        return findings;
    }

    private static Finding attempt(EvidenceScenario scenario, EvidenceLab lab) throws InterruptedException {
        try {
            return scenario.run(lab);
        } catch (IOException | RuntimeException e) {
            return Finding.failed(scenario.claim(), scenario.scenario(lab.plan()), e.toString());
        }
    }

    /** True if every section has a figure and a verdict. */
    public static boolean complete(List<Finding> findings) {
        return findings.stream().allMatch(Finding::measured);
    }
}
