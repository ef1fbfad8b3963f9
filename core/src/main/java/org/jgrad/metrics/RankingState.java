package org.jgrad.metrics;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The accumulated state of a ranking metric, in one of two forms that map one-to-one onto
 * declared states:
 * <ul>
 * <li>exact: {@code scores} (FLOAT32 [M, C]) and {@code targets} (INT64 [M] or [M, C]), each a
 *     CAT state — kept as the list of batches, concatenated when computed (torchmetrics' list states);</li>
 * <li>binned: {@code table} (INT64 [T, C, 2, 2]), a SUM state; the thresholds are configuration.</li>
 * </ul>
 * State lives on the device of the first batch, outside every {@code Scope}. Exact scores are
 * computed on the host (the collected scores are copied once and sorted: the backend offers no
 * sort); binned scores with tensor ops on the table's device, copying C + C doubles.
 */
final class RankingState {
    final RankingSpec spec;
    private final List<Tensor> scores = new ArrayList<>();  // CAT
    private final List<Tensor> targets = new ArrayList<>(); // CAT
    private Tensor table;                                   // SUM
    private Tensor thresholds;                              // FLOAT32 [T] on the state's device (configuration)
    private Device device;

    RankingState(RankingSpec spec) {
        MetricChecks.notNull(spec, "spec");
        this.spec = spec;
    }

    Device device() { return device; }

    void update(Tensor preds, Tensor target) {
        try (Scope scope = Scope.open()) {
            RankingInputs in = RankingInputs.of(preds, target, spec);
            claim(preds.device());
            if (spec.binned()) {
                Tensor batch = BinnedRanking.table(in, thresholds, spec);
                if (table == null) table = Scope.escape(batch.contiguous());
                else table.add_(batch);
            } else {
                scores.add(Scope.escape(in.scores().clone()));
                targets.add(Scope.escape(in.targets().clone()));
            }
        }
    }

    private void claim(Device d) {
        if (device == null) {
            device = d;
            if (spec.binned()) thresholds = Scope.escape(Tensor.fromArray(spec.thresholdsShared(), spec.thresholdsShared().length).to(d));
        } else if (!device.equals(d)) {
            throw new IllegalArgumentException("this metric holds its state on " + device + " but the batch is on " + d
                    + "; use one metric per device and merge() them");
        }
    }

    void merge(RankingState o) {
        if (o == this) throw new IllegalArgumentException("cannot merge a metric into itself");
        if (!o.spec.equals(spec)) throw new IllegalArgumentException("cannot merge a metric of " + o.spec + " into one of " + spec);
        if (o.device == null) return;
        claim(o.device);
        if (spec.binned()) {
            if (table == null) table = Scope.escape(o.table.clone());
            else table.add_(o.table);
        } else {
            for (Tensor t : o.scores) scores.add(Scope.escape(t.clone()));
            for (Tensor t : o.targets) targets.add(Scope.escape(t.clone()));
        }
    }

    void reset() {
        scores.forEach(Tensor::close);
        targets.forEach(Tensor::close);
        scores.clear();
        targets.clear();
        if (table != null) table.close();
        if (thresholds != null) thresholds.close();
        table = thresholds = null;
        device = null;
    }

    private void requireData() {
        if (device == null) throw new IllegalStateException("no samples: update() was not called since the last reset()");
    }

    // ------------------------------------------------------------------ scores

    RankingScore auroc() { return score(true); }

    RankingScore averagePrecision() { return score(false); }

    private RankingScore score(boolean auroc) {
        requireData();
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
        requireData();
        if (spec.binned()) return BinnedRanking.roc(table, spec.thresholdsShared(), cls);
        return ExactRanking.roc(host().curve(cls));
    }

    PrecisionRecallCurve precisionRecall(int cls) {
        requireData();
        if (spec.binned()) return BinnedRanking.precisionRecall(table, spec.thresholdsShared(), cls);
        return ExactRanking.precisionRecall(host().curve(cls));
    }

    /** The binned count table (a copy on the state's device), or null for an exact metric. */
    Tensor tableCopy() { return table == null ? null : table.clone(); }

    // ------------------------------------------------------------------ exact: the collected batches on the host

    private Host host() {
        int c = spec.numClasses(), m = 0;
        for (Tensor t : scores) m += t.size(0);
        float[] s = new float[m * c];
        long[] y = new long[spec.task() == RankingTask.MULTICLASS ? m : m * c];
        int at = 0, yt = 0;
        for (int i = 0; i < scores.size(); i++) {
            float[] bs = scores.get(i).toFloatArray();
            long[] by = targets.get(i).to(DType.INT64).toLongArray();
            System.arraycopy(bs, 0, s, at, bs.length);
            System.arraycopy(by, 0, y, yt, by.length);
            at += bs.length;
            yt += by.length;
        }
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
