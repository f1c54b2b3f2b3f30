package dev.turnstile.bench;

import dev.turnstile.loadgen.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code bench --evidence --quick} for real (server processes, worker JVMs, kill -9, a heap
 * exhausted on purpose) and checks that every claim has its section with a figure, a verdict from
 * the three allowed, a rule, a table and a chart, in evidence.json and evidence.md alike. The
 * verdicts themselves are not judged: the machine is shared, and a claim may honestly fail on it.
 */
@Tag("process")
@Timeout(900)
class EvidenceQuickTest {

    private static final List<String> VERDICTS = Arrays.stream(ClaimVerdict.values()).map(ClaimVerdict::text).toList();

    @Test
    void everyClaimHasItsFigureVerdictAndChart(@TempDir Path out) throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        List<Finding> findings = Evidence.run(EvidencePlan.quick(out), new PrintStream(progress, true, StandardCharsets.UTF_8));
        String log = progress.toString(StandardCharsets.UTF_8);

        assertThat(findings).as(log).extracting(Finding::claim).containsExactly(Claim.values());
        assertThat(findings).as(log).allSatisfy(f -> assertThat(f.measured()).as(f.claim() + ": " + f.reading()).isTrue());
        assertThat(Evidence.complete(findings)).isTrue();

        Map<String, Object> json = asMap(Json.parse(Files.readString(out.resolve(Evidence.JSON))));
        assertThat(json.get("quick")).isEqualTo(true);
        assertThat(json).containsKeys("machine", "loadAverageAtStart", "loadAverageAtEnd", "elapsedSeconds");
        List<?> sections = (List<?>) json.get("sections");
        assertThat(sections).hasSize(Claim.values().length);
        String md = Files.readString(out.resolve(Evidence.REPORT));
        for (int i = 0; i < sections.size(); i++) {
            Claim claim = Claim.values()[i];
            Map<String, Object> section = asMap(sections.get(i));
            assertThat(section.get("id")).isEqualTo(claim.id());
            assertThat((String) section.get("figure")).as(claim.id()).isNotBlank().containsPattern("\\d");
            assertThat(VERDICTS).as(claim.id()).contains((String) section.get("verdict"));
            assertThat((String) section.get("rule")).as(claim.id()).isNotBlank();
            assertThat((List<?>) section.get("rows")).as(claim.id()).isNotEmpty();
            assertThat(section.get("chart")).isEqualTo(claim.chartFile());

            assertThat(md).contains("## " + (i + 1) + ". " + claim.title(), "**Verdict: " + section.get("verdict") + ".**",
                    "](" + claim.chartFile() + ")", (String) section.get("figure"));
            claim.quotes().forEach(q -> assertThat(md).contains("> " + q));
            BufferedImage chart = ImageIO.read(out.resolve(claim.chartFile()).toFile());
            assertThat(chart).as(claim.chartFile()).isNotNull();
            assertThat(chart.getWidth()).isEqualTo(Charts.WIDTH);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }
}
