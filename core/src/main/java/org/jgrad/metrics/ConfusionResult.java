package org.jgrad.metrics;

/**
 * What {@link ConfusionMatrix#compute()} returns: host doubles only. Per-class arrays have one
 * value per class (0/0 scored {@code zeroDivision}); the macro means treat absent classes as
 * configured ({@link ConfusionScoreSpec.Absent}). Formulas: {@link ScoreFormulas} and {@link ConfusionScoring}.
 */
public record ConfusionResult(double accuracy, double balancedAccuracy, double kappa, double meanIoU,
                              double macroPrecision, double macroRecall, double macroF1,
                              double[] precision, double[] recall, double[] f1, double[] iou) {

    public ConfusionResult {
        precision = precision.clone();
        recall = recall.clone();
        f1 = f1.clone();
        iou = iou.clone();
    }

    @Override public double[] precision() { return precision.clone(); }
    @Override public double[] recall() { return recall.clone(); }
    @Override public double[] f1() { return f1.clone(); }
    @Override public double[] iou() { return iou.clone(); }

    /** The values, per-class arrays included (a record would print their identity). */
    @Override
    public String toString() {
        return "ConfusionResult[accuracy=" + accuracy + ", balancedAccuracy=" + balancedAccuracy + ", kappa=" + kappa
                + ", meanIoU=" + meanIoU + ", macroPrecision=" + macroPrecision + ", macroRecall=" + macroRecall
                + ", macroF1=" + macroF1 + ", precision=" + java.util.Arrays.toString(precision) + ", recall="
                + java.util.Arrays.toString(recall) + ", f1=" + java.util.Arrays.toString(f1) + ", iou="
                + java.util.Arrays.toString(iou) + "]";
    }

    /** Per-class Dice = 2tp / (2tp + fp + fn), which is the per-class F1. */
    public double[] dice() { return f1.clone(); }

    /** Mean Dice over classes (absent classes as configured), which is the macro F1. */
    public double meanDice() { return macroF1; }
}
