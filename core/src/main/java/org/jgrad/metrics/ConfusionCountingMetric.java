package org.jgrad.metrics;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;

/**
 * The counting half of every confusion-matrix metric ({@link ConfusionMatrix}, {@link ConfusionScore}):
 * two declared SUM states — the C x C histogram (rows = true class, columns = predicted) and the
 * count of labels outside [0, C) — and one update that fills them from logits (argmax fused) or
 * labels. Metrics with the same number of classes and ignore index count the same histogram, so
 * a {@link MetricCollection} counts it once for all of them.
 *
 * <p>Labels outside [0, C) (other than ignoreIndex) are an error. On the CPU the update that
 * carried them raises it, naming the first bad value, and leaves the state as it was. On other
 * devices checking each batch would cost a device-to-host copy per batch, so the count stays on
 * the device and compute() raises the error; reset() clears it.
 */
abstract class ConfusionCountingMetric<R> extends StatefulMetric<R> {
    static final String HIST = "confmat";
    static final String BAD = "bad_labels";

    /** What the histogram counts: equal for metrics that can share it. */
    record ConfusionStatistics(int numClasses, long ignoreIndex) {
        @Override
        public String toString() {
            return numClasses + " classes (ignoreIndex " + (ignoreIndex == Confusion.NO_IGNORE ? "none" : Long.toString(ignoreIndex)) + ")";
        }
    }

    final int numClasses;
    long ignoreIndex = Confusion.NO_IGNORE;

    ConfusionCountingMetric(int numClasses) {
        super(StateDeclaration.sum(HIST, DType.INT64, checked(numClasses), numClasses), StateDeclaration.sum(BAD, DType.INT64, 1));
        this.numClasses = numClasses;
    }

    private static int checked(int c) {
        MetricChecks.classes(c);
        return c;
    }

    @Override
    protected final Object statisticsKey() { return new ConfusionStatistics(numClasses, ignoreIndex); }

    void setIgnoreIndex(long v) {
        synchronized (stateLock()) {
            if (hasState()) throw new IllegalStateException("set ignoreIndex before the first update (the counts so far used " + ignoreIndex + ")");
            this.ignoreIndex = v;
        }
    }

    @Override
    protected final void count(Tensor preds, Tensor targets) {
        MetricChecks.open(preds, "preds");
        MetricChecks.open(targets, "targets");
        boolean logits = preds.dtype().isFloatingPoint();
        if (logits) Confusion.checkLogits(preds, targets, numClasses);
        else Confusion.checkLabels(preds, targets, numClasses);
        ensureStates(preds.device());
        Tensor hist = state(HIST), badCount = state(BAD);
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

    /**
     * The histogram after the deferred bad-label check, or a fresh zero matrix on the CPU before
     * any update; close it when it is not {@link #isState the state}. Call with the lock held.
     */
    final Tensor histogram() {
        if (!hasState()) return Tensor.zeros(DType.INT64, Device.cpu(), numClasses, numClasses);
        Tensor hist = state(HIST);
        if (!hist.device().isCpu()) {
            long b = state(BAD).toLongArray()[0];
            if (b > 0) {
                throw new IllegalStateException(b + " target or predicted label(s) outside [0, " + numClasses + ") were passed to update() since the last reset()"
                        + (ignoreIndex == Confusion.NO_IGNORE ? "" : " (ignoreIndex " + ignoreIndex + ")"));
            }
        }
        return hist;
    }

    /** True when {@code h} is the state itself (not a temporary zero matrix). */
    final boolean isState(Tensor h) { return hasState() && h == state(HIST); }
}
