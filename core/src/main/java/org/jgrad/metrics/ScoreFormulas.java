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
 * {@code precision_recall_fscore_support} and {@code jaccard_score}.
 */
final class ScoreFormulas {
    private ScoreFormulas() {}

    /** One binary score per element of tp, fp, fn, tn (FLOAT64 tensors of one shape). */
    static Tensor binary(BinaryScoreSpec.Metric m, BinaryScoreSpec spec, Tensor tp, Tensor fp, Tensor fn, Tensor tn) {
        double e = spec.style() == Style.LEGACY ? spec.eps() : 0;
        double b2 = spec.beta() * spec.beta();
        Tensor v = switch (m) {
            case IOU -> tp.add(e).div(tp.add(fp).add(fn).add(e));
            case FSCORE -> {
                Tensor t = tp.mul(1 + b2);
                yield t.add(e).div(t.add(fn.mul(b2)).add(fp).add(e));
            }
            case ACCURACY -> tp.add(tn).div(all(tp, fp, fn, tn));
            case PRECISION -> tp.add(e).div(tp.add(fp).add(e));
            case RECALL -> recall(tp, fn, e);
            case SPECIFICITY -> specificity(fp, tn, e);
            case BALANCED_ACCURACY -> divBy(recall(tp, fn, e).add(specificity(fp, tn, e)), 2);
            case PREVALENCE -> tp.add(fn).div(all(tp, fp, fn, tn));
            case PREDICTED_RATE -> tp.add(fp).div(all(tp, fp, fn, tn));
        };
        return spec.style() == Style.SMP ? nanTo(v, spec.zeroDivision()) : v;
    }

    private static Tensor recall(Tensor tp, Tensor fn, double e) { return tp.add(e).div(tp.add(fn).add(e)); }

    private static Tensor specificity(Tensor fp, Tensor tn, double e) { return tn.add(e).div(tn.add(fp).add(e)); }

    private static Tensor all(Tensor tp, Tensor fp, Tensor fn, Tensor tn) { return tp.add(fp).add(fn).add(tn); }

    /** Precision, recall, F-beta or IoU per class (or of pooled counts), scikit-learn style. */
    static Tensor perClass(ConfusionScoreSpec.Metric m, Tensor tp, Tensor tru, Tensor pred, double zd, double beta) {
        return switch (m) {
            case PRECISION -> ratioOr(tp, pred, zd);
            case RECALL -> ratioOr(tp, tru, zd);
            case IOU -> ratioOr(tp, tru.add(pred).sub(tp), zd);
            case FSCORE -> {
                Tensor p = ratioOr(tp, pred, zd), r = ratioOr(tp, tru, zd);
                double b2 = beta * beta;
                Tensor denom = p.mul(b2).add(r);
                yield zeroWhere(denom, 0, p.mul(1 + b2).mul(r).div(denom));
            }
            default -> throw new IllegalArgumentException(m + " is not a per-class score");
        };
    }

    /** num / den, or {@code zd} where den is 0. */
    static Tensor ratioOr(Tensor num, Tensor den, double zd) { return zeroWhere(den, zd, num.div(den)); }

    /** {@code value} where {@code test} is 0, else {@code v}. */
    static Tensor zeroWhere(Tensor test, double value, Tensor v) { return Tensor.where(test.eq(0), constant(value, v), v); }

    /** v with NaN replaced by {@code value}. */
    static Tensor nanTo(Tensor v, double value) { return Tensor.where(v.ne(v), constant(value, v), v); }

    /** x / s as a true division (Tensor.div(double) multiplies by the reciprocal, which rounds differently). */
    static Tensor divBy(Tensor x, double s) { return x.div(constant(s, x)); }

    /** A FLOAT64 scalar on like's device. */
    static Tensor constant(double value, Tensor like) { return Tensor.scalar(value, DType.FLOAT64, like.device()); }
}
