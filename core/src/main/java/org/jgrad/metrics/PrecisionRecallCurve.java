package org.jgrad.metrics;

import java.util.Arrays;

/**
 * A precision-recall curve as data, in scikit-learn 1.2's {@code precision_recall_curve} and
 * torchmetrics' {@code binary_precision_recall_curve} layout: {@code thresholds} increasing
 * (n values), {@code precision} and {@code recall} of {@code score >= thresholds[i]} (n + 1 values,
 * the last point being precision 1, recall 0). Exact curves have one threshold per distinct score;
 * binned ones one per given threshold, with precision NaN where no score reaches the threshold
 * (torchmetrics). Without positive targets the exact recall is 1 everywhere (both libraries);
 * binned it is NaN (torchmetrics).
 */
public record PrecisionRecallCurve(double[] precision, double[] recall, double[] thresholds) {
    public PrecisionRecallCurve {
        precision = precision.clone();
        recall = recall.clone();
        thresholds = thresholds.clone();
        if (precision.length != recall.length || precision.length != thresholds.length + 1) {
            throw new IllegalArgumentException("precision and recall need thresholds.length + 1 values, got "
                    + precision.length + ", " + recall.length + " for " + thresholds.length + " thresholds");
        }
    }

    @Override public double[] precision() { return precision.clone(); }
    @Override public double[] recall() { return recall.clone(); }
    @Override public double[] thresholds() { return thresholds.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof PrecisionRecallCurve r && Arrays.equals(r.precision, precision) && Arrays.equals(r.recall, recall)
                && Arrays.equals(r.thresholds, thresholds);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(precision) * 31 + Arrays.hashCode(recall) * 17 + Arrays.hashCode(thresholds); }

    @Override
    public String toString() { return "PrecisionRecallCurve[" + thresholds.length + " thresholds]"; }
}
