package org.jgrad.metrics;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * The confusion matrix as a function: rows are true classes, columns predicted classes, counts
 * INT64 on the inputs' device. From logits, the predicted class is the argmax over dim 1 (the
 * first maximum; NaN counts as the maximum, as {@code torch.argmax}), fused with the counting so
 * no argmax tensor is made. The seed's example: predictions [0,1,1,0] against labels [0,0,1,1]
 * give [[1,1],[1,1]].
 */
public final class Confusion {
    private Confusion() {}

    /** No label is ignored. */
    public static final long NO_IGNORE = Long.MIN_VALUE;

    /** From logits {@code [N, C, ...]} and integer targets {@code [N, ...]}. */
    public static Tensor fromLogits(Tensor logits, Tensor targets, int numClasses, long ignoreIndex) {
        Tensor hist = Tensor.zeros(DType.INT64, checkLogits(logits, targets, numClasses).device(), numClasses, numClasses);
        try (Tensor bad = Tensor.zeros(DType.INT64, logits.device(), 1)) {
            Counting.confusionFromLogits(logits, targets, ignoreIndex, hist, bad);
            throwIfBad(bad.toLongArray()[0], targets, numClasses, ignoreIndex);
        } catch (RuntimeException e) {
            hist.close();
            throw e;
        }
        return hist;
    }

    /** From predicted labels and true labels of the same shape. */
    public static Tensor fromLabels(Tensor preds, Tensor targets, int numClasses, long ignoreIndex) {
        checkLabels(preds, targets, numClasses);
        Tensor hist = Tensor.zeros(DType.INT64, preds.device(), numClasses, numClasses);
        try (Tensor bad = Tensor.zeros(DType.INT64, preds.device(), 1)) {
            Counting.confusionFromLabels(preds, targets, ignoreIndex, hist, bad);
            long b = bad.toLongArray()[0];
            if (b > 0) {
                throwIfBad(b, targets, numClasses, ignoreIndex);
                throwIfBad(b, preds, numClasses, NO_IGNORE);
            }
        } catch (RuntimeException e) {
            hist.close();
            throw e;
        }
        return hist;
    }

    /** Scores from a histogram, each under its name, computed on its device; only the values are copied. */
    public static ScoreValues<ConfusionScoreSpec.Metric> score(Tensor hist, ConfusionScoreSpec spec) {
        return named(spec, hist.size(0), scores(hist, spec));
    }

    /** Splits a positional output of {@code spec} (see {@link ConfusionScoreSpec}) into named scores. */
    static ScoreValues<ConfusionScoreSpec.Metric> named(ConfusionScoreSpec spec, int classes, double[] flat) {
        int[] widths = new int[spec.metrics().size()];
        for (int k = 0; k < widths.length; k++) widths[k] = spec.width(spec.metrics().get(k), classes);
        return ScoreValues.of(spec.metrics(), widths, flat);
    }

    /**
     * Scores from a histogram as one positional array (metric after metric, see
     * {@link ConfusionScoreSpec}), computed on its device; only the returned doubles are copied.
     *
     * @deprecated use {@link #score(Tensor, ConfusionScoreSpec)}, which names each score
     */
    @Deprecated
    public static double[] scores(Tensor hist, ConfusionScoreSpec spec) {
        MetricChecks.open(hist, "hist");
        MetricChecks.notNull(spec, "spec");
        if (hist.dtype() != DType.INT64 || hist.dim() != 2 || hist.size(0) != hist.size(1)) {
            throw new IllegalArgumentException("hist must be an INT64 [C, C] tensor, got " + hist.dtype() + " " + Arrays.toString(hist.shape()));
        }
        try (Scope scope = Scope.open()) {
            return ConfusionScoring.scores(hist.contiguous(), spec).toDoubleArray();
        }
    }

    static Tensor checkLogits(Tensor logits, Tensor targets, int numClasses) {
        MetricChecks.classes(numClasses);
        MetricChecks.open(logits, "logits");
        MetricChecks.open(targets, "targets");
        MetricChecks.sameDevice(logits, "logits", targets, "targets");
        if (logits.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("logits must be FLOAT32 [N, C, ...], got " + logits.dtype());
        }
        MetricChecks.integerLabels(targets, "targets");
        if (logits.dim() < 2) {
            throw new IllegalArgumentException("logits must be [N, C, ...] with the classes in dim 1, got shape " + Arrays.toString(logits.shape()));
        }
        if (logits.size(1) != numClasses) {
            throw new IllegalArgumentException("logits have " + logits.size(1) + " classes in dim 1 (shape " + Arrays.toString(logits.shape())
                    + ") but numClasses is " + numClasses);
        }
        int[] ls = logits.shape();
        int[] want = new int[ls.length - 1];
        want[0] = ls[0];
        System.arraycopy(ls, 2, want, 1, ls.length - 2);
        if (!Arrays.equals(want, targets.shape())) {
            throw new IllegalArgumentException("targets shape " + Arrays.toString(targets.shape()) + " does not match logits shape "
                    + Arrays.toString(ls) + " without the class dim, " + Arrays.toString(want));
        }
        return logits;
    }

    static void checkLabels(Tensor preds, Tensor targets, int numClasses) {
        MetricChecks.classes(numClasses);
        MetricChecks.open(preds, "preds");
        MetricChecks.open(targets, "targets");
        MetricChecks.sameDevice(preds, "preds", targets, "targets");
        MetricChecks.integerLabels(preds, "preds");
        MetricChecks.integerLabels(targets, "targets");
        MetricChecks.sameShape(preds, "preds", targets, "targets");
    }

    /**
     * Throws, naming the first offending value and its position, when {@code labels} holds a value
     * outside [0, C) other than ignoreIndex. Runs only after the kernel counted bad labels, so the
     * copy to the host is paid only on the error path.
     */
    static void throwIfBad(long badCount, Tensor labels, int numClasses, long ignoreIndex) {
        if (badCount == 0) return;
        long[] v = labels.toLongArray();
        for (int i = 0; i < v.length; i++) {
            if (v[i] != ignoreIndex && (v[i] < 0 || v[i] >= numClasses)) {
                throw new IllegalArgumentException(badCount + " label(s) outside [0, " + numClasses + ")"
                        + (ignoreIndex == NO_IGNORE ? "" : " (ignoreIndex " + ignoreIndex + ")")
                        + "; the first is " + v[i] + " at flat index " + i + " of shape " + Arrays.toString(labels.shape()));
            }
        }
    }
}
