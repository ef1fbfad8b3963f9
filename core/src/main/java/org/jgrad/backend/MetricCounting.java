package org.jgrad.backend;

import org.jgrad.tensor.View;

/**
 * Optional fused counting kernels for the metrics, offered through
 * {@link Backend#capability(Class)}. A backend without them still runs every metric: the
 * metrics package composes the same counts from the required primitives. Scores are never
 * computed here; {@code org.jgrad.metrics} computes them from the counts.
 *
 * <p>Inputs may have any strides. Counters are INT64 contiguous views on the inputs' device
 * and are ACCUMULATED into ({@code +=}), so an epoch's counters never leave the device. Counts
 * are integers, so every backend must agree with the CPU exactly.
 */
public interface MetricCounting {

    /**
     * One pass over predictions and targets, adding tp, fp, fn, tn into {@code counts}.
     *
     * @param preds   FLOAT32 {@code [N, C, ...]} or {@code [N]}: logits or probabilities
     * @param targets UINT8, INT32, INT64 or FLOAT32 of preds' shape; != 0 is positive
     * @param spec    threshold, activation, grouping, ignore value and channels; see {@link BinaryStatsSpec}
     * @param counts  INT64 contiguous {@code [spec.groups(shape), 4]}: columns tp, fp, fn, tn; added into
     */
    void binaryStats(View preds, View targets, BinaryStatsSpec spec, View counts);

    /**
     * Argmax over the class dim fused with the confusion histogram; the argmax is never
     * written. Argmax takes the first maximum; NaN counts as the maximum (first NaN wins), as
     * {@code torch.argmax}.
     *
     * @param logits        FLOAT32 {@code [N, C, ...]} (class dim 1) or {@code [N, C]}
     * @param targets       UINT8, INT32 or INT64 {@code [N, ...]}: logits' shape without dim 1
     * @param ignoreIndex   target value to skip entirely, or {@code Long.MIN_VALUE} for none
     * @param hist          INT64 contiguous {@code [C, C]}, rows = true, columns = predicted; added into
     * @param badLabelCount INT64 {@code [1]}: targets outside [0, C) that are not ignoreIndex are
     *                      added here and not to hist (never written out of bounds)
     */
    void confusionFromLogits(View logits, View targets, long ignoreIndex, View hist, View badLabelCount);

    /**
     * The confusion histogram from predicted and true labels of the same shape (UINT8, INT32 or
     * INT64, not necessarily the same dtype). A pixel whose target is ignoreIndex is skipped; a
     * pixel with a target or prediction outside [0, C) is added to badLabelCount instead of hist.
     */
    void confusionFromLabels(View preds, View targets, long ignoreIndex, View hist, View badLabelCount);
}
