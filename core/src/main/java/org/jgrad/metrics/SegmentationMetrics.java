package org.jgrad.metrics;

import org.jgrad.metrics.BinaryScoreSpec.Reduction;
import org.jgrad.metrics.BinaryScoreSpec.Style;
import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.BinaryStatsSpec.Grouping;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Accumulates binary (or multilabel) segmentation statistics — tp, fp, fn, tn as 64-bit counters
 * on the inputs' device — and derives Dice, IoU, pixel accuracy, precision and recall from that
 * one state.
 * <pre>{@code
 * var seg = new SegmentationMetrics();     // sigmoid(x) >= 0.5, as smp's get_stats
 * for (Batch b : loader) seg.update(model.forward(b.x()), b.y());
 * System.out.print(seg.compute().report());
 * }</pre>
 *
 * <p>Defaults mirror smp 0.3.x's {@code metrics} module: {@code get_stats}'s rule
 * {@code sigmoid(x) >= 0.5} (the no-argument constructor; a given spec keeps its own rule), the
 * MICRO reduction, and zero_division 1 for the other reductions. As in smp, a MICRO score whose
 * counts give 0/0 (say Dice when neither targets nor predictions have a positive pixel) is NaN;
 * {@link #microZeroDivision(boolean)} substitutes zero_division there instead. {@link #legacy(double)}
 * switches to smp's legacy eps smoothing. With {@link Grouping#PER_CHANNEL} (multilabel) the
 * reductions MICRO, MACRO and WEIGHTED pool or average the channels. Per-image groupings are
 * not accumulated across batches (the imagewise reductions are not sums); use
 * {@link BinaryStats#stats} with {@link Scores#smp} on a whole set for those.
 *
 * <p>With no pixels counted (no update, or every pixel ignored) the scores follow the same
 * zero-division rule as any 0/0 (smp's zero_division, as {@link ConfusionMatrix} does with
 * its own), while {@code foreground} and {@code predictedForeground} are NaN: there is no share
 * of nothing, and the report says "no pixels".
 *
 * <p>State (declared, see {@link StatefulMetric}): the INT64 counters {@code [rows, 4]}, SUM;
 * merge and sync add them. In a {@link MetricCollection}, SegmentationMetrics and
 * {@link BinaryScore}s with equal specs share one counting pass, whatever their scoring options.
 *
 * <p>Thread-safe: {@code update}, {@code compute}, {@code merge} and {@code reset} lock the
 * accumulator, so batches counted from several threads are all counted (the counts are sums).
 */
public final class SegmentationMetrics extends BinaryCountingMetric<SegmentationScores> {
    private static final List<BinaryScoreSpec.Metric> ORDER = List.of(BinaryScoreSpec.Metric.FSCORE, BinaryScoreSpec.Metric.IOU,
            BinaryScoreSpec.Metric.ACCURACY, BinaryScoreSpec.Metric.PRECISION, BinaryScoreSpec.Metric.RECALL,
            BinaryScoreSpec.Metric.PREVALENCE, BinaryScoreSpec.Metric.PREDICTED_RATE);

    private Style style = Style.SMP;
    private double eps = 0;
    private double zeroDivision = Scores.SMP_ZERO_DIVISION;
    private Reduction reduction = Reduction.MICRO;
    private double[] classWeights;
    private boolean microZeroDivision;

    public SegmentationMetrics(BinaryStatsSpec spec) {
        super(spec, "SegmentationMetrics");
    }

    /** Sigmoid of logits, positive when {@code sigmoid(x) >= 0.5} (smp's {@code get_stats} rule). */
    public SegmentationMetrics() { this(BinaryStatsSpec.logits().withRule(BinaryStatsSpec.Rule.GREATER_EQUAL)); }

    /** smp legacy scoring: eps added to numerator and denominator (smp's default 1e-7). */
    public SegmentationMetrics legacy(double eps) {
        if (!(eps >= 0)) throw new IllegalArgumentException("eps must be >= 0, got " + eps);
        this.style = Style.LEGACY;
        this.eps = eps;
        return this;
    }

    /** smp metrics scoring: a 0/0 score becomes {@code zeroDivision} (NaN allowed, as in smp). */
    public SegmentationMetrics zeroDivision(double zd) {
        this.style = Style.SMP;
        this.zeroDivision = zd;
        return this;
    }

    /**
     * MICRO only, SMP style: replace a 0/0 score by zero_division (true) or leave it NaN as smp
     * does (false, the default).
     */
    public SegmentationMetrics microZeroDivision(boolean substitute) {
        this.microZeroDivision = substitute;
        return this;
    }

    /**
     * MICRO (default), MACRO or WEIGHTED (then classWeights are required, as in smp); MACRO with
     * classWeights is smp's {@code Σ w_c s_c / (C Σw)}, WEIGHTED {@code Σ w_c s_c / Σw}.
     */
    public SegmentationMetrics reduction(Reduction r, double... classWeights) {
        MetricChecks.notNull(r, "reduction");
        if (r != Reduction.MICRO && r != Reduction.MACRO && r != Reduction.WEIGHTED) {
            throw new IllegalArgumentException("reduction must be MICRO, MACRO or WEIGHTED for an accumulator, got " + r);
        }
        this.reduction = r;
        this.classWeights = classWeights == null || classWeights.length == 0 ? null : classWeights.clone();
        return this;
    }

    private BinaryScoreSpec scoreSpec(int classes) {
        return new BinaryScoreSpec(ORDER, style, reduction, 1, classes, eps, zeroDivision, 1.0, classWeights, microZeroDivision);
    }

    /** The scores of everything seen since the last reset; copies seven doubles. Before any update all counts are zero. */
    @Override
    protected SegmentationScores result() {
        Tensor c = counters();
        try {
            ScoreValues<BinaryScoreSpec.Metric> v = BinaryStats.score(c, scoreSpec(c.size(0)));
            boolean none = !isState(c) || noPixels(c.toLongArray());
            return new SegmentationScores(v.get(BinaryScoreSpec.Metric.FSCORE), v.get(BinaryScoreSpec.Metric.IOU),
                    v.get(BinaryScoreSpec.Metric.ACCURACY), v.get(BinaryScoreSpec.Metric.PRECISION), v.get(BinaryScoreSpec.Metric.RECALL),
                    none ? Double.NaN : v.get(BinaryScoreSpec.Metric.PREVALENCE),
                    none ? Double.NaN : v.get(BinaryScoreSpec.Metric.PREDICTED_RATE), spec.decision());
        } finally {
            if (!isState(c)) c.close();
        }
    }

    private static boolean noPixels(long[] tpFpFnTn) {
        for (long n : tpFpFnTn) if (n != 0) return false;
        return true;
    }

    /** The decision rule and the scoring, e.g. {@code SegmentationMetrics[positive: sigmoid(x) >= 0.5, SMP MICRO zero_division=1.0 (NaN for MICRO 0/0)]}. */
    @Override
    public String toString() {
        String scoring = style == Style.LEGACY ? "LEGACY eps=" + eps + " " + reduction
                : "SMP " + reduction + " zero_division=" + zeroDivision
                  + (reduction == Reduction.MICRO ? (microZeroDivision ? " (also for MICRO 0/0)" : " (NaN for MICRO 0/0, as smp)") : "");
        return "SegmentationMetrics[positive: " + spec.decision() + ", grouping=" + spec.grouping() + ", " + scoring
                + (classWeights == null ? "" : ", classWeights=" + Arrays.toString(classWeights)) + "]";
    }

    /** Equivalent to {@code compute().report()}. */
    public String report() { return compute().report(); }

    /** The raw counters [groups, 4] (tp, fp, fn, tn), copied to the host; zeros before any update. */
    public long[] counts() {
        synchronized (stateLock()) {
            return hasState() ? state(COUNTS).toLongArray() : new long[4];
        }
    }
}
