package org.jgrad.metrics;

import org.jgrad.metrics.ConfusionScoreSpec.Absent;
import org.jgrad.metrics.ConfusionScoreSpec.Average;
import org.jgrad.ops.Concat;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Accumulates a C x C confusion matrix (rows = true class, columns = predicted) over batches,
 * on the device of the first batch. {@code update} takes either logits {@code [N, C, ...]} with
 * targets {@code [N, ...]} (argmax fused with counting) or predicted labels with targets of the
 * same shape.
 * <pre>{@code
 * var cm = new ConfusionMatrix(21).ignoreIndex(255);
 * for (Batch b : loader) cm.update(model.forward(b.x()), b.y());
 * ConfusionResult r = cm.compute();        // accuracy, mIoU, per-class scores: host doubles
 * System.out.println(cm.format(Normalize.NONE));
 * }</pre>
 *
 * <p>Options: {@code ignoreIndex} (a target value skipped everywhere: it never enters a count or a
 * denominator; it may also be a class index, which then stays empty), {@code zeroDivision} (the
 * value of a 0/0 per-class score, scikit-learn's {@code zero_division}; default 0), and
 * {@code absent}: what the macro means do with a class seen neither in targets nor predictions —
 * {@link Absent#EXCLUDE} (the default, as torchmetrics' JaccardIndex and scikit-learn without
 * {@code labels}) or {@link Absent#ZERO_DIVISION} (scored zeroDivision and averaged in, as
 * scikit-learn with {@code labels=range(C)}).
 *
 * <p>Labels outside [0, C) (other than ignoreIndex) are an error. On the CPU the error is raised
 * by the update that carried them, naming the first bad value, and the state is left as it was.
 * On other devices checking each batch would cost a device-to-host copy per batch, so the count
 * is kept on the device and {@code compute()} raises the error; reset() clears it.
 *
 * <p>Thread-safe: {@code update}, {@code compute}, {@code merge} and {@code reset} lock the
 * accumulator, so batches counted from several threads are all counted (the counts are sums).
 */
public final class ConfusionMatrix implements Metric<ConfusionResult> {
    private final int numClasses;
    private long ignoreIndex = Confusion.NO_IGNORE;
    private double zeroDivision = 0;
    private Absent absent = Absent.EXCLUDE;
    private String[] classNames;

    private Tensor hist;     // INT64 [C, C] on the inputs' device, created by the first update
    private Tensor badCount; // INT64 [1], labels outside [0, C) seen (deferred check off the CPU)

    public ConfusionMatrix(int numClasses) {
        MetricChecks.classes(numClasses);
        this.numClasses = numClasses;
    }

    public int numClasses() { return numClasses; }

    public ConfusionMatrix ignoreIndex(long v) {
        this.ignoreIndex = v;
        return this;
    }

    public ConfusionMatrix zeroDivision(double v) {
        MetricChecks.zeroDivision(v);
        this.zeroDivision = v;
        return this;
    }

    public ConfusionMatrix absentClasses(Absent a) {
        MetricChecks.notNull(a, "absent");
        this.absent = a;
        return this;
    }

    /** Names for printing; one per class. */
    public ConfusionMatrix classNames(String... names) {
        MetricChecks.notNull(names, "classNames");
        if (names.length != numClasses) {
            throw new IllegalArgumentException("classNames has " + names.length + " names for " + numClasses + " classes");
        }
        this.classNames = names.clone();
        return this;
    }

    /** The device holding the state, or null before the first update. */
    public Device device() { return hist == null ? null : hist.device(); }

    @Override
    public synchronized void update(Tensor preds, Tensor targets) {
        MetricChecks.open(preds, "preds");
        MetricChecks.open(targets, "targets");
        boolean logits = preds.dtype().isFloatingPoint();
        if (logits) Confusion.checkLogits(preds, targets, numClasses);
        else Confusion.checkLabels(preds, targets, numClasses);
        ensureState(preds.device());
        if (preds.device().isCpu()) {
            // count into a fresh histogram so a batch with a bad label leaves the state untouched
            try (Tensor h = Tensor.zeros(DType.INT64, preds.device(), numClasses, numClasses);
                 Tensor bad = Tensor.zeros(DType.INT64, preds.device(), 1)) {
                kernel(logits, preds, targets, h, bad);
                long b = bad.toLongArray()[0];
                if (b > 0) {
                    Confusion.throwIfBad(b, targets, numClasses, ignoreIndex);
                    Confusion.throwIfBad(b, preds, numClasses, Confusion.NO_IGNORE);
                }
                hist.add_(h);
            }
        } else {
            kernel(logits, preds, targets, hist, badCount);
        }
    }

    private void kernel(boolean logits, Tensor preds, Tensor targets, Tensor h, Tensor bad) {
        if (logits) Counting.confusionFromLogits(preds, targets, ignoreIndex, h, bad);
        else Counting.confusionFromLabels(preds, targets, ignoreIndex, h, bad);
    }

    private void ensureState(Device d) {
        if (hist == null) {
            hist = Scope.escape(Tensor.zeros(DType.INT64, d, numClasses, numClasses));
            badCount = Scope.escape(Tensor.zeros(DType.INT64, d, 1));
        } else if (!hist.device().equals(d)) {
            throw new IllegalArgumentException("this ConfusionMatrix holds its state on " + hist.device() + " but the batch is on " + d
                    + "; use one accumulator per device and merge() them");
        }
    }

    /** The spec compute() uses; per-class values with zeroDivision, then the macro means. */
    private ConfusionScoreSpec perClassSpec() {
        return new ConfusionScoreSpec(List.of(ConfusionScoreSpec.Metric.ACCURACY, ConfusionScoreSpec.Metric.BALANCED_ACCURACY,
                ConfusionScoreSpec.Metric.KAPPA, ConfusionScoreSpec.Metric.MEAN_IOU, ConfusionScoreSpec.Metric.PRECISION,
                ConfusionScoreSpec.Metric.RECALL, ConfusionScoreSpec.Metric.FSCORE, ConfusionScoreSpec.Metric.IOU),
                Average.NONE, zeroDivision, absent, 1.0);
    }

    /**
     * Scores of everything seen since the last reset, computed on the state's device; copies
     * 4 + 4C doubles plus 3 for the macro means, in one read (and, off the CPU, the bad-label count).
     * Before any update, every count is zero.
     */
    @Override
    public synchronized ConfusionResult compute() {
        Tensor h = state();
        try (Scope scope = Scope.open()) {
            ConfusionScoreSpec macroSpec = new ConfusionScoreSpec(List.of(ConfusionScoreSpec.Metric.PRECISION,
                    ConfusionScoreSpec.Metric.RECALL, ConfusionScoreSpec.Metric.FSCORE), Average.MACRO, zeroDivision, absent, 1.0);
            double[] v = Concat.cat(List.of(ConfusionScoring.scores(h, perClassSpec()), ConfusionScoring.scores(h, macroSpec)), 0).toDoubleArray();
            int c = numClasses;
            int m = 4 + 4 * c;
            return new ConfusionResult(v[0], v[1], v[2], v[3], v[m], v[m + 1], v[m + 2],
                    Arrays.copyOfRange(v, 4, 4 + c), Arrays.copyOfRange(v, 4 + c, 4 + 2 * c),
                    Arrays.copyOfRange(v, 4 + 2 * c, 4 + 3 * c), Arrays.copyOfRange(v, 4 + 3 * c, 4 + 4 * c));
        } finally {
            if (h != hist) h.close();
        }
    }

    /** Any scores, with any average, computed on the state's device. */
    public synchronized double[] scores(ConfusionScoreSpec spec) {
        Tensor h = state();
        try {
            return Confusion.scores(h, spec);
        } finally {
            if (h != hist) h.close();
        }
    }

    /**
     * scikit-learn's {@code classification_report} of everything seen: {@code text()} is its
     * printout, {@code asMap()} its {@code output_dict}. With {@code absentClasses(ZERO_DIVISION)}
     * every class is listed (sklearn's {@code labels=range(C)}), else only those seen.
     */
    public ClassificationReport classificationReport() {
        Tensor h = state();
        try {
            return ClassificationReport.of(h, classNames, zeroDivision, absent);
        } finally {
            if (h != hist) h.close();
        }
    }

    /** The state, after the deferred bad-label check; a fresh zero matrix before any update. */
    private Tensor state() {
        if (hist == null) return Tensor.zeros(DType.INT64, Device.cpu(), numClasses, numClasses);
        if (!hist.device().isCpu()) {
            long b = badCount.toLongArray()[0];
            if (b > 0) {
                throw new IllegalStateException(b + " target or predicted label(s) outside [0, " + numClasses + ") were passed to update() since the last reset()"
                        + (ignoreIndex == Confusion.NO_IGNORE ? "" : " (ignoreIndex " + ignoreIndex + ")"));
            }
        }
        return hist;
    }

    /** The counts, copied to the host (C x C longs): only when the matrix itself is wanted. */
    public synchronized long[][] matrix() {
        Tensor h = state();
        long[] flat = h.toLongArray();
        if (h != hist) h.close();
        long[][] m = new long[numClasses][];
        for (int i = 0; i < numClasses; i++) m[i] = Arrays.copyOfRange(flat, i * numClasses, (i + 1) * numClasses);
        return m;
    }

    /** The matrix normalised as asked; a row or column with no samples normalises to zeros (as scikit-learn). */
    public double[][] normalized(Normalize how) {
        MetricChecks.notNull(how, "normalize");
        return ConfusionMatrixFormat.normalize(matrix(), how);
    }

    /** The matrix drawn with rows "True" and columns "Predicted", class names and aligned counts. */
    public String format(Normalize how) {
        MetricChecks.notNull(how, "normalize");
        return ConfusionMatrixFormat.format(matrix(), names(), how);
    }

    @Override
    public String toString() { return format(Normalize.NONE); }

    private String[] names() {
        if (classNames != null) return classNames.clone();
        String[] n = new String[numClasses];
        for (int i = 0; i < numClasses; i++) n[i] = String.valueOf(i);
        return n;
    }

    @Override
    public synchronized void reset() {
        if (hist != null) {
            hist.close();
            badCount.close();
            hist = null;
            badCount = null;
        }
    }

    @Override
    public void merge(Metric<ConfusionResult> other) {
        if (!(other instanceof ConfusionMatrix o)) {
            throw new IllegalArgumentException("can only merge another ConfusionMatrix, got " + (other == null ? "null" : other.getClass().getSimpleName()));
        }
        if (o == this) throw new IllegalArgumentException("cannot merge a ConfusionMatrix into itself");
        if (o.numClasses != numClasses || o.ignoreIndex != ignoreIndex) {
            throw new IllegalArgumentException("cannot merge a ConfusionMatrix of " + o.numClasses + " classes (ignoreIndex " + o.ignoreIndex
                    + ") into one of " + numClasses + " classes (ignoreIndex " + ignoreIndex + ")");
        }
        // copy the other's counts under its lock, add them under ours: never both locks at once
        Tensor oh, ob;
        synchronized (o) {
            if (o.hist == null) return;
            oh = Scope.escape(o.hist.contiguousCopy());
            ob = Scope.escape(o.badCount.contiguousCopy());
        }
        try {
            synchronized (this) {
                ensureState(oh.device());
                hist.add_(oh);
                badCount.add_(ob);
            }
        } finally {
            oh.close();
            ob.close();
        }
    }
}
