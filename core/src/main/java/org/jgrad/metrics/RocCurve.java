package org.jgrad.metrics;

import java.util.Arrays;

/**
 * A ROC curve as data, in scikit-learn's {@code roc_curve(drop_intermediate=False)} and
 * torchmetrics' {@code binary_roc} layout: {@code thresholds} decreasing, {@code fpr[i]} and
 * {@code tpr[i]} the rates of {@code score >= thresholds[i]}. Exact curves start at (0, 0) with the
 * threshold +Infinity (scikit-learn 1.3 and later; scikit-learn 1.2 writes max + 1 there,
 * torchmetrics 1.0); binned curves have one point per given threshold and no extra point, as
 * torchmetrics. A rate whose denominator is 0 (no negatives, or no positives) is 0, as torchmetrics
 * (scikit-learn gives NaN).
 */
public record RocCurve(double[] fpr, double[] tpr, double[] thresholds) {
    public RocCurve {
        fpr = fpr.clone();
        tpr = tpr.clone();
        thresholds = thresholds.clone();
        if (fpr.length != tpr.length || fpr.length != thresholds.length) {
            throw new IllegalArgumentException("fpr, tpr and thresholds differ in length: " + fpr.length + ", " + tpr.length + ", " + thresholds.length);
        }
    }

    @Override public double[] fpr() { return fpr.clone(); }
    @Override public double[] tpr() { return tpr.clone(); }
    @Override public double[] thresholds() { return thresholds.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof RocCurve r && Arrays.equals(r.fpr, fpr) && Arrays.equals(r.tpr, tpr) && Arrays.equals(r.thresholds, thresholds);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(fpr) * 31 + Arrays.hashCode(tpr) * 17 + Arrays.hashCode(thresholds); }

    @Override
    public String toString() { return "RocCurve[" + thresholds.length + " points]"; }
}
