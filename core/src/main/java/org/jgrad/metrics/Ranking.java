package org.jgrad.metrics;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * Binary AUROC and average precision, exact (every threshold), as torchmetrics'
 * {@code binary_auroc} and {@code binary_average_precision} with {@code thresholds=None}, on the
 * inputs' device. Tied scores form one threshold, as there: AUROC is the area under the ROC curve
 * through the tie groups, which equals the Mann-Whitney statistic
 * <pre>  AUROC = Σ_{i pos, j neg} ([s_i > s_j] + ½[s_i == s_j]) / (P·N)</pre>
 * (the numerator is an exact count of halves, so the value is correctly rounded), and
 * <pre>  AP = (1/P) Σ_{i pos} TP(s_i) / K(s_i)</pre>
 * with K(t) = #{j: s_j >= t} and TP(t) the positives among them — the step sum Σ (R_k - R_{k-1}) P_k
 * over the distinct thresholds, without interpolation. Both are computed by comparing blocks of
 * scores with all scores (broadcast comparisons and sums, no sort): O(n²) work in O(block · n)
 * memory, meant for evaluation sets up to ~10^5 samples. Scores are compared as given: torchmetrics
 * applies a sigmoid first when scores leave [0, 1], which can create ties in float32; apply it
 * before calling to reproduce that. Edge rules (torchmetrics): AUROC is 0 when the targets have no
 * positive or no negative; AP is NaN without positives (scikit-learn 1.2 returns 0 there). NaN
 * scores are not supported.
 */
public final class Ranking {
    private Ranking() {}

    private static final int BLOCK = 1024;

    /** {@code scores} FLOAT32 [n], {@code targets} integer or float 0/1 [n] on the same device. */
    public static double auroc(Tensor scores, Tensor targets) {
        check(scores, targets);
        int n = scores.size(0);
        try (Scope scope = Scope.open()) {
            Tensor s = scores.contiguous().view(1, n), y = targets.ne(0).to(DType.FLOAT64), neg = y.neg().add(1);
            Tensor num = Tensor.zeros(DType.FLOAT64, scores.device(), 1);
            for (int lo = 0; lo < n; lo += BLOCK) {
                int b = Math.min(BLOCK, n - lo);
                Tensor si = s.narrow(1, lo, b).view(b, 1);
                Tensor credit = si.gt(s).to(DType.FLOAT64).add(si.eq(s).to(DType.FLOAT64).mul(0.5)); // [b, n]
                Tensor perPos = credit.mul(neg.view(1, n)).sum(1, false);                                 // [b]
                num = num.add(perPos.mul(y.narrow(0, lo, b)).sum().view(1));
            }
            Tensor pos = y.sum().view(1), pairs = pos.mul(neg.sum().view(1));
            return ScoreFormulas.ratioOr(num, pairs, 0).toDoubleArray()[0]; // no pairs: 0, as torchmetrics
        }
    }

    /** {@code scores} FLOAT32 [n], {@code targets} integer or float 0/1 [n] on the same device. */
    public static double averagePrecision(Tensor scores, Tensor targets) {
        check(scores, targets);
        int n = scores.size(0);
        try (Scope scope = Scope.open()) {
            Tensor s = scores.contiguous().view(1, n), y = targets.ne(0).to(DType.FLOAT64);
            Tensor sum = Tensor.zeros(DType.FLOAT64, scores.device(), 1);
            for (int lo = 0; lo < n; lo += BLOCK) {
                int b = Math.min(BLOCK, n - lo);
                Tensor atOrAbove = s.ge(s.narrow(1, lo, b).view(b, 1)).to(DType.FLOAT64); // [b, n]: s_j >= s_i
                Tensor tp = atOrAbove.mul(y.view(1, n)).sum(1, false), k = atOrAbove.sum(1, false);
                sum = sum.add(tp.div(k).mul(y.narrow(0, lo, b)).sum().view(1));
            }
            return sum.div(y.sum().view(1)).toDoubleArray()[0]; // 0/0 = NaN without positives
        }
    }

    private static void check(Tensor scores, Tensor targets) {
        MetricChecks.open(scores, "scores");
        MetricChecks.open(targets, "targets");
        MetricChecks.sameDevice(scores, "scores", targets, "targets");
        if (scores.dtype() != DType.FLOAT32 || scores.dim() != 1) {
            throw new IllegalArgumentException("scores must be a FLOAT32 [n] tensor, got " + scores.dtype() + " " + Arrays.toString(scores.shape()));
        }
        if (!Arrays.equals(scores.shape(), targets.shape())) {
            throw new IllegalArgumentException("targets shape " + Arrays.toString(targets.shape()) + " differs from scores " + Arrays.toString(scores.shape()));
        }
    }
}
