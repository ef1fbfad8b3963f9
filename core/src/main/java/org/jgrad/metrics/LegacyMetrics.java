package org.jgrad.metrics;

import org.jgrad.metrics.BinaryScoreSpec.Metric;
import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.tensor.Tensor;

/**
 * The scores of segmentation_models_pytorch's legacy {@code utils.metrics} classes ({@code IoU},
 * {@code Fscore}, {@code Accuracy}, {@code Precision}, {@code Recall}) as functions of one batch:
 * predictions thresholded with the spec's rule (smp legacy: {@code > threshold}, the default of
 * {@link BinaryStatsSpec#probabilities()} and {@link BinaryStatsSpec#logits()}; sigmoid first when the spec says so),
 * then every pixel of every kept channel summed, then
 * <ul>
 * <li>IoU = (tp + eps) / (tp + fp + fn + eps)</li>
 * <li>F-beta = ((1+b²)tp + eps) / ((1+b²)tp + b²fn + fp + eps) — Dice when beta = 1</li>
 * <li>accuracy = (tp + tn) / pixels (no eps)</li>
 * <li>precision = (tp + eps) / (tp + fp + eps), recall = (tp + eps) / (tp + fn + eps)</li>
 * </ul>
 * smp's defaults: eps = 1e-7, threshold = 0.5, no activation. smp's {@code threshold=None} (soft
 * scores on the probabilities, no counting) is {@link #softIou}, {@link #softFscore},
 * {@link #softAccuracy}, {@link #softPrecision} and {@link #softRecall}. Unlike smp (which sums in the
 * input's float type), counts are exact 64-bit integers.
 */
public final class LegacyMetrics {
    private LegacyMetrics() {}

    private static double one(Tensor preds, Tensor targets, BinaryStatsSpec spec, double eps, double beta, Metric m) {
        if (spec.grouping() != BinaryStatsSpec.Grouping.WHOLE) {
            throw new IllegalArgumentException("legacy metrics sum the whole batch: spec.grouping must be WHOLE, got " + spec.grouping());
        }
        if (!(eps >= 0)) throw new IllegalArgumentException("eps must be >= 0, got " + eps);
        try (Tensor counts = BinaryStats.stats(preds, targets, spec)) {
            return BinaryStats.score(counts, Scores.legacy(eps, beta, m)).get(m);
        }
    }

    public static double iou(Tensor preds, Tensor targets, BinaryStatsSpec spec, double eps) {
        return one(preds, targets, spec, eps, 1, Metric.IOU);
    }

    /** smp's defaults: probabilities, threshold 0.5, eps 1e-7. */
    public static double iou(Tensor preds, Tensor targets) {
        return iou(preds, targets, BinaryStatsSpec.probabilities(), Scores.LEGACY_EPS);
    }

    public static double fscore(Tensor preds, Tensor targets, BinaryStatsSpec spec, double beta, double eps) {
        if (!(beta >= 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
        return one(preds, targets, spec, eps, beta, Metric.FSCORE);
    }

    /** Dice = F1 with smp's defaults. */
    public static double dice(Tensor preds, Tensor targets) {
        return fscore(preds, targets, BinaryStatsSpec.probabilities(), 1, Scores.LEGACY_EPS);
    }

    public static double accuracy(Tensor preds, Tensor targets, BinaryStatsSpec spec) {
        return one(preds, targets, spec, 0, 1, Metric.ACCURACY);
    }

    public static double precision(Tensor preds, Tensor targets, BinaryStatsSpec spec, double eps) {
        return one(preds, targets, spec, eps, 1, Metric.PRECISION);
    }

    public static double recall(Tensor preds, Tensor targets, BinaryStatsSpec spec, double eps) {
        return one(preds, targets, spec, eps, 1, Metric.RECALL);
    }

    // ------------------------------------------------------------------ threshold=None: soft scores

    /**
     * smp's legacy {@code iou(pr, gt, eps, threshold=None)}: on the probabilities themselves
     * (sigmoid of preds first when activation is SIGMOID), ignoreChannels removed. Formulas:
     * {@link ScoreFormulas#legacySoft}.
     */
    public static double softIou(Tensor preds, Tensor targets, BinaryStatsSpec.Activation activation, double eps, int... ignoreChannels) {
        return SoftLegacy.score(Metric.IOU, preds, targets, activation, eps, 1, ignoreChannels);
    }

    /** smp's legacy {@code f_score(pr, gt, beta, eps, threshold=None)}; Dice at beta 1. */
    public static double softFscore(Tensor preds, Tensor targets, BinaryStatsSpec.Activation activation, double beta, double eps,
                                    int... ignoreChannels) {
        if (!(beta >= 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
        return SoftLegacy.score(Metric.FSCORE, preds, targets, activation, eps, beta, ignoreChannels);
    }

    /** smp's legacy {@code precision(pr, gt, eps, threshold=None)}. */
    public static double softPrecision(Tensor preds, Tensor targets, BinaryStatsSpec.Activation activation, double eps, int... ignoreChannels) {
        return SoftLegacy.score(Metric.PRECISION, preds, targets, activation, eps, 1, ignoreChannels);
    }

    /** smp's legacy {@code recall(pr, gt, eps, threshold=None)}. */
    public static double softRecall(Tensor preds, Tensor targets, BinaryStatsSpec.Activation activation, double eps, int... ignoreChannels) {
        return SoftLegacy.score(Metric.RECALL, preds, targets, activation, eps, 1, ignoreChannels);
    }

    /** smp's legacy {@code accuracy(pr, gt, threshold=None)}: the fraction of elements where gt == pr exactly. */
    public static double softAccuracy(Tensor preds, Tensor targets, BinaryStatsSpec.Activation activation, int... ignoreChannels) {
        return SoftLegacy.score(Metric.ACCURACY, preds, targets, activation, 0, 1, ignoreChannels);
    }
}
