package dev.turnstile.bench;

import dev.turnstile.loadgen.Workload;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The PNG charts of a run, drawn with XChart from the clean cells only (a cell with errors has no
 * point): throughput and p99 latency against connections, a line per model on a log axis; memory
 * per connection; and each model's connection set-up rate (churn). Stateless.
 */
final class Charts {

    static final int WIDTH = 1000;
    static final int HEIGHT = 600;

    private Charts() {
    }

    /** The file names {@link #write} produces for these results, in report order. */
    static List<String> names(BenchResults results) {
        List<String> names = new ArrayList<>();
        for (Workload w : results.plan().workloads()) {
            if (Feasibility.holdsConnections(w) && !results.measured(w).isEmpty()) {
                names.add("throughput-" + w.cliName() + ".png");
            }
        }
        for (Workload w : results.plan().workloads()) {
            if (!results.measured(w).isEmpty()) {
                names.add("latency-p99-" + w.cliName() + ".png");
            }
        }
        if (memoryWorkload(results) != null) {
            names.add("memory-per-connection.png");
        }
        if (!results.measured(Workload.CHURN).isEmpty()) {
            names.add("connect-rate.png");
        }
        return names;
    }

    /** Writes every chart into {@code dir}; returns the files. */
    static List<Path> write(BenchResults results, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Path> files = new ArrayList<>();
        for (Workload w : results.plan().workloads()) {
            if (Feasibility.holdsConnections(w) && !results.measured(w).isEmpty()) {
                // think's rate grows with the connections (the pauses set it): a log axis shows every count
                boolean logY = w == Workload.THINK;
                files.add(save(lines(results, w, "Throughput, " + w.cliName(), logY ? "messages/s (log)" : "messages/s",
                        r -> r.load().messagesPerSecond(), logY), dir, "throughput-" + w.cliName()));
            }
        }
        for (Workload w : results.plan().workloads()) {
            if (!results.measured(w).isEmpty()) {
                files.add(save(lines(results, w, "p99 latency, " + w.cliName() + " (lower is better)",
                        "p99 latency (ms, log)", r -> Math.max(1, r.load().latencySummary().p99()) / 1000.0, true),
                        dir, "latency-p99-" + w.cliName()));
            }
        }
        Workload memory = memoryWorkload(results);
        if (memory != null) {
            files.add(save(lines(results, memory, "Server memory per added connection, " + memory.cliName(),
                    "KiB per added connection (peak RSS rise, log; 0.1 = no rise)", r -> Math.max(0.1,
                            results.marginalRssPerConnection(r).orElse(Double.NaN) / 1024), true),
                    dir, "memory-per-connection"));
        }
        if (!results.measured(Workload.CHURN).isEmpty()) {
            files.add(save(connectRate(results), dir, "connect-rate"));
        }
        return files;
    }

    /** Memory per connection is drawn for ping-pong, or think if ping-pong has no two counts to compare. */
    private static Workload memoryWorkload(BenchResults results) {
        for (Workload w : List.of(Workload.PING_PONG, Workload.THINK)) {
            if (results.measured(w).stream().anyMatch(r -> results.marginalRssPerConnection(r).isPresent())) {
                return w;
            }
        }
        return null;
    }

    private static XYChart lines(BenchResults results, Workload w, String title, String yTitle,
                                 ToDoubleFunction<CellResult> y, boolean logY) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(Feasibility.holdsConnections(w) ? "connections (log)" : "parallel clients (log)").yAxisTitle(yTitle)
                .build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setXAxisDecimalPattern("#,###");
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        style(chart.getStyler());
        // a log axis cannot show zero (a cell whose latency rounded to 0 ms, say): such points are left out
        ToDoubleFunction<CellResult> drawn = logY ? r -> y.applyAsDouble(r) > 0 ? y.applyAsDouble(r) : Double.NaN : y;
        List<CellResult> cells = results.measured(w);
        double[] ys = cells.stream().mapToDouble(drawn).filter(v -> !Double.isNaN(v)).toArray();
        if (logY && ys.length > 0) {
            // whole decades at both ends, so that a log axis always has at least two labels
            double low = Math.floor(Math.log10(Arrays.stream(ys).min().orElseThrow()));
            double high = Math.max(low + 1, Math.ceil(Math.log10(Arrays.stream(ys).max().orElseThrow())));
            chart.getStyler().setYAxisMin(Math.pow(10, low));
            chart.getStyler().setYAxisMax(Math.pow(10, high));
        } else if (!logY) {
            chart.getStyler().setYAxisMin(0.0);
        }
        int colour = 0; // counted over every model, drawn or not, so a model has the same colour in every chart
        int peers = 0;
        for (Contender c : results.plan().contenders()) {
            boolean peer = c.isPeer();
            Color color = peer ? PEER_COLOURS[peers % PEER_COLOURS.length] : PALETTE[colour % PALETTE.length];
            float[] dashes = PEER_DASHES[peers % PEER_DASHES.length];
            if (peer) {
                peers++;
            } else {
                colour++;
            }
            List<CellResult> mine = cells.stream().filter(r -> r.cell().contender().equals(c))
                    .filter(r -> !Double.isNaN(drawn.applyAsDouble(r)))
                    .sorted(Comparator.comparingInt(r -> r.cell().connections())).toList();
            if (mine.isEmpty()) {
                continue;
            }
            XYSeries series = chart.addSeries(c.name(), mine.stream().mapToDouble(r -> r.cell().connections()).toArray(),
                    mine.stream().mapToDouble(drawn).toArray());
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setLineColor(color);
            series.setMarkerColor(color);
            series.setLineStyle(peer
                    ? new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10, dashes, 0)
                    : new BasicStroke(2.5f));
        }
        return chart;
    }

    /** Each model's best churn rate over the client counts tried, as bars. */
    private static CategoryChart connectRate(BenchResults results) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Connection set-up rate (churn: connect, one message, close; best over client counts)")
                .xAxisTitle("model").yAxisTitle("connections/s").build();
        style(chart.getStyler());
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        chart.getStyler().setXAxisLabelRotation(20);
        List<String> names = new ArrayList<>();
        List<Number> rates = new ArrayList<>();
        for (Contender c : results.plan().contenders()) {
            results.measured(Workload.CHURN).stream().filter(r -> r.cell().contender().equals(c))
                    .mapToDouble(r -> r.load().connectsPerSecond()).max().ifPresent(best -> {
                        names.add(c.name());
                        rates.add(Math.round(best));
                    });
        }
        chart.addSeries("connections/s", names, rates).setFillColor(PALETTE[0]);
        return chart;
    }

    private static void style(org.knowm.xchart.style.AxesChartStyler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(220, 220, 220));
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setAntiAlias(true);
    }

    private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path dir, String name)
            throws IOException {
        Path file = dir.resolve(name + ".png");
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** The peers are drawn dashed, in black and greys, each with its own dash. */
    private static final Color[] PEER_COLOURS = {Color.BLACK, new Color(0x6B6B6B), new Color(0xA0A0A0)};
    private static final float[][] PEER_DASHES = {{8, 6}, {3, 4}, {12, 4, 3, 4}};

    /** Distinct colours for the models (Tableau 10, then two more). */
    private static final Color[] PALETTE = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
        new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC),
        new Color(0x17BECF), new Color(0xBCBD22),
    };
}
