package org.jgrad.metrics;

import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;

/**
 * Stateful, mergeable AUROC (torchmetrics' {@code AUROC}) for the task, average, thresholds and
 * ignored value of a {@link RankingSpec}; formulas and edge rules as {@link Ranking}.
 * <pre>{@code
 * var m = new Auroc(RankingSpec.multiclass(10).withAverage(RankingAverage.WEIGHTED));
 * for (Batch b : loader) m.update(model.forward(b.x()).softmax(1), b.y());
 * double v = m.compute().value();
 * }</pre>
 * State (see {@code RankingState}): exact, the scores and targets of every batch (two CAT states);
 * binned, the {@code [T, C, 2, 2]} count table (one SUM state). Thread-safe (methods lock the metric).
 */
public final class Auroc implements Metric<RankingScore> {
    private final RankingState state;

    public Auroc(RankingSpec spec) { this.state = new RankingState(spec); }

    public RankingSpec spec() { return state.spec; }

    /** The device holding the state, or null before the first update. */
    public synchronized Device device() { return state.device(); }

    @Override
    public synchronized void update(Tensor preds, Tensor targets) { state.update(preds, targets); }

    /** The score of everything seen since the last reset; an error before any update. */
    @Override
    public synchronized RankingScore compute() { return state.auroc(); }

    /** The curve of class (or label) {@code cls}; 0 for a binary task. */
    public synchronized RocCurve rocCurve(int cls) { return state.roc(checkClass(cls)); }

    public synchronized PrecisionRecallCurve precisionRecallCurve(int cls) { return state.precisionRecall(checkClass(cls)); }

    private int checkClass(int cls) {
        if (cls < 0 || cls >= state.spec.numClasses()) throw new IllegalArgumentException("cls must be in [0, " + state.spec.numClasses() + "), got " + cls);
        return cls;
    }

    @Override
    public synchronized void reset() { state.reset(); }

    @Override
    public void merge(Metric<RankingScore> other) {
        if (!(other instanceof Auroc o)) {
            throw new IllegalArgumentException("can only merge another Auroc, got " + (other == null ? "null" : other.getClass().getSimpleName()));
        }
        if (o == this) throw new IllegalArgumentException("cannot merge a Auroc into itself");
        synchronized (o) {
            synchronized (this) {
                state.merge(o.state);
            }
        }
    }

    @Override
    public String toString() { return "Auroc[" + state.spec + "]"; }
}
