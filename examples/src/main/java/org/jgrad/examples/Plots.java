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
 * PNG charts drawn with XChart: loss and learning rate per epoch, the confusion matrix as a heat
 * map. Each file is rendered in memory and written atomically, so a crash leaves the previous
 * picture, never half of one.
 */
final class Plots {
    static {
        System.setProperty("java.awt.headless", "true"); // servers and CI have no display
    }

    private Plots() {}

    /** loss.png: train and validation loss per epoch (epochs counted from 1). */
    static void loss(Path file, List<Double> train, List<Double> val) throws IOException {
        XYChart c = new XYChartBuilder().width(640).height(420).title("Loss per epoch").xAxisTitle("epoch").yAxisTitle("loss").build();
        style(c);
        if (!train.isEmpty()) c.addSeries("train", epochs(train.size()), train).setMarker(SeriesMarkers.CIRCLE);
        if (!val.isEmpty()) c.addSeries("validation", epochs(val.size()), val).setMarker(SeriesMarkers.DIAMOND);
        save(c, file);
    }

    /** lr.png: the learning rate used in each epoch. */
    static void lr(Path file, List<Double> lr) throws IOException {
        XYChart c = new XYChartBuilder().width(640).height(420).title("Learning rate per epoch").xAxisTitle("epoch").yAxisTitle("lr").build();
        style(c);
        c.getStyler().setLegendVisible(false);
        if (!lr.isEmpty()) c.addSeries("lr", epochs(lr.size()), lr).setMarker(SeriesMarkers.CIRCLE);
        save(c, file);
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
    }

    static <T extends Chart<?, ?>> void save(T chart, Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(chart, bytes, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, bytes.toByteArray());
    }
}
