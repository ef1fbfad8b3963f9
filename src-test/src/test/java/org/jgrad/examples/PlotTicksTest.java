package org.jgrad.examples;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tick labels as people write numbers: a leading zero, rounded, epochs as whole numbers. */
class PlotTicksTest {
    @Test
    void tickLabelsReadWell() {
        assertEquals("0.5", Plots.tickLabel(0.5000001));
        assertEquals("0.5", Plots.tickLabel(0.49999997));
        assertEquals("0.3", Plots.tickLabel(0.1 * 3));
        assertEquals("0.05", Plots.tickLabel(0.05));
        assertEquals("0.0375", Plots.tickLabel(0.037500000000000006));
        assertEquals("0.0125", Plots.tickLabel(0.012500000000000008));
        assertEquals("-0.2", Plots.tickLabel(-0.2));
        assertEquals("0", Plots.tickLabel(0));
        assertEquals("0", Plots.tickLabel(-1e-17));
        assertEquals("1", Plots.tickLabel(1.0));
        assertEquals("2.5", Plots.tickLabel(2.5));
        assertEquals("150", Plots.tickLabel(150.00000001));
        assertEquals("1e-05", Plots.tickLabel(1e-5));
        assertEquals("2.5e-04", Plots.tickLabel(0.00025000000000000006));
        assertEquals("1.235e+06", Plots.tickLabel(1234567));
        assertEquals("1e+07", Plots.tickLabel(9999999.7));
    }

    /** The labels XChart draws on an axis, read after rendering (its tick calculator is not public API). */
    private static List<String> drawnLabels(XYChart chart, boolean yAxis) throws Exception {
        BitmapEncoder.getBufferedImage(chart);
        Field pairField = org.knowm.xchart.internal.chartpart.Chart.class.getDeclaredField("axisPair");
        pairField.setAccessible(true);
        Object pair = pairField.get(chart);
        Method get = pair.getClass().getDeclaredMethod(yAxis ? "getYAxis" : "getXAxis");
        get.setAccessible(true);
        Object axis = get.invoke(pair);
        Method calc = axis.getClass().getMethod("getAxisTickCalculator");
        Object calculator = calc.invoke(axis);
        Method labels = calculator.getClass().getMethod("getTickLabels");
        labels.setAccessible(true);
        @SuppressWarnings("unchecked")
        List<String> r = new ArrayList<>((List<String>) labels.invoke(calculator));
        r.removeIf(String::isEmpty);
        return r;
    }

    private static void assertReadable(List<String> labels, String what) {
        assertTrue(labels.size() >= 2, what + ": " + labels);
        for (String l : labels) {
            assertTrue(l.matches("-?(0|[1-9]\\d*)(\\.\\d*[1-9])?(e[+-]\\d\\d)?"), what + ": label '" + l + "' of " + labels);
            assertTrue(l.replaceAll("[^0-9]", "").replaceFirst("^0+", "").length() <= 6, what + ": too many digits in '" + l + "'");
        }
        assertEquals(labels.size(), new HashSet<>(labels).size(), what + ": repeated labels " + labels);
    }

    @Test
    void theChartsDrawReadableTicks() throws Exception {
        // float32 scores and losses as the history holds them (widened to double), and a cosine lr
        List<Double> acc = List.of((double) 0.55f, (double) 0.72f, (double) 0.7500001f, (double) 0.8125f);
        List<Double> loss = List.of((double) 1.9784657f, (double) 1.0390449f, (double) 0.75094104f);
        List<Double> lr = List.of(0.05, 0.037500000000000006, 0.012500000000000008, 1.2e-18);
        List<Double> tiny = List.of(3e-4, 2.0000000000000003e-4, 1.0000000000000002e-4);
        assertReadable(drawnLabels(Plots.scoreChart("Accuracy", acc, acc), true), "accuracy y");
        assertReadable(drawnLabels(Plots.lossChart(loss, loss), true), "loss y");
        assertReadable(drawnLabels(Plots.lrChart(lr), true), "lr y");
        assertReadable(drawnLabels(Plots.lrChart(tiny), true), "small lr y");
        for (int n = 1; n <= 12; n++) {
            List<Double> series = new ArrayList<>();
            for (int i = 0; i < n; i++) series.add(1.0 / (i + 1));
            List<String> x = drawnLabels(Plots.lossChart(series, series), false);
            assertReadable(n == 1 ? List.of("1", "2") : x, n + " epochs, x axis");
            for (String l : x) assertTrue(l.matches("\\d+"), n + " epochs: x label '" + l + "' is not a whole epoch: " + x);
        }
    }
}
