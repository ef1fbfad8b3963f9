package org.jgrad.metrics;

import org.jgrad.metrics.BinaryScoreSpec.Reduction;
import org.jgrad.ops.Concat;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The reductions of binary scores over counts rows [images, classes], exactly as smp 0.3.2 and
 * later ({@code metrics.functional._compute_metric}; the class-weighted forms changed in 0.3.2),
 * with tensor ops on the counts' device (formulas: {@link ScoreFormulas}). With
 * {@code w'_c = w_c / Σw} (w'_c = 1 when no weights are given) and s_c a class score:
 * <ul>
 * <li>MICRO sums every row, then scores. As smp, no zero-division substitution: 0/0 is NaN,
 *     unless {@link BinaryScoreSpec#microZeroDivision()} asks for zeroDivision.</li>
 * <li>MACRO sums over images, scores each class, then {@code Σ_c w'_c s_c / C} (the plain mean
 *     without weights; smp applies given weights and still divides by C).</li>
 * <li>WEIGHTED: as MACRO, then {@code Σ_c w'_c s_c} (a true weighted mean; smp 0.3.1 divided by
 *     C once more).</li>
 * <li>MICRO_IMAGEWISE sums over classes, scores each image, averages the images.</li>
 * <li>MACRO_IMAGEWISE and WEIGHTED_IMAGEWISE score every (image, class), average over images,
 *     then {@code Σ_c w'_c m_c / C} (smp treats both alike, dividing by C).</li>
 * <li>NONE gives every row's score.</li>
 * </ul>
 * Every reduction but MICRO scores 0/0 as zeroDivision before reducing. Means add in index
 * order from zero, then divide.
 */
final class BinaryScoring {
    private BinaryScoring() {}

    /** {@code counts} INT64 contiguous {@code [spec.rows(), 4]}; returns FLOAT64 {@code [spec.outputLength()]} on its device. */
    static Tensor scores(Tensor counts, BinaryScoreSpec spec) {
        List<Tensor> parts = new ArrayList<>();
        for (BinaryScoreSpec.Metric m : spec.metrics()) parts.add(one(counts, spec, m));
        return parts.size() == 1 ? parts.get(0) : Concat.cat(parts, 0);
    }

    private static Tensor one(Tensor counts, BinaryScoreSpec spec, BinaryScoreSpec.Metric m) {
        int n = spec.images(), c = spec.classes();
        Tensor grid = counts.view(n, c, 4);
        Reduction r = spec.reduction();
        return switch (r) {
            case MICRO -> score(counts.sum(0, false).view(1, 4), spec, m, spec.microZeroDivision());
            case MACRO -> ScoreFormulas.divBy(weighted(score(grid.sum(0, false), spec, m, true), spec).sum().view(1), c);
            case WEIGHTED -> weighted(score(grid.sum(0, false), spec, m, true), spec).sum().view(1);
            case MICRO_IMAGEWISE -> ScoreFormulas.divBy(score(grid.sum(1, false), spec, m, true).sum().view(1), n);
            case MACRO_IMAGEWISE, WEIGHTED_IMAGEWISE -> {
                Tensor per = ScoreFormulas.divBy(score(counts, spec, m, true).view(n, c).sum(0, false), n);
                yield ScoreFormulas.divBy(weighted(per, spec).sum().view(1), c);
            }
            case NONE -> score(counts, spec, m, true);
        };
    }

    /** The score of each row of an INT64 {@code [rows, 4]} tensor: FLOAT64 {@code [rows]}. */
    private static Tensor score(Tensor rows, BinaryScoreSpec spec, BinaryScoreSpec.Metric m, boolean zeroDivision) {
        Tensor d = rows.to(DType.FLOAT64);
        return ScoreFormulas.binary(m, spec, zeroDivision, column(d, 0), column(d, 1), column(d, 2), column(d, 3));
    }

    private static Tensor column(Tensor rows, int k) { return rows.narrow(1, k, 1).squeeze(1); }

    /** v (one value per class) times w_c / Σw when weights are given, else v; the weights are the caller's host values. */
    private static Tensor weighted(Tensor v, BinaryScoreSpec spec) {
        double[] w = spec.classWeights();
        if (w == null) return v;
        double wsum = 0;
        for (double x : w) wsum += x;
        double[] share = new double[w.length];
        for (int j = 0; j < w.length; j++) share[j] = w[j] / wsum;
        return v.mul(Tensor.fromArray(share, share.length).to(v.device()));
    }
}
