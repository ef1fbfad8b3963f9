package org.jgrad.backend;

import org.jgrad.tensor.Tensor;

/** The CPU implementations of {@link MetricPrimitives}, mixed into {@link CpuBackend}; loops in {@link CpuMetricKernels}. */
interface CpuMetric extends MetricPrimitives {

    @Override
    default void binaryStats(Tensor preds, Tensor targets, BinaryStatsSpec spec, Tensor counts) {
        CpuMetricKernels.binaryStats(preds, targets, spec, counts);
    }

    @Override
    default void confusionFromLogits(Tensor logits, Tensor targets, long ignoreIndex, Tensor hist, Tensor badLabelCount) {
        CpuMetricKernels.confusionFromLogits(logits, targets, ignoreIndex, hist, badLabelCount);
    }

    @Override
    default void confusionFromLabels(Tensor preds, Tensor targets, long ignoreIndex, Tensor hist, Tensor badLabelCount) {
        CpuMetricKernels.confusionFromLabels(preds, targets, ignoreIndex, hist, badLabelCount);
    }

    @Override
    default void binaryScores(Tensor counts, BinaryScoreSpec spec, Tensor out) {
        double[] v = MetricMath.binaryScores(counts.toLongArray(), spec);
        System.arraycopy(v, 0, ((CpuStorage) out.storage()).f64(), out.offset(), v.length);
    }

    @Override
    default void confusionScores(Tensor hist, ConfusionScoreSpec spec, Tensor out) {
        double[] v = MetricMath.confusionScores(hist.toLongArray(), hist.size(0), spec);
        System.arraycopy(v, 0, ((CpuStorage) out.storage()).f64(), out.offset(), v.length);
    }
}
