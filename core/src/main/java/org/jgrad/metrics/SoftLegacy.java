package org.jgrad.metrics;

import org.jgrad.backend.BinaryStatsSpec.Activation;
import org.jgrad.metrics.BinaryScoreSpec.Metric;
import org.jgrad.ops.Concat;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * smp's legacy {@code utils.functional} scores with {@code threshold=None}: soft scores on the
 * probabilities themselves, from one pass of sums on the inputs' device (Σ gt·pr, Σ pr, Σ gt and,
 * for accuracy, the count of exactly equal elements), then smp's eps formulas
 * ({@link ScoreFormulas#legacySoft}). The sigmoid, when asked for, runs in float32 as smp's
 * {@code Activation("sigmoid")} on a float32 tensor; the sums run in float64 (smp sums in float32).
 */
final class SoftLegacy {
    private SoftLegacy() {}

    static double score(Metric m, Tensor preds, Tensor targets, Activation activation, double eps, double beta, int[] ignoreChannels) {
        MetricChecks.open(preds, "preds");
        MetricChecks.open(targets, "targets");
        MetricChecks.notNull(activation, "activation");
        MetricChecks.sameDevice(preds, "preds", targets, "targets");
        MetricChecks.sameShape(preds, "preds", targets, "targets");
        if (preds.dtype() != DType.FLOAT32) throw new IllegalArgumentException("preds must be FLOAT32 probabilities or logits, got " + preds.dtype());
        if (!(eps >= 0)) throw new IllegalArgumentException("eps must be >= 0, got " + eps);
        try (Scope scope = Scope.open()) {
            Tensor p = activation == Activation.SIGMOID ? preds.sigmoid() : preds;
            Tensor t = targets;
            if (ignoreChannels != null && ignoreChannels.length > 0) { // smp's _take_channels
                p = kept(p, ignoreChannels);
                t = kept(t, ignoreChannels);
            }
            Tensor pd = p.to(DType.FLOAT64), td = t.to(DType.FLOAT64);
            Tensor sums = Concat.cat(List.of(pd.mul(td).sum().view(1), pd.sum().view(1), td.sum().view(1),
                    pd.eq(td).to(DType.FLOAT64).sum().view(1)), 0);
            double n = pd.numel();
            return ScoreFormulas.legacySoft(m, sums.narrow(0, 0, 1), sums.narrow(0, 1, 1), sums.narrow(0, 2, 1), sums.narrow(0, 3, 1),
                    n, eps, beta).toDoubleArray()[0];
        }
    }

    private static Tensor kept(Tensor x, int[] ignore) {
        if (x.dim() < 2) throw new IllegalArgumentException("ignoreChannels needs [N, C, ...] inputs, got " + Arrays.toString(x.shape()));
        List<Tensor> parts = new ArrayList<>();
        for (int c = 0; c < x.size(1); c++) {
            final int ch = c;
            if (Arrays.stream(ignore).noneMatch(i -> i == ch)) parts.add(x.narrow(1, c, 1));
        }
        for (int i : ignore) {
            if (i < 0 || i >= x.size(1)) throw new IllegalArgumentException("ignoreChannels holds " + i + " but the input has " + x.size(1) + " channels");
        }
        if (parts.isEmpty()) throw new IllegalArgumentException("ignoreChannels " + Arrays.toString(ignore) + " removes every channel");
        return Concat.cat(parts, 1);
    }
}
