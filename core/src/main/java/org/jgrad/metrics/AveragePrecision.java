package org.jgrad.metrics;

import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;

/**
 * Stateful, mergeable average precision (torchmetrics' {@code AveragePrecision}) for the task, average, thresholds and
 * ignored value of a {@link RankingSpec}; formulas and edge rules as {@link Ranking}.
 * <pre>{@code
 * var m = new AveragePrecision(RankingSpec.multiclass(10).withAverage(RankingAverage.WEIGHTED));
 * for (Batch b : loader) m.update(model.forward(b.x()).softmax(1), b.y());
 * double v = m.compute().value();
 * }</pre>
 * State (see {@code RankingState}): exact, the scores and targets of every batch (two CAT states);
 * binned, the {@code [T, C, 2, 2]} count table (one SUM state). Thread-safe (methods lock the metric).
 */
public final class AveragePrecision implements Metric<RankingScore> {
    private final RankingState state;

    public AveragePrecision(RankingSpec spec) { this.state = new RankingState(spec); }

    public RankingSpec spec() { return state.spec; }

    /** The device holding the state, or null before the first update. */
    public synchronized Device device() { return state.device(); }

    @Override
    public synchronized void update(Tensor preds, Tensor targets) { state.update(preds, targets); }

    /** The score of everything seen since the last reset; an error before any update. */
    @Override
    public synchronized RankingScore compute() { return state.averagePrecision(); }

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
        if (!(other instanceof AveragePrecision o)) {
            throw new IllegalArgumentException("can only merge another AveragePrecision, got " + (other == null ? "null" : other.getClass().getSimpleName()));
        }
        if (o == this) throw new IllegalArgumentException("cannot merge a AveragePrecision into itself");
        synchronized (o) {
            synchronized (this) {
                state.merge(o.state);
            }
        }
    }

    @Override
    public String toString() { return "AveragePrecision[" + state.spec + "]"; }
}
