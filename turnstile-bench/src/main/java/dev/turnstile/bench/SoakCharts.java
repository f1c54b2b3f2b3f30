package dev.turnstile.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A soak's chart, one PNG per contender: RSS, open descriptors and threads of the server's process
 * tree against time, three panels one above the other, each with the rule drawn over it (the
 * first quarter's median after warm-up, the last quarter's, and the highest flat value). Stateless.
 */
final class SoakCharts {

    static final int WIDTH = Charts.WIDTH;
    static final int PANEL_HEIGHT = 300;
    static final int HEIGHT = 3 * PANEL_HEIGHT;

    private static final Color LINE = new Color(0x4E79A7);
    private static final Color MEDIAN = new Color(0x59A14F);
    private static final Color LIMIT = new Color(0xE15759);

    private SoakCharts() {
    }

    /** Writes {@code dir}/{@link SoakResult#chartName()}; returns it. */
    static Path write(SoakResult result, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            List<String> titles = List.of("RSS (MiB)", "open descriptors", "threads");
            List<Double> scales = List.of(1024.0 * 1024, 1.0, 1.0);
            for (int i = 0; i < Flatness.TOLERANCES.size(); i++) {
                String metric = Flatness.TOLERANCES.get(i).metric();
                Flatness judged = result.figures().stream().filter(f -> f.metric().equals(metric)).findFirst()
                        .orElse(null);
                XYChart panel = panel(result, metric, titles.get(i), scales.get(i), judged, i == 0);
                g.drawImage(BitmapEncoder.getBufferedImage(panel), 0, i * PANEL_HEIGHT, null);
            }
        } finally {
            g.dispose();
        }
        Path file = dir.resolve(result.chartName());
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    private static XYChart panel(SoakResult result, String metric, String yTitle, double scale, Flatness judged,
                                 boolean top) {
        String title = top
                ? "Soak, " + result.contender().name() + ": " + result.verdict() + " (server process tree)"
                : yTitle + (judged != null ? (judged.flat() ? ": flat" : ": GREW") : "");
        XYChart chart = new XYChartBuilder().width(WIDTH).height(PANEL_HEIGHT).title(title)
                .xAxisTitle("seconds").yAxisTitle(yTitle).build();
        Styler styler = chart.getStyler();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(220, 220, 220));
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        chart.getStyler().setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("#,##0.#");
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        styler.setAntiAlias(true);
        double[] t = result.seconds();
        double[] y = result.samples().stream().mapToDouble(SoakResult.metric(metric)).map(v -> v / scale).toArray();
        if (t.length == 0) {
            chart.addSeries(yTitle, new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
            return chart;
        }
        XYSeries series = chart.addSeries(shortName(metric), t, y);
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(LINE);
        series.setLineStyle(new BasicStroke(1.5f));
        if (judged != null && t.length >= 4) {
            int warmup = Math.min(t.length - 1, (int) Math.floor(t.length * Flatness.WARMUP_FRACTION));
            int quarter = Math.max(1, (t.length - warmup) / 4);
            double firstFrom = t[warmup];
            double firstTo = t[warmup + quarter - 1];
            double lastFrom = t[t.length - quarter];
            double lastTo = t[t.length - 1];
            segment(chart, "first-quarter median", firstFrom, firstTo, judged.start() / scale, MEDIAN, new float[] {6, 4});
            segment(chart, "last-quarter median", lastFrom, lastTo, judged.end() / scale, MEDIAN, null);
            segment(chart, "flat limit", lastFrom, lastTo, judged.limit() / scale, LIMIT, new float[] {2, 3});
        }
        return chart;
    }

    private static void segment(XYChart chart, String name, double from, double to, double y, Color color,
                                float[] dashes) {
        XYSeries s = chart.addSeries(name, new double[] {from, Math.max(to, from + 1e-3)}, new double[] {y, y});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(dashes == null ? new BasicStroke(2.5f)
                : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, dashes, 0));
    }

    private static String shortName(String metric) {
        return switch (metric) {
            case "rssBytes" -> "RSS";
            case "descriptors" -> "descriptors";
            default -> metric;
        };
    }
}
