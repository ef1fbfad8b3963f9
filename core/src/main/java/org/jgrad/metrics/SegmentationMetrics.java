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
 * <p>Thread-safe: {@code update}, {@code compute}, {@code merge} and {@code reset} lock the
 * accumulator, so batches counted from several threads are all counted (the counts are sums).
 */
public final class SegmentationMetrics implements Metric<SegmentationScores> {
    private static final List<BinaryScoreSpec.Metric> ORDER = List.of(BinaryScoreSpec.Metric.FSCORE, BinaryScoreSpec.Metric.IOU,
            BinaryScoreSpec.Metric.ACCURACY, BinaryScoreSpec.Metric.PRECISION, BinaryScoreSpec.Metric.RECALL,
            BinaryScoreSpec.Metric.PREVALENCE, BinaryScoreSpec.Metric.PREDICTED_RATE);

    private final BinaryStatsSpec spec;
    private Style style = Style.SMP;
    private double eps = 0;
    private double zeroDivision = Scores.SMP_ZERO_DIVISION;
    private Reduction reduction = Reduction.MICRO;
    private double[] classWeights;
    private boolean microZeroDivision;

    private Tensor counts; // INT64 [groups, 4] on the inputs' device
    private int channels = -1;

    public SegmentationMetrics(BinaryStatsSpec spec) {
        MetricChecks.notNull(spec, "spec");
        if (spec.grouping() == Grouping.PER_IMAGE || spec.grouping() == Grouping.PER_IMAGE_CHANNEL) {
            throw new IllegalArgumentException("SegmentationMetrics accumulates WHOLE or PER_CHANNEL counts across batches, got "
                    + spec.grouping() + "; per-image scores: BinaryStats.stats(...) on the whole set with Scores.smp(...)");
        }
        this.spec = spec;
    }

    /** Sigmoid of logits, positive when {@code sigmoid(x) >= 0.5} (smp's {@code get_stats} rule). */
    public SegmentationMetrics() { this(BinaryStatsSpec.logits().withRule(BinaryStatsSpec.Rule.GREATER_EQUAL)); }

    public BinaryStatsSpec spec() { return spec; }

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

    public Device device() { return counts == null ? null : counts.device(); }

    @Override
    public synchronized void update(Tensor preds, Tensor targets) {
        BinaryStats.check(preds, targets, spec);
        int c = BinaryStatsSpec.channels(preds.shape());
        int groups = spec.groups(preds.shape());
        if (counts == null) {
            counts = Scope.escape(Tensor.zeros(DType.INT64, preds.device(), groups, 4));
            channels = c;
        } else {
            if (!counts.device().equals(preds.device())) {
                throw new IllegalArgumentException("this SegmentationMetrics holds its state on " + counts.device() + " but the batch is on "
                        + preds.device() + "; use one accumulator per device and merge() them");
            }
            if (spec.grouping() == Grouping.PER_CHANNEL && c != channels) {
                throw new IllegalArgumentException("preds have " + c + " channels (shape " + Arrays.toString(preds.shape())
                        + ") but earlier batches had " + channels);
            }
        }
        BinaryStats.accumulate(preds, targets, spec, counts);
    }

    private BinaryScoreSpec scoreSpec(int classes) {
        return new BinaryScoreSpec(ORDER, style, reduction, 1, classes, eps, zeroDivision, 1.0, classWeights, microZeroDivision);
    }

    /** The scores of everything seen since the last reset; copies seven doubles. Before any update all counts are zero. */
    @Override
    public synchronized SegmentationScores compute() {
        Tensor c = counts != null ? counts : Tensor.zeros(DType.INT64, Device.cpu(), 1, 4);
        try {
            double[] v = BinaryStats.scores(c, scoreSpec(c.size(0)));
            if (counts == null || noPixels(counts.toLongArray())) {
                return new SegmentationScores(v[0], v[1], v[2], v[3], v[4], Double.NaN, Double.NaN, spec.decision());
            }
            return new SegmentationScores(v[0], v[1], v[2], v[3], v[4], v[5], v[6], spec.decision());
        } finally {
            if (c != counts) c.close();
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
    public synchronized long[] counts() {
        return counts == null ? new long[4] : counts.toLongArray();
    }

    @Override
    public synchronized void reset() {
        if (counts != null) {
            counts.close();
            counts = null;
            channels = -1;
        }
    }

    @Override
    public void merge(Metric<SegmentationScores> other) {
        if (!(other instanceof SegmentationMetrics o)) {
            throw new IllegalArgumentException("can only merge another SegmentationMetrics, got " + (other == null ? "null" : other.getClass().getSimpleName()));
        }
        if (o == this) throw new IllegalArgumentException("cannot merge a SegmentationMetrics into itself");
        if (!o.spec.equals(spec)) throw new IllegalArgumentException("cannot merge SegmentationMetrics with spec " + o.spec + " into one with " + spec);
        // copy the other's counts under its lock, add them under ours: never both locks at once
        Tensor oc;
        int oChannels;
        synchronized (o) {
            if (o.counts == null) return;
            oc = Scope.escape(o.counts.contiguousCopy());
            oChannels = o.channels;
        }
        try {
            synchronized (this) {
                if (counts == null) {
                    counts = Scope.escape(Tensor.zeros(DType.INT64, oc.device(), oc.size(0), 4));
                    channels = oChannels;
                } else if (!counts.device().equals(oc.device())) {
                    throw new IllegalArgumentException("cannot merge state on " + oc.device() + " into state on " + counts.device()
                            + "; compute() each, or move one");
                } else if (counts.size(0) != oc.size(0)) {
                    throw new IllegalArgumentException("cannot merge " + oc.size(0) + " counter rows into " + counts.size(0) + " (different channel counts)");
                }
                counts.add_(oc);
            }
        } finally {
            oc.close();
        }
    }
}
