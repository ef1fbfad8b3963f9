package org.jgrad.metrics;

import org.jgrad.ops.Concat;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * Top-k accuracy, torchmetrics 1.9's {@code MulticlassAccuracy(num_classes=C, top_k=k, average=...)}:
 * a sample is a hit when its target class is among its k highest scores. Per class c: tp = hits of
 * target c, fn = misses of target c, fp = misses whose highest score is c; score_c = tp / (tp + fn).
 * <ul>
 * <li>MICRO (scikit-learn's {@code top_k_accuracy_score}) = Σ tp / Σ (tp + fn): hits over samples.</li>
 * <li>MACRO = the mean of score_c over the classes that occur: for k = 1 those with tp + fp + fn > 0
 *     (so a class only ever predicted scores 0 and counts), for k > 1 those with tp + fn > 0.</li>
 * <li>WEIGHTED weighs score_c by tp + fn; NONE gives score_c (0 for a class with no targets).</li>
 * </ul>
 * Ties: for k = 1 the highest score is the first maximum (torch.argmax, as torchmetrics). For k > 1
 * the class of a tied k-th score is in the top k when its index is higher (class j outranks the target
 * t when {@code s_j > s_t}, or {@code s_j == s_t} and j > t): scikit-learn's rule (a reversed stable
 * argsort). torch.topk, which torchmetrics uses there, leaves the order of ties unspecified (on the
 * CPU it differs with the number of classes), so no fixed rule reproduces it. {@code ignoreIndex}
 * targets are skipped; NaN scores and labels outside [0, C) are errors.
 *
 * <p>State: one SUM state, the INT64 {@code [3, C]} counts (tp, fp, fn), on the first batch's
 * device; counted with tensor ops there (a gather, comparisons, one scatter-add per chunk).
 */
public final class TopKAccuracy implements Metric<RankingScore> {
    private static final int CHUNK_ELEMENTS = 1 << 22;

    private final int numClasses, k;
    private final RankingAverage average;
    private final Long ignoreIndex;
    private Tensor counts; // SUM, INT64 [3, C]: tp, fp, fn

    public TopKAccuracy(int numClasses, int k, RankingAverage average, Long ignoreIndex) {
        if (numClasses < 2) throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        if (k < 1 || k > numClasses) throw new IllegalArgumentException("k must be in [1, numClasses = " + numClasses + "], got " + k);
        MetricChecks.notNull(average, "average");
        this.numClasses = numClasses;
        this.k = k;
        this.average = average;
        this.ignoreIndex = ignoreIndex;
    }

    public TopKAccuracy(int numClasses, int k) { this(numClasses, k, RankingAverage.MACRO, null); }

    /** One batch: preds FLOAT32 [N, C, ...], targets integer labels [N, ...]. */
    public static RankingScore of(Tensor preds, Tensor targets, int numClasses, int k, RankingAverage average) {
        try (TopKAccuracy m = new TopKAccuracy(numClasses, k, average, null)) {
            m.update(preds, targets);
            return m.compute();
        }
    }

    public int k() { return k; }

    public synchronized Device device() { return counts == null ? null : counts.device(); }

    @Override
    public synchronized void update(Tensor preds, Tensor targets) {
        RankingSpec spec = RankingSpec.multiclass(numClasses);
        if (ignoreIndex != null) spec = spec.withIgnoreIndex(ignoreIndex);
        try (Scope scope = Scope.open()) {
            RankingInputs in = RankingInputs.of(preds, targets, spec);
            if (counts != null && !counts.device().equals(preds.device())) {
                throw new IllegalArgumentException("this metric holds its state on " + counts.device() + " but the batch is on " + preds.device()
                        + "; use one metric per device and merge() them");
            }
            Tensor batch = Tensor.zeros(DType.INT64, preds.device(), 3 * numClasses + 1);
            int m = in.scores().size(0), rows = Math.max(1, CHUNK_ELEMENTS / numClasses);
            for (int lo = 0; lo < m; lo += rows) {
                int r = Math.min(rows, m - lo);
                count(in.scores().narrow(0, lo, r), in.targets().narrow(0, lo, r), batch);
            }
            Tensor b = batch.narrow(0, 0, 3 * numClasses).view(3, numClasses);
            if (counts == null) counts = Scope.escape(b.contiguous());
            else counts.add_(b);
        }
    }

    /** Adds one chunk's codes into {@code slots} ([3C + 1]: tp, fp, fn rows, then a spare slot for skipped samples). */
    private void count(Tensor s, Tensor t, Tensor slots) {
        int m = s.size(0), c = numClasses;
        Device d = s.device();
        Tensor valid = ignoreIndex == null ? Tensor.ones(DType.UINT8, d, m) : t.ne((double) ignoreIndex);
        Tensor tc = Tensor.where(valid, t, Tensor.scalar(0, DType.INT64, d)).contiguous();
        Tensor top1 = s.argmax(1);
        Tensor hit;
        if (k == 1) {
            hit = top1.eq(tc);
        } else {
            Tensor st = Tensor.empty(DType.FLOAT32, d, m, 1);
            Counting.backendOf(s).gather(s.raw(), 1, tc.view(m, 1).raw(), st.raw());
            Tensor j = Tensor.arange(0, c, 1, DType.INT64, d).view(1, c);
            Tensor outranks = s.gt(st).to(DType.INT64).add(s.eq(st).mul(j.gt(tc.view(m, 1))).to(DType.INT64));
            hit = outranks.sum(1, false).lt(k);
        }
        Tensor spare = Tensor.scalar(3 * c, DType.INT64, d);
        Tensor targetRow = Tensor.where(hit, Tensor.scalar(0, DType.INT64, d), Tensor.scalar(2 * c, DType.INT64, d)); // tp row or fn row
        Tensor tpFn = Tensor.where(valid, targetRow.add(tc), spare);
        Tensor fp = Tensor.where(valid.mul(hit.eq(0)), top1.add(c), spare);
        Tensor code = Concat.cat(0, tpFn, fp).contiguous();
        Counting.backendOf(s).scatterAdd(slots.raw(), 0, code.raw(), Tensor.ones(DType.INT64, d, code.size(0)).raw());
    }

    /** The accuracy of everything seen since the last reset; an error before any update. */
    @Override
    public synchronized RankingScore compute() {
        if (counts == null) throw new IllegalStateException("no samples: update() was not called since the last reset()");
        long[] v = counts.toLongArray();
        int c = numClasses;
        double[] per = new double[c];
        long tpSum = 0, support = 0;
        double wdot = 0, wsum = 0;
        for (int i = 0; i < c; i++) {
            long tp = v[i], fp = v[c + i], fn = v[2 * c + i];
            per[i] = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
            tpSum += tp;
            support += tp + fn;
            double w = switch (average) {
                case WEIGHTED -> tp + fn;
                default -> (k == 1 ? tp + fp + fn == 0 : tp + fn == 0) ? 0 : 1;
            };
            wdot += w * per[i];
            wsum += w;
        }
        double value = switch (average) {
            case MICRO -> support == 0 ? 0 : (double) tpSum / support;
            case NONE -> Double.NaN;
            default -> wsum == 0 ? 0 : wdot / wsum;
        };
        return new RankingScore(average, value, per);
    }

    /** The counts tp, fp, fn per class, copied to the host: [3][C]. */
    public synchronized long[][] counts() {
        if (counts == null) return new long[3][numClasses];
        long[] v = counts.toLongArray();
        return new long[][]{Arrays.copyOfRange(v, 0, numClasses), Arrays.copyOfRange(v, numClasses, 2 * numClasses), Arrays.copyOfRange(v, 2 * numClasses, 3 * numClasses)};
    }

    @Override
    public synchronized void reset() {
        if (counts != null) counts.close();
        counts = null;
    }

    @Override
    public void merge(Metric<RankingScore> other) {
        if (!(other instanceof TopKAccuracy o)) {
            throw new IllegalArgumentException("can only merge another TopKAccuracy, got " + (other == null ? "null" : other.getClass().getSimpleName()));
        }
        if (o == this) throw new IllegalArgumentException("cannot merge a TopKAccuracy into itself");
        if (o.numClasses != numClasses || o.k != k || !java.util.Objects.equals(o.ignoreIndex, ignoreIndex)) {
            throw new IllegalArgumentException("cannot merge a TopKAccuracy of " + o.numClasses + " classes, k " + o.k + " into one of " + numClasses + ", k " + k);
        }
        synchronized (o) {
            synchronized (this) {
                if (o.counts == null) return;
                if (counts == null) counts = Scope.escape(o.counts.clone());
                else if (!counts.device().equals(o.counts.device())) throw new IllegalArgumentException("cannot merge state on " + o.counts.device() + " into state on " + counts.device());
                else counts.add_(o.counts);
            }
        }
    }

    @Override
    public String toString() { return "TopKAccuracy[k=" + k + ", " + average + (ignoreIndex == null ? "" : ", ignoreIndex " + ignoreIndex) + "]"; }
}
