package org.jgrad.metrics;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;


/**
 * Scores and curves from a ranking metric's state (tensors this object reads, never owns), in
 * one of two forms — the declared states of {@link RankingMetric}, or one batch for
 * {@link Ranking}:
 * <ul>
 * <li>exact: {@code scores} FLOAT32 [M, C] and {@code targets} INT64 [M] or [M, C];</li>
 * <li>binned: {@code table} INT64 [T, C, 2, 2]; the thresholds come from the spec.</li>
 * </ul>
 * Exact scores are computed on the host (the scores are copied once and sorted: the backend
 * offers no sort); binned scores with tensor ops on the table's device, copying C + C doubles.
 */
final class RankingState {
    final RankingSpec spec;
    private final Tensor scores, targets; // exact
    private final Tensor table;           // binned

    private RankingState(RankingSpec spec, Tensor scores, Tensor targets, Tensor table) {
        this.spec = spec;
        this.scores = scores;
        this.targets = targets;
        this.table = table;
    }

    static RankingState exact(RankingSpec spec, Tensor scores, Tensor targets) {
        if (scores.size(0) == 0) throw new IllegalStateException("no samples: no rank counted a batch since the last reset()");
        return new RankingState(spec, scores, targets, null);
    }

    static RankingState binned(RankingSpec spec, Tensor table) { return new RankingState(spec, null, null, table); }

    /** One batch, its tensors in the current scope. */
    static RankingState of(RankingInputs in, RankingSpec spec) {
        if (!spec.binned()) return exact(spec, in.scores(), in.targets());
        return binned(spec, BinnedRanking.table(in, thresholdsOn(in.scores().device(), spec), spec));
    }

    /** The spec's thresholds as a FLOAT32 [T] tensor on {@code d}, in the current scope. */
    static Tensor thresholdsOn(Device d, RankingSpec spec) {
        float[] t = spec.thresholdsShared();
        return Tensor.fromArray(t, t.length).to(d);
    }

    // ------------------------------------------------------------------ scores

    RankingScore auroc() { return score(true); }

    RankingScore averagePrecision() { return score(false); }

    private RankingScore score(boolean auroc) {
        String name = auroc ? "AUROC" : "average precision";
        if (spec.binned()) {
            try (Scope scope = Scope.open()) {
                boolean micro = spec.average() == RankingAverage.MICRO && spec.task() == RankingTask.MULTILABEL;
                Tensor tab = micro ? table.sum(1, true) : table;
                Tensor per = auroc ? BinnedRanking.auroc(tab) : BinnedRanking.averagePrecision(tab);
                double[] both = org.jgrad.ops.Concat.cat(0, per, BinnedRanking.positives(tab)).toDoubleArray();
                int c = tab.size(1);
                return reduce(java.util.Arrays.copyOfRange(both, 0, c), java.util.Arrays.copyOfRange(both, c, 2 * c), micro, name);
            }
        }
        Host h = host();
        int c = spec.numClasses();
        if (spec.average() == RankingAverage.MICRO && spec.task() == RankingTask.MULTILABEL) {
            ExactRanking.Clf curve = h.microCurve();
            double v = auroc ? ExactRanking.auroc(curve, name + " (micro)") : ExactRanking.averagePrecision(curve, 0, name + " (micro)");
            return reduce(new double[]{v}, new double[]{curve.positives()}, true, name);
        }
        double[] per = new double[c], pos = new double[c];
        double noPositives = spec.task() == RankingTask.MULTICLASS ? Double.NaN : 0;
        for (int k = 0; k < c; k++) {
            ExactRanking.Clf curve = h.curve(k);
            String what = name + (spec.task() == RankingTask.BINARY ? "" : " of class " + k);
            per[k] = auroc ? ExactRanking.auroc(curve, what) : ExactRanking.averagePrecision(curve, noPositives, what);
            pos[k] = curve.positives();
        }
        return reduce(per, pos, false, name);
    }

    /** torchmetrics' _reduce_auroc / _reduce_average_precision: NaN classes are left out of MACRO and WEIGHTED (with a warning). */
    private RankingScore reduce(double[] per, double[] positives, boolean micro, String name) {
        RankingAverage a = spec.average();
        if (spec.task() == RankingTask.BINARY || micro) return new RankingScore(a, per[0], per);
        if (a == RankingAverage.NONE) return new RankingScore(a, Double.NaN, per);
        double sum = 0, wsum = 0, wdot = 0;
        int n = 0;
        for (int k = 0; k < per.length; k++) {
            if (Double.isNaN(per[k])) continue;
            sum += per[k];
            n++;
            wsum += positives[k];
        }
        if (n < per.length) RankingWarnings.warn(name + " was NaN for " + (per.length - n) + " class(es); they are left out of the " + a + " average (torchmetrics)");
        if (a == RankingAverage.MACRO) return new RankingScore(a, n == 0 ? Double.NaN : sum / n, per);
        for (int k = 0; k < per.length; k++) if (!Double.isNaN(per[k]) && wsum != 0) wdot += per[k] * (positives[k] / wsum);
        return new RankingScore(a, wdot, per);
    }

    // ------------------------------------------------------------------ curves (binary tasks, or one class / label)

    RocCurve roc(int cls) {
        if (spec.binned()) return BinnedRanking.roc(table, spec.thresholdsShared(), cls);
        return ExactRanking.roc(host().curve(cls));
    }

    PrecisionRecallCurve precisionRecall(int cls) {
        if (spec.binned()) return BinnedRanking.precisionRecall(table, spec.thresholdsShared(), cls);
        return ExactRanking.precisionRecall(host().curve(cls));
    }

    // ------------------------------------------------------------------ exact: the collected batches on the host

    private Host host() {
        int c = spec.numClasses(), m = scores.size(0);
        float[] s = scores.contiguous().toFloatArray();
        long[] y = targets.to(DType.INT64).contiguous().toLongArray();
        return new Host(s, y, m, c, spec);
    }

    /** Collected scores [m, c] row-major and targets, with the per-class (one-vs-rest) curves. */
    private record Host(float[] s, long[] y, int m, int c, RankingSpec spec) {
        ExactRanking.Clf curve(int k) {
            long[] keys = new long[m];
            int n = 0;
            boolean multiclass = spec.task() == RankingTask.MULTICLASS;
            for (int i = 0; i < m; i++) {
                long t = multiclass ? y[i] : y[i * c + k];
                if (spec.hasIgnore() && t == spec.ignoreIndex()) continue;
                keys[n++] = ExactRanking.key(s[i * c + k], multiclass ? t == k : t == 1);
            }
            return ExactRanking.curve(keys, n);
        }

        ExactRanking.Clf microCurve() {
            long[] keys = new long[m * c];
            int n = 0;
            for (int i = 0; i < m * c; i++) {
                if (spec.hasIgnore() && y[i] == spec.ignoreIndex()) continue;
                keys[n++] = ExactRanking.key(s[i], y[i] == 1);
            }
            return ExactRanking.curve(keys, n);
        }
    }
}
