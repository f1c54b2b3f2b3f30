package dev.turnstile.bench;

import dev.turnstile.loadgen.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** evidence.md and evidence.json from findings, with no process: the layout the quick run is checked against. */
@Timeout(30)
class EvidenceReportTest {

    private static EvidenceRun run(List<Finding> findings) {
        return new EvidenceRun(EvidencePlan.quick(Path.of("out")), MachineFacts.current(), Instant.parse(
                "2026-11-30T19:00:00Z"), Duration.ofSeconds(75), new EvidenceRun.Conditions("3.00, 2.00, 1.00"),
                new EvidenceRun.Conditions("4.00, 3.00, 2.00"), findings);
    }

    private static Finding measured() {
        return new Finding(Claim.CREATION_COST, "one at a time", "JVM process 1,480x a thread", ClaimVerdict.HOLDS,
                "holds if >= 10x", "a JVM costs more", List.of("variant", "p50"), List.of(List.of("thread", "0.2 ms")),
                List.of("spare process: needs process-per-connection --spares (issue 14, part 2)"));
    }

    @Test
    void aSectionQuotesTheClaimAndGivesFigureVerdictRuleChartTableAndWhatIsNotMeasured() {
        String md = EvidenceReport.markdown(run(List.of(measured())));
        assertThat(md).contains("`./turnstile bench --evidence --quick`", "at the start: 3.00, 2.00, 1.00",
                "| [Creation cost](#1-creation-cost) | **holds** | JVM process 1,480x a thread |",
                "## 1. Creation cost", "> Threads are light", "> Creating a process is more expensive. Memory, starting cost.",
                "**Figure.** JVM process 1,480x a thread", "**Verdict: holds.** a JVM costs more", "*Rule:* holds if >= 10x.",
                "![Creation cost](evidence-creation-cost.png)", "| variant | p50 |", "| thread | 0.2 ms |",
                "- spare process: needs process-per-connection --spares");
    }

    @Test
    void aFailedScenarioIsNotMeasuredWithItsReasonAndNoVerdict() {
        Finding failed = Finding.failed(Claim.ISOLATION, "kill -9", "server did not start");
        EvidenceRun r = run(List.of(measured(), failed));
        assertThat(EvidenceReport.markdown(r)).contains("| not measured | not measured: server did not start |",
                "**Verdict: not measured.** server did not start");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(Json.write(EvidenceReport.json(r)));
        @SuppressWarnings("unchecked")
        Map<String, Object> second = (Map<String, Object>) ((List<?>) json.get("sections")).get(1);
        assertThat(second.get("verdict")).isEqualTo("not measured");
        assertThat(second.get("chart")).isNull();
        assertThat(Evidence.complete(r.findings())).isFalse();
    }

    @Test
    void anchorsMatchTheHeadingsGitHubMakes() {
        Finding isolation = new Finding(Claim.ISOLATION, "s", "1 / 3", ClaimVerdict.HOLDS, "r", "x", List.of("a"),
                List.of(List.of("b")), List.of());
        assertThat(EvidenceReport.markdown(run(List.of(measured(), isolation))))
                .contains("(#4-isolation-kill--9-under-load)", "## 4. Isolation: kill -9 under load");
    }
}
