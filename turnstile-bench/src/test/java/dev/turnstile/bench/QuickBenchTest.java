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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the quick bench for real (server and load processes on loopback) and checks that the
 * run's folder is complete and well formed. Figures are not judged: the machine is shared.
 */
@Tag("process")
@Timeout(180)
class QuickBenchTest {

    @Test
    void quickRunWritesResultsReportAndChartsWithEveryCellClean(@TempDir Path out) throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        BenchResults results = Bench.run(BenchPlan.quick(out), new PrintStream(progress, true, StandardCharsets.UTF_8));

        assertThat(results.cells()).as(progress.toString(StandardCharsets.UTF_8)).isNotEmpty()
                .allSatisfy(r -> assertThat(r.clean()).as(r.cell().label() + ": " + r.note()).isTrue());

        Map<String, Object> json = asMap(Json.parse(Files.readString(out.resolve(Bench.RESULTS))));
        Map<String, Object> run = asMap(json.get("run"));
        assertThat(run).containsKeys("models", "workloads", "connections", "warmupSeconds", "durationSeconds",
                "serverJvmFlags", "machine");
        assertThat(asMap(run.get("machine"))).containsKeys("cores", "memoryBytes", "kernel", "jdk");
        List<?> cells = (List<?>) json.get("cells");
        assertThat(cells).hasSize(results.cells().size());
        for (Object c : cells) {
            Map<String, Object> cell = asMap(c);
            assertThat(cell.get("status")).isEqualTo("measured");
            Map<String, Object> load = asMap(cell.get("load"));
            assertThat(load.get("ok")).isEqualTo(true);
            assertThat(asMap(load.get("errors")).values()).allSatisfy(n -> assertThat(n).isEqualTo(0L));
            Map<String, Object> server = asMap(cell.get("server"));
            assertThat(((Number) server.get("peakRssBytes")).longValue()).isPositive();
            assertThat(((Number) server.get("peakThreads")).intValue()).isPositive();
            assertThat(((Number) server.get("peakProcesses")).intValue()).isEqualTo(1);
        }

        String report = Files.readString(out.resolve(Bench.REPORT));
        assertThat(report).contains("# turnstile bench", "## Which model for which workload", "## ping-pong",
                "## think", "## churn", "virtual-threads", "netty");
        List<String> charts = Charts.names(results);
        assertThat(charts).contains("throughput-ping-pong.png", "latency-p99-ping-pong.png",
                "memory-per-connection.png", "connect-rate.png");
        for (String chart : charts) {
            Path png = out.resolve(chart);
            assertThat(report).contains("](" + chart + ")");
            assertThat(Files.size(png)).as(chart).isGreaterThan(10_000);
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image).as(chart).isNotNull();
            assertThat(image.getWidth()).isEqualTo(Charts.WIDTH);
            assertThat(image.getHeight()).isEqualTo(Charts.HEIGHT);
        }

        // the report is made from results.json alone: made again from the file, it is the same
        Files.delete(out.resolve(Bench.REPORT));
        Bench.render(out, new PrintStream(progress, true, StandardCharsets.UTF_8));
        assertThat(Files.readString(out.resolve(Bench.REPORT))).isEqualTo(report);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }
}
