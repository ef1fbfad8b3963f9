package org.jgrad.metrics;

import org.jgrad.metrics.BinaryScoreSpec.Style;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

/**
 * Every score formula, once: tensor ops on FLOAT64 counts, on the counts' device. Each formula
 * performs its float64 operations in the order written below (no scalar reciprocals, no
 * reassociation), so the CPU gives the same doubles as the host formulas always did; sums of
 * counts are exact integers in any order.
 *
 * <h2>Binary scores from tp, fp, fn, tn</h2>
 * {@link Style#LEGACY} follows segmentation_models_pytorch's {@code utils.functional}, where eps
 * is added to numerator and denominator (except accuracy, which has no eps):
 * <ul>
 * <li>IoU = (tp + eps) / (tp + fp + fn + eps)</li>
 * <li>F-beta = ((1+b²)tp + eps) / ((1+b²)tp + b²fn + fp + eps); Dice is F1 = 2tp / (2tp + fp + fn)</li>
 * <li>precision = (tp + eps) / (tp + fp + eps); recall = (tp + eps) / (tp + fn + eps);
 *     specificity = (tn + eps) / (tn + fp + eps)</li>
 * <li>accuracy = (tp + tn) / (tp + fp + fn + tn); balanced accuracy = (recall + specificity) / 2</li>
 * <li>prevalence = (tp + fn) / all and predicted rate = (tp + fp) / all, with no eps</li>
 * </ul>
 * So an empty prediction on an empty target scores (0+eps)/(0+eps) = 1, and 0/0 with eps = 0 is NaN.
 * {@link Style#SMP} follows smp's {@code metrics.functional}: the same ratios without eps, and a
 * 0/0 score becomes {@code zeroDivision}.
 *
 * <h2>Per-class scores of a confusion matrix</h2>
 * tp = M[c][c], true_c = row sum, pred_c = column sum. precision = tp/pred_c, recall = tp/true_c,
 * IoU = tp/(true_c + pred_c - tp), each zeroDivision when its denominator is 0; F-beta =
 * (1+b²)·P·R / (b²P + R), 0 when that denominator is 0 — exactly scikit-learn 1.2's
 * {@code precision_recall_fscore_support}, {@code fbeta_score} and {@code jaccard_score}.
 * Specificity = tn/(tn + fp) with tn = N - true_c - pred_c + tp and fp = pred_c - tp,
 * zeroDivision when tn + fp is 0 (imbalanced-learn's {@code specificity_score}, which follows
 * scikit-learn's conventions).
 */
final class ScoreFormulas {
    private ScoreFormulas() {}

    /**
     * One binary score per element of tp, fp, fn, tn (FLOAT64 tensors of one shape). In SMP style
     * a 0/0 becomes zeroDivision when {@code substitute}, else NaN (smp's MICRO reduction).
     */
    static Tensor binary(BinaryScoreSpec.Metric m, BinaryScoreSpec spec, boolean substitute, Tensor tp, Tensor fp, Tensor fn, Tensor tn) {
        double e = spec.style() == Style.LEGACY ? spec.eps() : 0;
        double b2 = spec.beta() * spec.beta();
        if (m == BinaryScoreSpec.Metric.BALANCED_ACCURACY) {
            Tensor recallDen = tp.add(fn).add(e), specificityDen = tn.add(fp).add(e);
            if (spec.style() == Style.LEGACY || !substitute || Double.isNaN(spec.zeroDivision())) return divBy(tp.add(e).div(recallDen).add(tn.add(e).div(specificityDen)), 2);
            // SMP: (recall + specificity) / 2, zeroDivision when either is 0/0
            Tensor undefined = isZero(recallDen).add(isZero(specificityDen)).gt(0).to(DType.FLOAT64);
            Tensor v = divBy(ratioOr(tp, recallDen, 0).add(ratioOr(tn, specificityDen, 0)), 2);
            return v.mul(undefined.neg().add(1)).add(undefined.mul(spec.zeroDivision()));
        }
        Tensor num, den;
        switch (m) {
            case IOU -> { num = tp.add(e); den = tp.add(fp).add(fn).add(e); }
            case FSCORE -> {
                Tensor t = tp.mul(1 + b2);
                num = t.add(e);
                den = t.add(fn.mul(b2)).add(fp).add(e);
            }
            case ACCURACY -> { num = tp.add(tn); den = all(tp, fp, fn, tn); }
            case PRECISION -> { num = tp.add(e); den = tp.add(fp).add(e); }
            case RECALL -> { num = tp.add(e); den = tp.add(fn).add(e); }
            case SPECIFICITY -> { num = tn.add(e); den = tn.add(fp).add(e); }
            case PREVALENCE -> { num = tp.add(fn); den = all(tp, fp, fn, tn); }
            case PREDICTED_RATE -> { num = tp.add(fp); den = all(tp, fp, fn, tn); }
            default -> throw new IllegalStateException(m.toString());
        }
        // LEGACY keeps a 0/0 (eps = 0) as NaN, as smp; SMP scores it zeroDivision
        return spec.style() == Style.LEGACY || !substitute ? num.div(den) : ratioOr(num, den, spec.zeroDivision());
    }

    /**
     * smp's legacy {@code utils.functional} scores with {@code threshold=None}, in smp's own
     * order, from the soft sums I = Σ gt·pr, Sp = Σ pr, St = Σ gt and the count Eq of elements
     * with gt == pr out of n: IoU = (I + eps) / (St + Sp - I + eps); F-beta = ((1+b²)I + eps) /
     * ((1+b²)I + b²(St - I) + (Sp - I) + eps); precision = (I + eps) / (I + (Sp - I) + eps);
     * recall = (I + eps) / (I + (St - I) + eps); accuracy = Eq / n. 0/0 (eps 0) is NaN, as smp.
     */
    static Tensor legacySoft(BinaryScoreSpec.Metric m, Tensor inter, Tensor sumP, Tensor sumT, Tensor equal, double n,
                             double eps, double beta) {
        double b2 = beta * beta;
        Tensor fp = sumP.sub(inter), fn = sumT.sub(inter);
        return switch (m) {
            case IOU -> inter.add(eps).div(sumT.add(sumP).sub(inter).add(eps));
            case FSCORE -> {
                Tensor t = inter.mul(1 + b2);
                yield t.add(eps).div(t.add(fn.mul(b2)).add(fp).add(eps));
            }
            case PRECISION -> inter.add(eps).div(inter.add(fp).add(eps));
            case RECALL -> inter.add(eps).div(inter.add(fn).add(eps));
            case ACCURACY -> divBy(equal, n);
            default -> throw new IllegalArgumentException(m + " has no soft form in smp's legacy metrics");
        };
    }

    private static Tensor all(Tensor tp, Tensor fp, Tensor fn, Tensor tn) { return tp.add(fp).add(fn).add(tn); }

    /**
     * Precision, recall, F-beta, IoU or specificity per class (or of pooled counts), scikit-learn
     * style; {@code total} is the number of samples behind each row (for pooled counts: C·N).
     */
    static Tensor perClass(ConfusionScoreSpec.Metric m, Tensor tp, Tensor tru, Tensor pred, Tensor total, double zd, double beta) {
        return switch (m) {
            case SPECIFICITY -> {
                Tensor fp = pred.sub(tp);
                Tensor tn = total.sub(tru).sub(fp);
                yield ratioOr(tn, tn.add(fp), zd);
            }
            case PRECISION -> ratioOr(tp, pred, zd);
            case RECALL -> ratioOr(tp, tru, zd);
            case IOU -> ratioOr(tp, tru.add(pred).sub(tp), zd);
            case FSCORE -> {
                Tensor p = ratioOr(tp, pred, zd), r = ratioOr(tp, tru, zd);
                double b2 = beta * beta;
                yield ratioOr(p.mul(1 + b2).mul(r), p.mul(b2).add(r), 0); // (1+b²)·P·R is 0 where b²P + R is
            }
            default -> throw new IllegalArgumentException(m + " is not a per-class score");
        };
    }

    /**
     * num / den, or {@code zd} where den is 0, for ratios whose numerator is 0 wherever the
     * denominator is (every score here: a count within a sum of counts). Written without a
     * select: where den is 0 it divides 0 by 1 and adds zd, elsewhere it adds (zd * 0), which
     * leaves num / den unchanged to the bit. A NaN zd (smp accepts one) is the plain division.
     */
    static Tensor ratioOr(Tensor num, Tensor den, double zd) {
        if (Double.isNaN(zd)) return num.div(den); // 0/0 is NaN by itself
        Tensor zero = isZero(den);
        return num.div(den.add(zero)).add(zero.mul(zd));
    }

    /**
     * The square root of non-negative FLOAT64 values from ops every backend has in float64 (the CUDA
     * backend's sqrt is float32 only): the float32 square root as a seed (relative error below
     * 6e-8), then two Newton steps x = (x + a/x) · 0.5 in float64, which leave an error of a few
     * double ulps. Exactly 0 where a is 0. Inputs up to about 1e38 (float32's range), enough for
     * MCC's covariances of up to ~1e19 samples.
     */
    static Tensor sqrt64(Tensor a) {
        Tensor zero = isZero(a);
        Tensor x = a.to(DType.FLOAT32).sqrt().to(DType.FLOAT64).add(zero); // 1 where a is 0, so a/x is defined
        for (int i = 0; i < 2; i++) x = x.add(a.div(x)).mul(0.5);
        return x.mul(zero.neg().add(1));
    }

    /** 1.0 where x is 0, else 0.0 (FLOAT64). */
    static Tensor isZero(Tensor x) { return x.eq(0).to(DType.FLOAT64); }

    /** x / s as a true division (Tensor.div(double) multiplies by the reciprocal, which rounds differently). */
    static Tensor divBy(Tensor x, double s) { return x.div(constant(s, x)); }

    /** A FLOAT64 scalar on like's device. */
    private static Tensor constant(double value, Tensor like) { return Tensor.scalar(value, DType.FLOAT64, like.device()); }
}
