package org.jgrad.backend;

import org.jgrad.tensor.Tensor;

/**
 * Metric primitives. Each method has a default that throws {@link UnsupportedOperationException}
 * naming the primitive and the backend, so a backend can be brought up family by family; the
 * CPU backend implements every one (see {@code CpuMetric}), and is the reference every other
 * backend must match exactly (counts are integers; scores are the doubles of {@link MetricMath}).
 *
 * <p>Callers ({@code org.jgrad.metrics}) have checked shapes, dtypes and devices. Inputs may have
 * any strides. Counters are INT64 tensors on the inputs' device and are ACCUMULATED into
 * ({@code +=}), so an epoch's counters never leave the device.
 */
public interface MetricPrimitives {

    /**
     * One pass over predictions and targets, adding tp, fp, fn, tn into {@code counts}.
     *
     * @param preds   FLOAT32 {@code [N, C, ...]} or {@code [N]}: logits or probabilities
     * @param targets UINT8, INT32, INT64 or FLOAT32 of preds' shape; != 0 is positive
     * @param spec    threshold, activation, grouping, ignore value and channels; see {@link BinaryStatsSpec}
     * @param counts  INT64 contiguous {@code [spec.groups(shape), 4]}: columns tp, fp, fn, tn; added into
     */
    default void binaryStats(Tensor preds, Tensor targets, BinaryStatsSpec spec, Tensor counts) {
        throw Backend.unsupported("binaryStats", this);
    }

    /**
     * Argmax over the class dim fused with the confusion histogram; the argmax tensor is never
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
    default void confusionFromLogits(Tensor logits, Tensor targets, long ignoreIndex, Tensor hist, Tensor badLabelCount) {
        throw Backend.unsupported("confusionFromLogits", this);
    }

    /**
     * The confusion histogram from predicted and true labels of the same shape (UINT8, INT32 or
     * INT64, not necessarily the same dtype). A pixel whose target is ignoreIndex is skipped; a
     * pixel with a target or prediction outside [0, C) is added to badLabelCount instead of hist.
     */
    default void confusionFromLabels(Tensor preds, Tensor targets, long ignoreIndex, Tensor hist, Tensor badLabelCount) {
        throw Backend.unsupported("confusionFromLabels", this);
    }

    /**
     * Scores from a counts tensor made by {@link #binaryStats}, computed on the device so that only
     * {@code out}'s few doubles need to cross to the host.
     *
     * @param counts INT64 {@code [spec.rows(), 4]}
     * @param out    FLOAT64 contiguous, {@code spec.outputLength()} elements; overwritten
     */
    default void binaryScores(Tensor counts, BinaryScoreSpec spec, Tensor out) {
        throw Backend.unsupported("binaryScores", this);
    }

    /**
     * Scores from a confusion histogram, on the device.
     *
     * @param hist INT64 {@code [C, C]}
     * @param out  FLOAT64 contiguous, {@code spec.outputLength(C)} elements; overwritten
     */
    default void confusionScores(Tensor hist, ConfusionScoreSpec spec, Tensor out) {
        throw Backend.unsupported("confusionScores", this);
    }
}
