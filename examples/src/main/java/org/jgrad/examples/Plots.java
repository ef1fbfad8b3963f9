package org.jgrad.examples;

import org.jgrad.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PNG charts drawn with XChart: loss, learning rate and the validation score per epoch, the confusion matrix as a heat
 * map. Each file is rendered in memory and written atomically, so a crash leaves the previous
 * picture, never half of one.
 */
final class Plots {
    static {
        System.setProperty("java.awt.headless", "true"); // servers and CI have no display
    }

    private Plots() {}

    /** loss.png: train and validation loss per epoch (epochs counted from 1). */
    static void loss(Path file, List<Double> train, List<Double> val) throws IOException { save(lossChart(train, val), file); }

    static XYChart lossChart(List<Double> train, List<Double> val) {
        XYChart c = new XYChartBuilder().width(640).height(420).title("Loss per epoch").xAxisTitle("epoch").yAxisTitle("loss").build();
        style(c);
        if (!train.isEmpty()) c.addSeries("train", epochs(train.size()), train).setMarker(SeriesMarkers.CIRCLE);
        if (!val.isEmpty()) c.addSeries("validation", epochs(val.size()), val).setMarker(SeriesMarkers.DIAMOND);
        return c;
    }

    /** lr.png: the learning rate used in each epoch. */
    static void lr(Path file, List<Double> lr) throws IOException { save(lrChart(lr), file); }

    static XYChart lrChart(List<Double> lr) {
        XYChart c = new XYChartBuilder().width(640).height(420).title("Learning rate per epoch").xAxisTitle("epoch").yAxisTitle("lr").build();
        style(c);
        c.getStyler().setLegendVisible(false);
        if (!lr.isEmpty()) c.addSeries("lr", epochs(lr.size()), lr).setMarker(SeriesMarkers.CIRCLE);
        return c;
    }

    /** accuracy.png or dice.png: a validation score (and the training one) per epoch, on a 0 to 1 axis. */
    static void score(Path file, String name, List<Double> train, List<Double> val) throws IOException {
        save(scoreChart(name, train, val), file);
    }

    static XYChart scoreChart(String name, List<Double> train, List<Double> val) {
        XYChart c = new XYChartBuilder().width(640).height(420).title(name + " per epoch").xAxisTitle("epoch").yAxisTitle(name).build();
        style(c);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        if (!train.isEmpty()) c.addSeries("train", epochs(train.size()), finite(train)).setMarker(SeriesMarkers.CIRCLE);
        if (!val.isEmpty()) c.addSeries("validation", epochs(val.size()), finite(val)).setMarker(SeriesMarkers.DIAMOND);
        return c;
    }

    /** NaN (a score with nothing to score) is drawn as 0 rather than breaking the chart's range. */
    private static List<Double> finite(List<Double> v) {
        return v.stream().map(d -> Double.isFinite(d) ? d : 0.0).toList();
    }

    /**
     * A tick label that reads as people write numbers: a leading zero ("0.5", not ".5"), the
     * binary noise of the tick arithmetic rounded away ("0.3", not "0.30000000000000004" or
     * ".5000001"), no trailing zeros, and powers of ten for very small or large values ("1e-05").
     */
    static String tickLabel(double v) {
        if (!Double.isFinite(v)) return Double.toString(v);
        if (Math.abs(v) < 1e-12) return "0";
        double a = Math.abs(v);
        if (a < 1e-3 || a >= 1e6) {
            int exp = (int) Math.floor(Math.log10(a));
            java.math.BigDecimal mant = new java.math.BigDecimal(v).movePointLeft(exp).round(new java.math.MathContext(4));
            if (mant.abs().compareTo(java.math.BigDecimal.TEN) >= 0) {
                mant = mant.movePointLeft(1);
                exp++;
            }
            return mant.stripTrailingZeros().toPlainString() + "e" + (exp < 0 ? "-" : "+") + String.format(java.util.Locale.ROOT, "%02d", Math.abs(exp));
        }
        // six significant digits hide the float noise of tick steps (0.1 * 3) and of float32 values
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** confusion_matrix.png: counts[true][predicted] as a heat map, true classes down, predicted across. */
    static void confusion(Path file, long[][] counts, String[] classes) throws IOException {
        int n = counts.length;
        HeatMapChart c = new HeatMapChartBuilder().width(760).height(640).title("Confusion matrix (rows: true, columns: predicted)")
                .xAxisTitle("predicted").yAxisTitle("true").build();
        c.getStyler().setShowValue(true);
        c.getStyler().setPlotContentSize(1);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setRangeColors(new Color[] {new Color(0xF7FBFF), new Color(0x6BAED6), new Color(0x08306B)});
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setXAxisLabelRotation(45);
        List<String> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int i = 0; i < n; i++) xs.add(classes[i]);
        // The y axis grows upwards; list the true classes reversed so class 0 is the top row, as printed.
        for (int i = n - 1; i >= 0; i--) ys.add(classes[i]);
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) cells.add(new Number[] {p, n - 1 - t, counts[t][p]});
        }
        c.addSeries("count", xs, ys, cells);
        save(c, file);
    }

    private static List<Integer> epochs(int n) {
        List<Integer> r = new ArrayList<>();
        for (int i = 1; i <= n; i++) r.add(i);
        return r;
    }

    private static void style(XYChart c) {
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setXAxisDecimalPattern("0");
        c.getStyler().setyAxisTickLabelsFormattingFunction(Plots::tickLabel);
    }

    static <T extends Chart<?, ?>> void save(T chart, Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(chart, bytes, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, bytes.toByteArray());
    }
}
