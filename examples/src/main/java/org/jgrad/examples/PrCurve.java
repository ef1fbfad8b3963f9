package org.jgrad.examples;

import org.jgrad.autograd.Grad;
import org.jgrad.data.Batch;
import org.jgrad.data.DataLoader;
import org.jgrad.metrics.AveragePrecision;
import org.jgrad.metrics.Auroc;
import org.jgrad.metrics.MetricCollection;
import org.jgrad.metrics.PrecisionRecallCurve;
import org.jgrad.metrics.RankingSpec;
import org.jgrad.nn.Module;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * pr_curve.png for the segmentation task: every validation pixel's foreground probability
 * (sigmoid of the logit) ranked against its mask with the binned {@link AveragePrecision} and
 * {@link Auroc} (one shared count table on the device, {@value #THRESHOLDS} thresholds in [0, 1]);
 * only the curve and the two scores are copied to the host.
 */
final class PrCurve {
    static final int THRESHOLDS = 101;
    static final String FILE = "pr_curve.png";

    /** The scores drawn in the title (and recorded in metrics.json). */
    record Scores(double averagePrecision, double auroc) {}

    private PrCurve() {}

    /** One evaluation pass of {@code model} over {@code val}; writes the picture to {@code file}. */
    static Scores write(Path file, Module model, DataLoader<?> val) throws IOException {
        RankingSpec spec = RankingSpec.binary().withThresholds(THRESHOLDS);
        try (AveragePrecision ap = new AveragePrecision(spec); Auroc auroc = new Auroc(spec)) {
            MetricCollection both = new MetricCollection().add("ap", ap).add("auroc", auroc); // one count table for both
            model.eval();
            try (var off = Grad.off(); DataLoader.Epoch batches = val.epoch(0)) {
                for (Batch b : batches) {
                    try (b; Scope s = Scope.open()) {
                        both.update(model.forward(b.inputs()).sigmoid(), b.targets().to(DType.INT64));
                    }
                }
            }
            Scores scores = new Scores(ap.compute().value(), auroc.compute().value());
            PrecisionRecallCurve curve = ap.precisionRecallCurve(0);
            Plots.save(chart(curve, scores), file);
            return scores;
        }
    }

    static XYChart chart(PrecisionRecallCurve curve, Scores s) {
        XYChart c = new XYChartBuilder().width(640).height(560)
                .title(String.format(Locale.ROOT, "Precision-recall, validation pixels: AP %.4f, AUROC %.4f", s.averagePrecision(), s.auroc()))
                .xAxisTitle("recall").yAxisTitle("precision").build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendVisible(false);
        c.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        c.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.addSeries("precision", curve.recall(), curve.precision()).setMarker(SeriesMarkers.NONE);
        return c;
    }
}
