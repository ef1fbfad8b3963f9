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
 * <p>State: one declared SUM state, the INT64 {@code [3, C]} counts (tp, fp, fn), on the first
 * batch's device; counted with tensor ops there (a gather, comparisons, one scatter-add per chunk).
 * Metrics with equal numClasses, k and ignoreIndex ({@code TopKStatistics}; the average only
 * changes the scoring) count the same states: they merge, and share one in a
 * {@link MetricCollection}. Thread-safe (methods hold the state's lock).
 */
public final class TopKAccuracy extends StatefulMetric<RankingScore> {
    private static final int CHUNK_ELEMENTS = 1 << 22;
    static final String COUNTS = "tp_fp_fn";

    /** What the counts count: everything but the average. */
    record TopKStatistics(int numClasses, int k, Long ignoreIndex) {
        @Override
        public String toString() { return "top-" + k + " tp/fp/fn of " + numClasses + " classes" + (ignoreIndex == null ? "" : ", ignoreIndex " + ignoreIndex); }
    }

    private final int numClasses, k;
    private final RankingAverage average;
    private final Long ignoreIndex;

    public TopKAccuracy(int numClasses, int k, RankingAverage average, Long ignoreIndex) {
        super(StateDeclaration.sum(COUNTS, DType.INT64, 3, checkedClasses(numClasses)));
        if (k < 1 || k > numClasses) throw new IllegalArgumentException("k must be in [1, numClasses = " + numClasses + "], got " + k);
        MetricChecks.notNull(average, "average");
        this.numClasses = numClasses;
        this.k = k;
        this.average = average;
        this.ignoreIndex = ignoreIndex;
    }

    private static int checkedClasses(int numClasses) {
        if (numClasses < 2) throw new IllegalArgumentException("numClasses must be >= 2, got " + numClasses);
        return numClasses;
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

    @Override
    protected Object statisticsKey() { return new TopKStatistics(numClasses, k, ignoreIndex); }

    @Override
    protected void count(Tensor preds, Tensor targets) {
        RankingSpec spec = RankingSpec.multiclass(numClasses);
        if (ignoreIndex != null) spec = spec.withIgnoreIndex(ignoreIndex);
        try (Scope scope = Scope.open()) {
            RankingInputs in = RankingInputs.of(preds, targets, spec);
            ensureStates(preds.device());
            Tensor batch = Tensor.zeros(DType.INT64, preds.device(), 3 * numClasses + 1);
            int m = in.scores().size(0), rows = Math.max(1, CHUNK_ELEMENTS / numClasses);
            for (int lo = 0; lo < m; lo += rows) {
                int r = Math.min(rows, m - lo);
                countChunk(in.scores().narrow(0, lo, r), in.targets().narrow(0, lo, r), batch);
            }
            state(COUNTS).add_(batch.narrow(0, 0, 3 * numClasses).view(3, numClasses));
        }
    }

    /** Adds one chunk's codes into {@code slots} ([3C + 1]: tp, fp, fn rows, then a spare slot for skipped samples). */
    private void countChunk(Tensor s, Tensor t, Tensor slots) {
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
    protected RankingScore result() {
        if (!hasState()) throw new IllegalStateException("no samples: update() was not called since the last reset()");
        long[] v = state(COUNTS).toLongArray();
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
    public long[][] counts() {
        long[] v;
        synchronized (stateLock()) {
            if (!hasState()) return new long[3][numClasses];
            v = state(COUNTS).toLongArray();
        }
        return new long[][]{Arrays.copyOfRange(v, 0, numClasses), Arrays.copyOfRange(v, numClasses, 2 * numClasses), Arrays.copyOfRange(v, 2 * numClasses, 3 * numClasses)};
    }

    @Override
    public String toString() { return "TopKAccuracy[k=" + k + ", " + average + (ignoreIndex == null ? "" : ", ignoreIndex " + ignoreIndex) + "]"; }
}
