package org.jgrad.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * Which scores {@link BinaryStats#scores} derives from a counts tensor
 * {@code [images * classes, 4]} (tp, fp, fn, tn per row, row = image * classes + class), and how.
 * The formulas are in {@link ScoreFormulas}, the reductions in {@link BinaryScoring}.
 *
 * <p>Output: FLOAT64 {@code [metrics.size()]}, or {@code [metrics.size(), images * classes]}
 * for {@link Reduction#NONE}; metric k's value(s) at row k.
 *
 * @param metrics      the scores, in output order
 * @param style        {@link Style#LEGACY} (smp {@code utils.metrics}: eps smoothing) or
 *                     {@link Style#SMP} (smp {@code metrics}: 0/0 replaced by zeroDivision)
 * @param reduction    smp's reductions (LEGACY style uses them too; MICRO is the legacy default)
 * @param images       rows are images x classes
 * @param classes      see images
 * @param eps          LEGACY smoothing (smp default 1e-7)
 * @param zeroDivision SMP value for 0/0 (smp default 1.0)
 * @param beta         for FSCORE (1 = Dice / F1)
 * @param classWeights one weight per class: required for WEIGHTED and WEIGHTED_IMAGEWISE (as smp),
 *                     optional for MACRO and MACRO_IMAGEWISE (smp then uses them too, see {@link BinaryScoring})
 * @param microZeroDivision SMP style, MICRO: substitute zeroDivision for a 0/0 score. smp does
 *                     not (its micro score is NaN then), so the default is false
 */
public record BinaryScoreSpec(List<Metric> metrics, Style style, Reduction reduction, int images, int classes,
                              double eps, double zeroDivision, double beta, double[] classWeights, boolean microZeroDivision) {

    /** As smp: a 0/0 MICRO score stays NaN. */
    public BinaryScoreSpec(List<Metric> metrics, Style style, Reduction reduction, int images, int classes,
                           double eps, double zeroDivision, double beta, double[] classWeights) {
        this(metrics, style, reduction, images, classes, eps, zeroDivision, beta, classWeights, false);
    }

    /** The same scores with a 0/0 MICRO score replaced by zeroDivision (true) or left NaN as smp (false). */
    public BinaryScoreSpec withMicroZeroDivision(boolean substitute) {
        return new BinaryScoreSpec(metrics, style, reduction, images, classes, eps, zeroDivision, beta, classWeights, substitute);
    }

    /**
     * Scores from tp, fp, fn, tn. PREVALENCE (target-positive fraction, (tp+fn)/all) and
     * PREDICTED_RATE ((tp+fp)/all) are not scores but let a report explain class imbalance
     * without copying the counters; they take no eps and 0/0 gives NaN (zeroDivision in SMP style).
     */
    public enum Metric { IOU, FSCORE, ACCURACY, PRECISION, RECALL, SPECIFICITY, BALANCED_ACCURACY, PREVALENCE, PREDICTED_RATE }

    public enum Style { LEGACY, SMP }

    /** smp's reductions; see {@link BinaryScoring} for each one's formula. */
    public enum Reduction { MICRO, MACRO, WEIGHTED, MICRO_IMAGEWISE, MACRO_IMAGEWISE, WEIGHTED_IMAGEWISE, NONE }

    public BinaryScoreSpec {
        if (metrics == null || metrics.isEmpty()) throw new IllegalArgumentException("metrics must name at least one score, got " + metrics);
        metrics = List.copyOf(metrics);
        if (style == null) throw new IllegalArgumentException("style must not be null");
        if (reduction == null) throw new IllegalArgumentException("reduction must not be null");
        if (images < 1) throw new IllegalArgumentException("images must be >= 1, got " + images);
        if (classes < 1) throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        if (!(eps >= 0)) throw new IllegalArgumentException("eps must be >= 0, got " + eps);
        if (!(beta >= 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
        boolean weighted = reduction == Reduction.WEIGHTED || reduction == Reduction.WEIGHTED_IMAGEWISE;
        if (weighted && classWeights == null) {
            throw new IllegalArgumentException("classWeights must be given for the " + reduction + " reduction (as smp requires)");
        }
        if (classWeights != null) {
            if (classWeights.length != classes) {
                throw new IllegalArgumentException("classWeights has " + classWeights.length + " values for " + classes + " classes");
            }
            classWeights = classWeights.clone();
        }
    }

    public int rows() { return images * classes; }

    /** Length of the output tensor. */
    public int outputLength() { return reduction == Reduction.NONE ? metrics.size() * rows() : metrics.size(); }

    @Override
    public double[] classWeights() { return classWeights == null ? null : classWeights.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryScoreSpec s && s.metrics.equals(metrics) && s.style == style && s.reduction == reduction
                && s.images == images && s.classes == classes && Double.compare(s.eps, eps) == 0
                && Double.compare(s.zeroDivision, zeroDivision) == 0 && Double.compare(s.beta, beta) == 0
                && Arrays.equals(s.classWeights, classWeights) && s.microZeroDivision == microZeroDivision;
    }

    @Override
    public int hashCode() { return metrics.hashCode() * 31 + reduction.hashCode(); }
}
