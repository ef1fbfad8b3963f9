package org.jgrad.metrics;

import org.jgrad.metrics.ConfusionScoreSpec.Absent;
import org.jgrad.metrics.ConfusionScoreSpec.Average;
import org.jgrad.ops.Concat;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Confusion-matrix scores (rows = true, columns = predicted) with tensor ops on the matrix's
 * device; per-class formulas in {@link ScoreFormulas#perClass}. Averages: MICRO pools tp, true
 * and pred over classes; MACRO is the mean over classes (absent classes left out or scored
 * zeroDivision, see {@link Absent}); WEIGHTED weighs by true_c. Accuracy = Σtp / ΣM. Balanced
 * accuracy = mean recall over the k classes with true_c > 0 (as scikit-learn); adjusted:
 * (b - 1/k) / (1 - 1/k). Cohen's kappa = 1 - Σ W∘M / Σ W∘E with E = outer(true, pred)/ΣM and
 * W = 1 off the diagonal (unweighted), |i - j| (linear) or (i - j)² (quadratic), i and j the
 * class indices 0..C-1 (scikit-learn with {@code labels=range(C)}; NaN when agreement by chance
 * is perfect, as there). MCC (scikit-learn's multiclass form) = (c·n - Σ t_k p_k) /
 * (sqrt(n² - Σ t_k²) · sqrt(n² - Σ p_k²)) with c = Σtp, n = ΣM, t = true, p = pred; 0 when the
 * denominator is 0. An empty matrix scores zeroDivision everywhere except kappa (NaN) and MCC
 * (0). Sums of scores add in class order from zero.
 */
final class ConfusionScoring {
    private ConfusionScoring() {}

    /** The matrix's per-class and pooled counts, FLOAT64 on its device. */
    private record Counts(Tensor hist, Tensor tp, Tensor tru, Tensor pred, Tensor total) {
        static Counts of(Tensor hist) {
            int c = hist.size(0);
            Tensor diagonal = new Tensor(hist.storage(), new int[]{c}, new int[]{c + 1}, hist.offset());
            return new Counts(hist, diagonal.to(DType.FLOAT64), hist.sum(1, false).to(DType.FLOAT64),
                    hist.sum(0, false).to(DType.FLOAT64), hist.sum().view(1).to(DType.FLOAT64));
        }

        int classes() { return tp.size(0); }
    }

    /** {@code hist} INT64 contiguous {@code [C, C]}; returns FLOAT64 {@code [spec.outputLength(C)]} on its device. */
    static Tensor scores(Tensor hist, ConfusionScoreSpec spec) {
        Counts k = Counts.of(hist);
        double zd = spec.zeroDivision();
        List<Tensor> parts = new ArrayList<>();
        for (ConfusionScoreSpec.Metric m : spec.metrics()) {
            parts.add(switch (m) {
                case ACCURACY -> ScoreFormulas.ratioOr(k.tp().sum().view(1), k.total(), zd);
                case BALANCED_ACCURACY -> {
                    // recall of the classes present, 0 for the others (whose tp is 0 too), summed in class order
                    Tensor s = ScoreFormulas.ratioOr(k.tp(), k.tru(), 0).sum().view(1);
                    yield ScoreFormulas.ratioOr(s, k.tru().gt(0).to(DType.FLOAT64).sum().view(1), zd);
                }
                case KAPPA -> kappa(k);
                case KAPPA_LINEAR, KAPPA_QUADRATIC -> weightedKappa(k, m == ConfusionScoreSpec.Metric.KAPPA_QUADRATIC);
                case MCC -> mcc(k);
                case BALANCED_ACCURACY_ADJUSTED -> {
                    Tensor present = k.tru().gt(0).to(DType.FLOAT64).sum().view(1);
                    Tensor b = ScoreFormulas.ratioOr(ScoreFormulas.ratioOr(k.tp(), k.tru(), 0).sum().view(1), present, zd);
                    Tensor chance = ScoreFormulas.isZero(present).add(1).div(present); // 1 / k
                    yield b.sub(chance).div(chance.neg().add(1));
                }
                case MEAN_IOU -> averaged(ConfusionScoreSpec.Metric.IOU, Average.MACRO, spec, k);
                default -> spec.average() == Average.NONE
                        ? ScoreFormulas.perClass(m, k.tp(), k.tru(), k.pred(), k.total(), zd, spec.beta())
                        : averaged(m, spec.average(), spec, k);
            });
        }
        return parts.size() == 1 ? parts.get(0) : Concat.cat(parts, 0);
    }

    private static Tensor averaged(ConfusionScoreSpec.Metric m, Average avg, ConfusionScoreSpec spec, Counts k) {
        double zd = spec.zeroDivision();
        return switch (avg) {
            case MICRO -> ScoreFormulas.perClass(m, k.tp().sum().view(1), k.tru().sum().view(1), k.pred().sum().view(1),
                    k.total().mul(k.classes()), zd, spec.beta()); // pooled over classes: C·N samples
            case WEIGHTED -> {
                Tensor s = k.tru().mul(ScoreFormulas.perClass(m, k.tp(), k.tru(), k.pred(), k.total(), zd, spec.beta())).sum().view(1);
                yield ScoreFormulas.ratioOr(s, k.tru().sum().view(1), zd);
            }
            case MACRO -> {
                Tensor v = ScoreFormulas.perClass(m, k.tp(), k.tru(), k.pred(), k.total(), zd, spec.beta());
                if (spec.absent() == Absent.EXCLUDE) {
                    Tensor used = k.tru().add(k.pred()).gt(0).to(DType.FLOAT64);
                    Tensor s = v.mul(used).sum().view(1); // an absent class adds 0
                    yield ScoreFormulas.ratioOr(s, used.sum().view(1), zd);
                }
                yield ScoreFormulas.divBy(v.sum().view(1), k.classes());
            }
            case NONE -> throw new IllegalArgumentException("an average is needed here, got NONE");
        };
    }

    /** 1 - Σ_{i≠j} M / Σ_{i≠j} true_i pred_j / ΣM; NaN for an empty matrix. */
    private static Tensor kappa(Counts k) {
        int c = k.classes();
        Tensor observed = k.total().sub(k.tp().sum().view(1));
        Tensor expected = k.tru().view(c, 1).mul(k.pred().view(1, c)).div(k.total());
        double[] offDiagonal = new double[c * c];
        java.util.Arrays.fill(offDiagonal, 1);
        for (int i = 0; i < c; i++) offDiagonal[i * c + i] = 0;
        // the diagonal adds 0; an empty matrix gives 0/0 terms, so NaN
        Tensor expectedSum = expected.mul(Tensor.fromArray(offDiagonal, c, c).to(expected.device())).sum().view(1);
        return observed.div(expectedSum).neg().add(1);
    }

    /** 1 - Σ W∘M / Σ W∘E with W_ij = |i - j| or (i - j)²; W and M are small integers, so Σ W∘M is exact. */
    private static Tensor weightedKappa(Counts k, boolean quadratic) {
        int c = k.classes();
        double[] w = new double[c * c];
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < c; j++) w[i * c + j] = quadratic ? (double) (i - j) * (i - j) : Math.abs(i - j);
        }
        Tensor weights = Tensor.fromArray(w, c, c).to(k.hist().device());
        Tensor observed = k.hist().to(DType.FLOAT64).mul(weights).sum().view(1);
        Tensor expected = k.tru().view(c, 1).mul(k.pred().view(1, c)).div(k.total()).mul(weights).sum().view(1);
        return observed.div(expected).neg().add(1);
    }

    /** scikit-learn's multiclass Matthews correlation; 0 where its denominator is 0 (its numerator is 0 there too). */
    private static Tensor mcc(Counts k) {
        Tensor n = k.total();
        Tensor covTP = k.tp().sum().view(1).mul(n).sub(k.tru().mul(k.pred()).sum().view(1));
        Tensor nn = n.mul(n);
        Tensor covPP = nn.sub(k.pred().mul(k.pred()).sum().view(1));
        Tensor covTT = nn.sub(k.tru().mul(k.tru()).sum().view(1));
        return ScoreFormulas.ratioOr(covTP, ScoreFormulas.sqrt64(covTT).mul(ScoreFormulas.sqrt64(covPP)), 0);
    }
}
