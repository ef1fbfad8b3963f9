package org.jgrad.metrics;

import org.jgrad.metrics.ConfusionScoreSpec.Absent;
import org.jgrad.metrics.ConfusionScoreSpec.Average;
import org.jgrad.ops.Concat;
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
 * <p>State (declared, see {@link StatefulMetric}): the INT64 [C, C] histogram and the INT64 [1]
 * count of bad labels, both SUM; merge and sync add them. In a {@link MetricCollection} every
 * confusion metric with the same numClasses and ignoreIndex shares one histogram pass.
 *
 * <p>Thread-safe: {@code update}, {@code compute}, {@code merge} and {@code reset} lock the
 * accumulator, so batches counted from several threads are all counted (the counts are sums).
 */
public final class ConfusionMatrix extends ConfusionCountingMetric<ConfusionResult> {
    private double zeroDivision = 0;
    private Absent absent = Absent.EXCLUDE;
    private String[] classNames;

    public ConfusionMatrix(int numClasses) {
        super(numClasses);
    }

    public int numClasses() { return numClasses; }

    /** A target value skipped everywhere; set before the first update. */
    public ConfusionMatrix ignoreIndex(long v) {
        setIgnoreIndex(v);
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

    private static final List<ConfusionScoreSpec.Metric> RESULT = List.of(ConfusionScoreSpec.Metric.ACCURACY,
            ConfusionScoreSpec.Metric.BALANCED_ACCURACY, ConfusionScoreSpec.Metric.KAPPA, ConfusionScoreSpec.Metric.MEAN_IOU,
            ConfusionScoreSpec.Metric.PRECISION, ConfusionScoreSpec.Metric.RECALL, ConfusionScoreSpec.Metric.FSCORE,
            ConfusionScoreSpec.Metric.IOU);
    private static final List<ConfusionScoreSpec.Metric> MACRO = List.of(ConfusionScoreSpec.Metric.PRECISION,
            ConfusionScoreSpec.Metric.RECALL, ConfusionScoreSpec.Metric.FSCORE);

    /**
     * Scores of everything seen since the last reset, computed on the state's device; copies
     * 4 + 4C doubles plus 3 for the macro means, in one read (and, off the CPU, the bad-label count).
     * Before any update, every count is zero.
     */
    @Override
    protected ConfusionResult result() {
        Tensor h = histogram();
        try (Scope scope = Scope.open()) {
            ConfusionScoreSpec perClass = new ConfusionScoreSpec(RESULT, Average.NONE, zeroDivision, absent, 1.0);
            ConfusionScoreSpec macro = new ConfusionScoreSpec(MACRO, Average.MACRO, zeroDivision, absent, 1.0);
            double[] v = Concat.cat(List.of(ConfusionScoring.scores(h, perClass), ConfusionScoring.scores(h, macro)), 0).toDoubleArray();
            int split = perClass.outputLength(numClasses);
            ScoreValues<ConfusionScoreSpec.Metric> s = named(perClass, Arrays.copyOfRange(v, 0, split));
            ScoreValues<ConfusionScoreSpec.Metric> m = named(macro, Arrays.copyOfRange(v, split, v.length));
            return new ConfusionResult(s.get(ConfusionScoreSpec.Metric.ACCURACY), s.get(ConfusionScoreSpec.Metric.BALANCED_ACCURACY),
                    s.get(ConfusionScoreSpec.Metric.KAPPA), s.get(ConfusionScoreSpec.Metric.MEAN_IOU),
                    m.get(ConfusionScoreSpec.Metric.PRECISION), m.get(ConfusionScoreSpec.Metric.RECALL), m.get(ConfusionScoreSpec.Metric.FSCORE),
                    s.perRow(ConfusionScoreSpec.Metric.PRECISION), s.perRow(ConfusionScoreSpec.Metric.RECALL),
                    s.perRow(ConfusionScoreSpec.Metric.FSCORE), s.perRow(ConfusionScoreSpec.Metric.IOU));
        } finally {
            if (!isState(h)) h.close();
        }
    }

    private ScoreValues<ConfusionScoreSpec.Metric> named(ConfusionScoreSpec spec, double[] flat) {
        return Confusion.named(spec, numClasses, flat);
    }

    /** Any scores, with any average, computed on the state's device; each under its name. */
    public ScoreValues<ConfusionScoreSpec.Metric> score(ConfusionScoreSpec spec) {
        MetricChecks.notNull(spec, "spec");
        synchronized (stateLock()) {
            Tensor h = histogram();
            try {
                return Confusion.score(h, spec);
            } finally {
                if (!isState(h)) h.close();
            }
        }
    }

    /**
     * Any scores as one positional array (metric after metric, as {@link ConfusionScoreSpec}'s output).
     *
     * @deprecated use {@link #score(ConfusionScoreSpec)}, which names each score
     */
    @Deprecated
    public double[] scores(ConfusionScoreSpec spec) {
        synchronized (stateLock()) {
            Tensor h = histogram();
            try {
                return Confusion.scores(h, spec);
            } finally {
                if (!isState(h)) h.close();
            }
        }
    }

    /**
     * scikit-learn's {@code classification_report} of everything seen: {@code text()} is its
     * printout, {@code asMap()} its {@code output_dict}. With {@code absentClasses(ZERO_DIVISION)}
     * every class is listed (sklearn's {@code labels=range(C)}), else only those seen.
     */
    public ClassificationReport classificationReport() {
        synchronized (stateLock()) {
            Tensor h = histogram();
            try {
                return ClassificationReport.of(h, classNames, zeroDivision, absent);
            } finally {
                if (!isState(h)) h.close();
            }
        }
    }

    /** The counts, copied to the host (C x C longs): only when the matrix itself is wanted. */
    public long[][] matrix() {
        long[] flat;
        synchronized (stateLock()) {
            Tensor h = histogram();
            flat = h.toLongArray();
            if (!isState(h)) h.close();
        }
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
}
