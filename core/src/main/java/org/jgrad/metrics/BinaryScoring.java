package org.jgrad.metrics;

import org.jgrad.metrics.BinaryScoreSpec.Reduction;
import org.jgrad.ops.Concat;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The reductions of binary scores over counts rows [images, classes], as smp's
 * {@code _compute_metric}, with tensor ops on the counts' device (formulas: {@link ScoreFormulas}):
 * MICRO sums every row, then scores; MACRO sums over images, scores each class, then averages
 * the classes; WEIGHTED is MACRO with each class score multiplied by w_c / Σw before the mean
 * over classes — so, as in smp, the result is Σ w_c s_c / (C Σw), not the conventional weighted
 * mean; MICRO_IMAGEWISE sums over classes, scores each image, averages the images;
 * MACRO_IMAGEWISE scores every (image, class), averages over images, then over classes (with
 * the weights for WEIGHTED_IMAGEWISE); NONE gives every row's score. One deliberate difference:
 * smp leaves a 0/0 MICRO score NaN; here it becomes zeroDivision like every other reduction.
 * Means add in index order from zero, then divide.
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
            case MICRO -> score(counts.sum(0, false).view(1, 4), spec, m);
            case MACRO, WEIGHTED -> {
                Tensor v = score(grid.sum(0, false), spec, m);
                yield ScoreFormulas.divBy(weighted(v, spec, r == Reduction.WEIGHTED).sum().view(1), c);
            }
            case MICRO_IMAGEWISE -> ScoreFormulas.divBy(score(grid.sum(1, false), spec, m).sum().view(1), n);
            case MACRO_IMAGEWISE, WEIGHTED_IMAGEWISE -> {
                Tensor per = ScoreFormulas.divBy(score(counts, spec, m).view(n, c).sum(0, false), n);
                yield ScoreFormulas.divBy(weighted(per, spec, r == Reduction.WEIGHTED_IMAGEWISE).sum().view(1), c);
            }
            case NONE -> score(counts, spec, m);
        };
    }

    /** The score of each row of an INT64 {@code [rows, 4]} tensor: FLOAT64 {@code [rows]}. */
    private static Tensor score(Tensor rows, BinaryScoreSpec spec, BinaryScoreSpec.Metric m) {
        Tensor d = rows.to(DType.FLOAT64);
        return ScoreFormulas.binary(m, spec, column(d, 0), column(d, 1), column(d, 2), column(d, 3));
    }

    private static Tensor column(Tensor rows, int k) { return rows.narrow(1, k, 1).squeeze(1); }

    /** v (one value per class) times w_c / Σw when weighted; the weights are the caller's host values. */
    private static Tensor weighted(Tensor v, BinaryScoreSpec spec, boolean weighted) {
        if (!weighted) return v;
        double[] w = spec.classWeights();
        double wsum = 0;
        for (double x : w) wsum += x;
        double[] share = new double[w.length];
        for (int j = 0; j < w.length; j++) share[j] = w[j] / wsum;
        return v.mul(Tensor.fromArray(share, share.length).to(v.device()));
    }
}
