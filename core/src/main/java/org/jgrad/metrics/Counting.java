package org.jgrad.metrics;

import org.jgrad.backend.Backend;
import org.jgrad.backend.Backends;
import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.MetricCounting;
import org.jgrad.tensor.Tensor;

import java.util.Optional;

/**
 * Where every metric gets its counts: the backend's fused kernels ({@link MetricCounting}) when
 * it offers them, else the same counts composed from ordinary tensor ops
 * ({@link ComposedCounting}). Callers have checked shapes, dtypes and devices; counters are
 * accumulated into.
 */
final class Counting {
    private Counting() {}

    /** The backend of a tensor's device: the one place the metrics look a backend up. */
    static Backend backendOf(Tensor t) { return Backends.of(t.device()); }

    private static Optional<MetricCounting> fused(Tensor t) { return backendOf(t).capability(MetricCounting.class); }

    static void binaryStats(Tensor preds, Tensor targets, BinaryStatsSpec spec, Tensor counts) {
        Optional<MetricCounting> f = fused(preds);
        if (f.isPresent()) f.get().binaryStats(preds.raw(), targets.raw(), spec, counts.raw());
        else ComposedCounting.binaryStats(preds, targets, spec, counts);
    }

    static void confusionFromLogits(Tensor logits, Tensor targets, long ignoreIndex, Tensor hist, Tensor bad) {
        Optional<MetricCounting> f = fused(logits);
        if (f.isPresent()) f.get().confusionFromLogits(logits.raw(), targets.raw(), ignoreIndex, hist.raw(), bad.raw());
        else ComposedCounting.confusionFromLogits(logits, targets, ignoreIndex, hist, bad);
    }

    static void confusionFromLabels(Tensor preds, Tensor targets, long ignoreIndex, Tensor hist, Tensor bad) {
        Optional<MetricCounting> f = fused(preds);
        if (f.isPresent()) f.get().confusionFromLabels(preds.raw(), targets.raw(), ignoreIndex, hist.raw(), bad.raw());
        else ComposedCounting.confusionFromLabels(preds, targets, ignoreIndex, hist, bad);
    }
}
