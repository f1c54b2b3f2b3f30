package dev.turnstile.bench;

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
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The evidence report's charts, one per section, drawn with XChart in the bench's size and style
 * ({@link Charts#WIDTH} x {@link Charts#HEIGHT}, white, Tableau colours): bars for figures per
 * variant, lines for a figure against a count. Stateless.
 */
final class EvidenceCharts {

    private static final Color[] PALETTE = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
        new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC),
    };

    private EvidenceCharts() {
    }

    /**
     * Bars: one group per category, one bar per series in it. A log axis leaves out values at or
     * below zero (it cannot draw them).
     */
    static void bars(Path file, String title, String yTitle, boolean logY, List<String> categories,
                     Map<String, List<Double>> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT).title(title)
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setLabelsVisible(series.size() == 1);
        chart.getStyler().setXAxisLabelRotation(categories.size() > 4 ? 20 : 0);
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        if (logY) {
            // bars start at the axis minimum, which a log axis must be given above zero: whole decades around the data
            double[] positive = series.values().stream().flatMap(List::stream).filter(v -> v != null && v > 0)
                    .mapToDouble(Double::doubleValue).toArray();
            double low = positive.length == 0 ? 0 : Math.floor(Math.log10(Arrays.stream(positive).min().orElseThrow()));
            double high = positive.length == 0 ? 1
                    : Math.max(low + 1, Math.ceil(Math.log10(Arrays.stream(positive).max().orElseThrow())));
            chart.getStyler().setYAxisMin(Math.pow(10, low));
            chart.getStyler().setYAxisMax(Math.pow(10, high));
        }
        int colour = 0;
        for (Map.Entry<String, List<Double>> s : series.entrySet()) {
            List<Double> ys = s.getValue().stream().map(v -> logY && !(v > 0) ? null : v).toList();
            chart.addSeries(s.getKey(), categories, ys).setFillColor(PALETTE[colour++ % PALETTE.length]);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Lines: a figure against a count, one line per series ({@code x} values, then {@code y}). */
    static void lines(Path file, String title, String xTitle, String yTitle, Map<String, double[][]> series)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("#,##0.#");
        int colour = 0;
        for (Map.Entry<String, double[][]> s : series.entrySet()) {
            XYSeries line = chart.addSeries(s.getKey(), s.getValue()[0], s.getValue()[1]);
            Color c = PALETTE[colour++ % PALETTE.length];
            line.setMarker(SeriesMarkers.CIRCLE);
            line.setLineColor(c);
            line.setMarkerColor(c);
            line.setLineStyle(new BasicStroke(2.5f));
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
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
}
