package org.jgrad.cuda.metrics;

import org.jgrad.backend.BinaryScoreSpec;
import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.ConfusionScoreSpec;
import org.jgrad.backend.MetricMath;
import org.jgrad.tensor.Tensor;

import java.util.List;

/**
 * The CUDA implementation of the metric primitives (org.jgrad.backend.MetricPrimitives); the
 * CUDA backend delegates its five metric methods here. Counts stay on the device; scores are
 * computed by the score kernels into a scratch buffer and the requested values copied device to
 * device into {@code out}, so the only host transfer is the caller's final read of {@code out}.
 * Cohen's kappa (and any binary score added to the enum after the nine the kernels know) has no
 * kernel and falls back to copying the counts to the host and running {@link MetricMath} there.
 */
public final class CudaMetrics {
    /** Doubles in front of the per-class regions of confusion_scores' output. */
    static final int CONF_HEADER = 16;
    /** Scores per counts row written by seg_scores (BinaryScoreSpec.Metric order). */
    static final int SEG_METRICS = 9;

    private final MetricDevice dev;

    public CudaMetrics(MetricDevice dev) {
        this.dev = dev;
    }

    public void binaryStats(Tensor preds, Tensor targets, BinaryStatsSpec spec, Tensor counts) {
        Tensor p = preds, t = targets;
        List<Launch> plan = plan(p, t, spec, counts);
        try {
            if (plan == null) {
                p = dev.contiguous(preds);
                t = dev.contiguous(targets);
                plan = plan(p, t, spec, counts);
            }
            for (Launch l : plan) l.run(dev.launcher());
        } finally {
            if (p != preds) p.close();
            if (t != targets) t.close();
        }
    }

    private List<Launch> plan(Tensor p, Tensor t, BinaryStatsSpec spec, Tensor counts) {
        return SegStatsPlan.plan(p.shape(), p.strides(), dev.address(p), t.strides(), dev.address(t), t.dtype(), spec,
                dev.address(counts), dev.multiprocessors());
    }

    public void confusionFromLogits(Tensor logits, Tensor targets, long ignoreIndex, Tensor hist, Tensor bad) {
        Tensor l = logits, t = targets;
        try {
            Launch plan = ConfusionPlan.logits(l.shape(), l.strides(), dev.address(l), t.strides(), dev.address(t), t.dtype(),
                    ignoreIndex, dev.address(hist), dev.address(bad), dev.multiprocessors());
            if (plan == null) {
                l = dev.contiguous(logits);
                t = dev.contiguous(targets);
                plan = ConfusionPlan.logits(l.shape(), l.strides(), dev.address(l), t.strides(), dev.address(t), t.dtype(),
                        ignoreIndex, dev.address(hist), dev.address(bad), dev.multiprocessors());
            }
            plan.run(dev.launcher());
        } finally {
            if (l != logits) l.close();
            if (t != targets) t.close();
        }
    }

    public void confusionFromLabels(Tensor preds, Tensor targets, long ignoreIndex, Tensor hist, Tensor bad) {
        Tensor p = preds, t = targets;
        int c = hist.size(0);
        try {
            Launch plan = ConfusionPlan.labels(p.shape(), p.strides(), dev.address(p), p.dtype(), t.strides(), dev.address(t),
                    t.dtype(), c, ignoreIndex, dev.address(hist), dev.address(bad), dev.multiprocessors());
            if (plan == null) {
                p = dev.contiguous(preds);
                t = dev.contiguous(targets);
                plan = ConfusionPlan.labels(p.shape(), p.strides(), dev.address(p), p.dtype(), t.strides(), dev.address(t),
                        t.dtype(), c, ignoreIndex, dev.address(hist), dev.address(bad), dev.multiprocessors());
            }
            plan.run(dev.launcher());
        } finally {
            if (p != preds) p.close();
            if (t != targets) t.close();
        }
    }

    public void binaryScores(Tensor counts, BinaryScoreSpec spec, Tensor out) {
        BinaryScoreSpec.Reduction r = spec.reduction();
        if (!binaryScoresOnDevice(spec)) {
            dev.upload(MetricMath.binaryScores(counts.toLongArray(), spec), out);
            return;
        }
        boolean smp = spec.style() == BinaryScoreSpec.Style.SMP;
        double eps = smp ? 0.0 : spec.eps();
        long rows = spec.rows();
        long o = dev.address(out);
        if (r == BinaryScoreSpec.Reduction.MICRO || r == BinaryScoreSpec.Reduction.NONE) {
            long stride = rows + 1;
            long scratch = dev.scratch(SEG_METRICS * stride * 8);
            int blocks = (int) Grid.ceilDiv(stride, Grid.THREADS);
            dev.launcher().launch("seg_stats", "seg_scores", blocks, Grid.THREADS, 0, dev.address(counts), rows, scratch,
                    eps, spec.beta(), spec.zeroDivision(), smp ? 1 : 0);
            for (BinaryScoreSpec.Metric m : spec.metrics()) {
                long src = scratch + m.ordinal() * stride * 8;
                if (r == BinaryScoreSpec.Reduction.MICRO) {
                    dev.copyDeviceToDevice(o, src + rows * 8, 8);
                    o += 8;
                } else {
                    dev.copyDeviceToDevice(o, src, rows * 8);
                    o += rows * 8;
                }
            }
            return;
        }
        // the folding reductions: one thread in MetricMath's order; weights, when used, go up first
        double[] w = spec.classWeights();
        double wsum = 0;
        if (w != null) for (double x : w) wsum += x; // the same sequential sum as MetricMath
        long scratch = dev.scratch(8L * (SEG_METRICS + (w == null ? 0 : w.length)));
        long weights = scratch + 8L * SEG_METRICS;
        if (w != null) dev.copyHostToDevice(w, weights);
        int mode = switch (r) {
            case MACRO -> 0;
            case WEIGHTED -> 1;
            case MICRO_IMAGEWISE -> 2;
            case MACRO_IMAGEWISE -> 3;
            case WEIGHTED_IMAGEWISE -> 4;
            default -> throw new IllegalStateException("reduction " + r);
        };
        dev.launcher().launch("seg_stats", "seg_scores_reduce", 1, 32, 0, dev.address(counts), (long) spec.images(),
                (long) spec.classes(), scratch, w == null ? 0L : weights, wsum, mode, eps, spec.beta(), spec.zeroDivision(), smp ? 1 : 0);
        for (BinaryScoreSpec.Metric m : spec.metrics()) {
            dev.copyDeviceToDevice(o, scratch + 8L * m.ordinal(), 8);
            o += 8;
        }
    }

    public void confusionScores(Tensor hist, ConfusionScoreSpec spec, Tensor out) {
        int c = hist.size(0);
        if (spec.metrics().contains(ConfusionScoreSpec.Metric.KAPPA)) {
            dev.upload(MetricMath.confusionScores(hist.toLongArray(), c, spec), out);
            return;
        }
        long scratch = dev.scratch((CONF_HEADER + 7L * c) * 8);
        dev.launcher().launch("confusion", "confusion_scores", 1, Grid.THREADS, 0, dev.address(hist), c, scratch,
                spec.zeroDivision(), spec.beta(), spec.absent() == ConfusionScoreSpec.Absent.EXCLUDE ? 1 : 0);
        long o = dev.address(out);
        for (ConfusionScoreSpec.Metric m : spec.metrics()) {
            int width = spec.width(m, c);
            long src = scratch + 8L * confusionSlot(m, spec.average(), c);
            dev.copyDeviceToDevice(o, src, 8L * width);
            o += 8L * width;
        }
    }

    /** Index of a requested score in confusion_scores' output (see the kernel's comment). */
    static int confusionSlot(ConfusionScoreSpec.Metric m, ConfusionScoreSpec.Average avg, int c) {
        int k = switch (m) {
            case ACCURACY -> -1;
            case BALANCED_ACCURACY -> -2;
            case MEAN_IOU -> -3;
            case PRECISION -> 0;
            case RECALL -> 1;
            case FSCORE -> 2;
            case IOU -> 3;
            case KAPPA -> throw new IllegalArgumentException("KAPPA has no device kernel");
        };
        if (k == -1) return 0;
        if (k == -2) return 1;
        if (k == -3) return 2 + 3; // MACRO IoU
        return switch (avg) {
            case MACRO -> 2 + k;
            case WEIGHTED -> 6 + k;
            case MICRO -> 10 + k;
            case NONE -> CONF_HEADER + (3 + k) * c;
        };
    }

    /** Whether binaryScores runs on the device for this spec (else counts are copied to the host): every reduction, the nine known scores. */
    public static boolean binaryScoresOnDevice(BinaryScoreSpec spec) {
        for (BinaryScoreSpec.Metric m : spec.metrics()) if (m.ordinal() >= SEG_METRICS) return false; // a score the kernels do not know
        return true;
    }

}
