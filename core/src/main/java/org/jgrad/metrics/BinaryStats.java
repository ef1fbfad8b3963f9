package org.jgrad.metrics;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * Binary (and multilabel) segmentation statistics, like {@code smp.metrics.get_stats}: true
 * positives, false positives, false negatives and true negatives, counted in one pass over the
 * predictions and targets, on their device.
 * <pre>{@code
 * Tensor counts = BinaryStats.stats(logits, masks, BinaryStatsSpec.logits());     // INT64 [1, 4]
 * double dice = BinaryStats.scores(counts, Scores.smp(1, 1, Reduction.MICRO, FSCORE))[0];
 * }</pre>
 * Counts are INT64 tensors {@code [groups, 4]} with columns tp, fp, fn, tn (see
 * {@link BinaryStatsSpec} for thresholds, sigmoid, grouping and ignore rules).
 */
public final class BinaryStats {
    private BinaryStats() {}

    /** Fresh counts for one batch, on the inputs' device. */
    public static Tensor stats(Tensor preds, Tensor targets, BinaryStatsSpec spec) {
        check(preds, targets, spec);
        Tensor counts = Tensor.zeros(DType.INT64, preds.device(), spec.groups(preds.shape()), 4);
        run(preds, targets, spec, counts);
        return counts;
    }

    /**
     * Adds one batch's counts into {@code counts} (INT64 {@code [groups, 4]} on the inputs' device).
     * Safe to call from several threads with one {@code counts}: the accumulation holds that
     * tensor's lock, so no count is lost.
     */
    public static void accumulate(Tensor preds, Tensor targets, BinaryStatsSpec spec, Tensor counts) {
        check(preds, targets, spec);
        MetricChecks.open(counts, "counts");
        MetricChecks.sameDevice(preds, "preds", counts, "counts");
        int groups = spec.groups(preds.shape());
        if (counts.dtype() != DType.INT64 || !Arrays.equals(counts.shape(), new int[]{groups, 4}) || !counts.isContiguous()) {
            throw new IllegalArgumentException("counts must be a contiguous INT64 tensor of shape [" + groups + ", 4], got "
                    + counts.dtype() + " " + Arrays.toString(counts.shape()));
        }
        synchronized (counts) {
            run(preds, targets, spec, counts);
        }
    }

    /**
     * Scores from counts, each under its name (one value, or one per row for
     * {@link BinaryScoreSpec.Reduction#NONE}), computed on the counts' device; only the values are copied.
     */
    public static ScoreValues<BinaryScoreSpec.Metric> score(Tensor counts, BinaryScoreSpec spec) {
        return named(spec, scores(counts, spec));
    }

    static ScoreValues<BinaryScoreSpec.Metric> named(BinaryScoreSpec spec, double[] flat) {
        int[] widths = new int[spec.metrics().size()];
        java.util.Arrays.fill(widths, spec.outputLength() / spec.metrics().size());
        return ScoreValues.of(spec.metrics(), widths, flat);
    }

    /**
     * Scores from counts as one positional array (see {@link BinaryScoreSpec}), computed on the
     * counts' device; only the returned doubles are copied.
     *
     * @deprecated use {@link #score(Tensor, BinaryScoreSpec)}, which names each score
     */
    @Deprecated
    public static double[] scores(Tensor counts, BinaryScoreSpec spec) {
        MetricChecks.open(counts, "counts");
        MetricChecks.notNull(spec, "spec");
        if (counts.dtype() != DType.INT64 || counts.dim() != 2 || counts.size(1) != 4 || counts.size(0) != spec.rows()) {
            throw new IllegalArgumentException("counts must be INT64 [" + spec.rows() + ", 4] for " + spec.images() + " images x "
                    + spec.classes() + " classes, got " + counts.dtype() + " " + Arrays.toString(counts.shape()));
        }
        try (Scope scope = Scope.open()) {
            return BinaryScoring.scores(counts.contiguous(), spec).toDoubleArray();
        }
    }

    private static void run(Tensor preds, Tensor targets, BinaryStatsSpec spec, Tensor counts) {
        // integer (already binary) predictions are compared as floats: 0/1 are exact
        Tensor p = preds.dtype() == DType.FLOAT32 ? preds : preds.to(DType.FLOAT32);
        try {
            Counting.binaryStats(p, targets, spec, counts);
        } finally {
            if (p != preds) p.close();
        }
    }

    static void check(Tensor preds, Tensor targets, BinaryStatsSpec spec) {
        MetricChecks.open(preds, "preds");
        MetricChecks.open(targets, "targets");
        MetricChecks.notNull(spec, "spec");
        MetricChecks.sameDevice(preds, "preds", targets, "targets");
        MetricChecks.sameShape(preds, "preds", targets, "targets");
        if (preds.dim() < 1) throw new IllegalArgumentException("preds must have at least one dimension [N, ...], got a scalar");
        if (targets.dtype() == DType.FLOAT64) {
            throw new IllegalArgumentException("targets must be UINT8, INT32, INT64 or FLOAT32 masks, got FLOAT64");
        }
        if (preds.dtype() == DType.FLOAT64) {
            throw new IllegalArgumentException("preds must be FLOAT32 logits or probabilities (or integer 0/1 predictions), got FLOAT64; cast with to(DType.FLOAT32)");
        }
        spec.channelMap(BinaryStatsSpec.channels(preds.shape())); // ignoreChannels within range
    }
}
