package org.jgrad.backend;

import org.jgrad.tensor.View;

/** The CPU's fused counting kernels ({@link MetricCounting}), mixed into {@link CpuBackend}; loops in {@link CpuMetricKernels}. */
interface CpuMetric extends MetricCounting {

    @Override
    default void binaryStats(View preds, View targets, BinaryStatsSpec spec, View counts) {
        CpuMetricKernels.binaryStats(preds, targets, spec, counts);
    }

    @Override
    default void confusionFromLogits(View logits, View targets, long ignoreIndex, View hist, View badLabelCount) {
        CpuMetricKernels.confusionFromLogits(logits, targets, ignoreIndex, hist, badLabelCount);
    }

    @Override
    default void confusionFromLabels(View preds, View targets, long ignoreIndex, View hist, View badLabelCount) {
        CpuMetricKernels.confusionFromLabels(preds, targets, ignoreIndex, hist, badLabelCount);
    }
}
