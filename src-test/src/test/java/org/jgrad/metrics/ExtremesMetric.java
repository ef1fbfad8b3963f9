package org.jgrad.metrics;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * A test metric using the reductions no counting metric needs: the smallest and largest prediction
 * (MIN and MAX states), how many were seen (SUM) and every prediction in order (CAT). Its result
 * is exact, so merged or synced accumulators must equal one fed every batch.
 */
final class ExtremesMetric extends StatefulMetric<ExtremesMetric.Result> {
    record Result(double min, double max, long count, String values) {}

    ExtremesMetric(StateReduction minReduction) {
        super(new StateDeclaration("min", DType.FLOAT32, new int[]{1}, minReduction, Double.POSITIVE_INFINITY),
                StateDeclaration.max("max", DType.FLOAT32, Double.NEGATIVE_INFINITY, 1),
                StateDeclaration.sum("count", DType.INT64, 1),
                StateDeclaration.cat("values", DType.FLOAT32));
    }

    ExtremesMetric() { this(StateReduction.MIN); }

    @Override
    protected Object statisticsKey() { return "extremes"; }

    @Override
    protected void count(Tensor preds, Tensor targets) {
        ensureStates(preds.device());
        try (Tensor flat = preds.contiguous().flatten(); Tensor lo = flat.min().view(1); Tensor hi = flat.max().view(1);
             Tensor newLo = state("min").minimum(lo); Tensor newHi = state("max").maximum(hi)) {
            state("min").copy_(newLo);
            state("max").copy_(newHi);
            try (Tensor n = Tensor.full(flat.numel(), DType.INT64, preds.device(), 1)) {
                state("count").add_(n);
            }
            append("values", flat);
        }
    }

    @Override
    protected Result result() {
        if (!hasState()) return new Result(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, "[]");
        try (Tensor v = concatenated("values")) {
            return new Result(state("min").toDoubleArray()[0], state("max").toDoubleArray()[0], state("count").toLongArray()[0],
                    Arrays.toString(v.toFloatArray()));
        }
    }
}
