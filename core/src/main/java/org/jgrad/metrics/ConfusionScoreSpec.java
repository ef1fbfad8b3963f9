package org.jgrad.metrics;

import java.util.List;

/**
 * Which scores {@link Confusion#scores} derives from a C x C confusion matrix
 * (INT64, rows = true class, columns = predicted class). Formulas in {@link ConfusionScoring}.
 *
 * <p>Output: FLOAT64 of {@link #outputLength(int)} values: metric after metric, each taking one
 * value, or C values for a per-class metric with {@link Average#NONE}.
 *
 * @param metrics      the scores, in output order
 * @param average      how per-class scores (PRECISION, RECALL, FSCORE, IOU) are averaged, as
 *                     scikit-learn's {@code average=}
 * @param zeroDivision the value of a 0/0 per-class score (scikit-learn's {@code zero_division})
 * @param absent       what MACRO does with a class absent from both targets and predictions
 * @param beta         for FSCORE
 */
public record ConfusionScoreSpec(List<Metric> metrics, Average average, double zeroDivision, Absent absent, double beta) {

    /**
     * PRECISION, RECALL, FSCORE (any beta), IOU and SPECIFICITY are per class (then averaged as
     * asked); the others are one number whatever the average. MEAN_IOU is IOU with a MACRO average
     * (one number), kept separate for segmentation reports. BALANCED_ACCURACY_ADJUSTED is
     * scikit-learn's {@code adjusted=True}; KAPPA_LINEAR and KAPPA_QUADRATIC are
     * {@code cohen_kappa_score(weights=...)} over the classes 0..C-1; MCC is
     * {@code matthews_corrcoef}. Formulas: {@link ConfusionScoring}.
     */
    public enum Metric {
        ACCURACY, BALANCED_ACCURACY, PRECISION, RECALL, FSCORE, IOU, MEAN_IOU, KAPPA,
        SPECIFICITY, BALANCED_ACCURACY_ADJUSTED, KAPPA_LINEAR, KAPPA_QUADRATIC, MCC
    }

    public enum Average { NONE, MICRO, MACRO, WEIGHTED }

    /**
     * EXCLUDE: a class with no true and no predicted sample is left out of MACRO means (as
     * torchmetrics' JaccardIndex, and as scikit-learn when it is not given {@code labels}).
     * ZERO_DIVISION: it is scored {@code zeroDivision} and counted (scikit-learn with
     * {@code labels=range(C)}).
     */
    public enum Absent { EXCLUDE, ZERO_DIVISION }

    public ConfusionScoreSpec {
        if (metrics == null || metrics.isEmpty()) throw new IllegalArgumentException("metrics must name at least one score, got " + metrics);
        metrics = List.copyOf(metrics);
        if (average == null) throw new IllegalArgumentException("average must not be null");
        if (absent == null) throw new IllegalArgumentException("absent must not be null");
        if (Double.isNaN(zeroDivision)) throw new IllegalArgumentException("zeroDivision must be a number, got NaN");
        if (!(beta >= 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
    }

    static boolean perClass(Metric m) {
        return m == Metric.PRECISION || m == Metric.RECALL || m == Metric.FSCORE || m == Metric.IOU || m == Metric.SPECIFICITY;
    }

    /** Values metric {@code m} takes in the output. */
    public int width(Metric m, int classes) { return perClass(m) && average == Average.NONE ? classes : 1; }

    public int outputLength(int classes) {
        int n = 0;
        for (Metric m : metrics) n += width(m, classes);
        return n;
    }
}
