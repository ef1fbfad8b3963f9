package org.jgrad.metrics;

import org.jgrad.metrics.BinaryScoreSpec.Metric;
import org.jgrad.metrics.BinaryScoreSpec.Reduction;
import org.jgrad.metrics.BinaryScoreSpec.Style;

import java.util.List;

/**
 * Ready-made {@link BinaryScoreSpec}s. The formulas and reductions are documented in
 * {@link ScoreFormulas} and {@link BinaryScoring}.
 */
public final class Scores {
    private Scores() {}

    /** smp's {@code metrics.get_stats} default: 0/0 scores 1.0. */
    public static final double SMP_ZERO_DIVISION = 1.0;
    /** smp's legacy {@code utils.metrics} default eps. */
    public static final double LEGACY_EPS = 1e-7;

    /**
     * smp's newer functions ({@code iou_score}, {@code f1_score}, {@code accuracy}, ...) over counts of
     * {@code images x classes} rows, with smp's default zero_division 1.0 and beta 1 (F1 = Dice).
     */
    public static BinaryScoreSpec smp(int images, int classes, Reduction reduction, Metric... metrics) {
        return new BinaryScoreSpec(List.of(metrics), Style.SMP, reduction, images, classes, 0, SMP_ZERO_DIVISION, 1.0, null);
    }

    /**
     * smp's newer functions with every knob. zeroDivision may be any number or NaN (smp then
     * leaves a 0/0 NaN, and the reductions over it are NaN).
     */
    public static BinaryScoreSpec smp(int images, int classes, Reduction reduction, double zeroDivision, double beta,
                                      double[] classWeights, Metric... metrics) {
        return new BinaryScoreSpec(List.of(metrics), Style.SMP, reduction, images, classes, 0, zeroDivision, beta, classWeights);
    }

    /** smp's legacy classes: everything summed (MICRO), eps added to numerator and denominator. */
    public static BinaryScoreSpec legacy(double eps, double beta, Metric... metrics) {
        return new BinaryScoreSpec(List.of(metrics), Style.LEGACY, Reduction.MICRO, 1, 1, eps, 0, beta, null);
    }
}
