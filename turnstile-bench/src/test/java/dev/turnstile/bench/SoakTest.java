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
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A five-second soak of an in-process model for real (a server process, the mixed load on
 * loopback): the samples exist and count descriptors and threads, the chart is written, and
 * soak.json and soak.md carry the verdict, the figures and every role's counts. Flatness is not
 * judged: five seconds on a shared machine are all warm-up.
 */
@Tag("process")
@Timeout(120)
class SoakTest {

    /** The default mix, with holds short enough that idle clients and slow readers finish within the soak. */
    private static final SoakMix SHORT = new SoakMix(2, 50, Duration.ofMillis(5), 2, Duration.ofSeconds(1),
            1, 2 * 1024 * 1024, 256 * 1024, Duration.ZERO, Duration.ofSeconds(1), 20, 2, 2 * ServerProcess.MAX_LINE_BYTES);

    @Test
    void shortSoakWritesSamplesChartAndSummaryWithEveryRoleServed(@TempDir Path out) throws Exception {
        SoakPlan plan = SoakPlan.of(Lineup.select(List.of("event-loop")), Duration.ofSeconds(5), out).withMix(SHORT);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        List<SoakResult> results = Soak.soak(plan, new PrintStream(progress, true, StandardCharsets.UTF_8));

        String printed = progress.toString(StandardCharsets.UTF_8);
        assertThat(results).as(printed).hasSize(1);
        SoakResult result = results.getFirst();
        assertThat(result.failure()).as(printed).isEmpty();
        assertThat(result.samples()).as("a sample every 100 ms for 5 s").hasSizeGreaterThan(20)
                .allSatisfy(s -> {
                    assertThat(s.rssBytes()).isPositive();
                    assertThat(s.descriptors()).isGreaterThan(3);
                    assertThat(s.threads()).isGreaterThan(1);
                    assertThat(s.processes()).isEqualTo(1);
                });
        assertThat(result.figures()).extracting(Flatness::metric).containsExactly("rssBytes", "descriptors", "threads");
        assertThat(result.loadFailures()).as(result.load().toString()).isZero();
        assertThat(result.load().get(SoakRole.PING_PONG).messages()).isPositive();
        assertThat(result.load().get(SoakRole.CHURN).completed()).isPositive();
        assertThat(result.load().get(SoakRole.IDLE).completed()).isPositive();
        assertThat(result.load().get(SoakRole.SLOW_READER).connections()).isPositive();
        assertThat(result.load().get(SoakRole.OVERSIZE).closedByServer()).isPositive();

        Path chart = out.resolve("soak-event-loop.png");
        BufferedImage image = ImageIO.read(chart.toFile());
        assertThat(image).isNotNull();
        assertThat(image.getWidth()).isEqualTo(SoakCharts.WIDTH);
        assertThat(image.getHeight()).isEqualTo(SoakCharts.HEIGHT);

        Map<String, Object> json = asMap(Json.parse(Files.readString(out.resolve(Soak.RESULTS))));
        Map<String, Object> run = asMap(json.get("run"));
        assertThat(run).containsKeys("command", "durationSeconds", "intervalSeconds", "rule", "mix", "machine");
        Map<String, Object> model = asMap(((List<?>) json.get("results")).getFirst());
        assertThat(model).containsEntry("model", "event-loop").containsKeys("verdict", "flat", "chart", "load");
        Map<String, Object> figures = asMap(model.get("figures"));
        for (String metric : List.of("rssBytes", "descriptors", "threads")) {
            assertThat(asMap(figures.get(metric))).as(metric).containsKeys("start", "end", "limit", "flat");
        }
        assertThat(asMap(model.get("load"))).containsKeys("ping-pong", "churn", "idle", "slow-reader", "oversize");
        List<?> samples = (List<?>) model.get("samples");
        assertThat(samples).hasSize(result.samples().size());
        assertThat(asMap(samples.getFirst())).containsKeys("t", "rssBytes", "descriptors", "threads", "processes");

        String report = Files.readString(out.resolve(Soak.REPORT));
        assertThat(report).contains("# turnstile soak", "**Rule**", "## event-loop", "](soak-event-loop.png)",
                "| ping-pong");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }
}
