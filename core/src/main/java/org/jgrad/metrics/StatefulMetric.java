package org.jgrad.metrics;

import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;

import java.util.List;

/**
 * A metric whose state is a list of {@link StateDeclaration}s, as torchmetrics' {@code Metric}
 * with {@code add_state}: a subclass declares its states once, counts a batch into them in
 * {@link #count} and derives its result from them in {@link #result}; {@link #reset},
 * {@link #merge} and {@link #sync} come from the declarations, the same code for every metric.
 *
 * <p>{@link #statisticsKey()} says what the states count: two metrics with equal keys (and
 * equal declarations) count the same statistics of the same inputs, so one's state can be merged
 * into the other, and a {@link MetricCollection} lets them share one counting pass (a compute
 * group). The key must be fixed before the first update (configure, then add to a collection).
 *
 * <p>Thread-safe: update, compute, merge, reset and sync hold the state's lock (shared by a
 * compute group), so batches counted from several threads are all counted.
 *
 * @param <R> what compute() returns
 */
public abstract class StatefulMetric<R> implements Metric<R> {
    /** Replaced by a {@link MetricCollection} when the metric joins a compute group (before any update). */
    MetricStates states;

    protected StatefulMetric(StateDeclaration... declarations) {
        MetricChecks.notNull(declarations, "declarations");
        this.states = new MetricStates(List.of(declarations));
    }

    /** The declared states, in declaration order. */
    public final List<StateDeclaration> stateDeclarations() { return states.declarations(); }

    /**
     * What the states count, for merging and compute groups: equal keys mean equal counts from
     * equal inputs (a record of the counting configuration, say the number of classes and the
     * ignore index). Options that only change how {@link #result} scores the counts stay out.
     */
    protected abstract Object statisticsKey();

    /** Adds one batch to the states; called with the state's lock held and the metric not synced. */
    protected abstract void count(Tensor preds, Tensor targets);

    /** The result from the states (which may not exist yet: see {@link #hasState()}); called with the state's lock held. */
    protected abstract R result();

    /** The monitor guarding the state; shared by a compute group. */
    protected final Object stateLock() { return states; }

    @Override
    public final void update(Tensor preds, Tensor targets) {
        MetricStates s = states;
        synchronized (s) {
            s.checkNotSynced("update");
            count(preds, targets);
        }
    }

    @Override
    public final R compute() {
        synchronized (states) {
            return result();
        }
    }

    /** Frees the states; the next update starts from the declared initial values. */
    @Override
    public final void reset() {
        synchronized (states) {
            states.clear();
        }
    }

    /**
     * Combines {@code other}'s states into these, each by its declared reduction (SUM adds, MIN
     * and MAX take element-wise extremes, CAT appends). {@code other} must be a StatefulMetric
     * with equal {@link #statisticsKey()} and declarations; it is unchanged.
     */
    @Override
    public final void merge(Metric<R> other) {
        if (!(other instanceof StatefulMetric<?> o)) {
            throw new IllegalArgumentException("can only merge another " + getClass().getSimpleName() + ", got "
                    + (other == null ? "null" : other.getClass().getSimpleName()));
        }
        if (o.states == states) throw new IllegalArgumentException("cannot merge a " + getClass().getSimpleName() + " into itself (or into a metric sharing its state)");
        if (!o.statisticsKey().equals(statisticsKey()) || !o.states.declarations().equals(states.declarations())) {
            throw new IllegalArgumentException("cannot merge a " + o.getClass().getSimpleName() + " counting " + o.statisticsKey()
                    + " into a " + getClass().getSimpleName() + " counting " + statisticsKey());
        }
        // copy the other's states under its lock, combine them under ours: never both locks at once
        MetricStates copy;
        synchronized (o.states) {
            copy = o.states.snapshot();
        }
        if (copy == null) return;
        try {
            synchronized (states) {
                states.checkNotSynced("merge into");
                states.mergeFrom(copy);
            }
        } finally {
            copy.clear();
        }
    }

    /**
     * Combines the states across the ranks of {@code reducer}, each by its declared reduction, so
     * that every rank's {@link #compute()} gives the global result. Every rank must call it (in
     * the same order for all its metrics). The local state is <em>replaced</em> by the global one
     * (torchmetrics instead restores the local state after compute): compute() may be called any
     * number of times afterwards, but update, merge and a second sync are refused — they would
     * count the other ranks twice — until {@link #reset()}. A rank that saw no batch takes part
     * with initial-valued states on the CPU.
     */
    @Override
    public final void sync(StateReducer reducer) {
        synchronized (states) {
            states.sync(reducer);
        }
    }

    /** True after {@link #sync} and before the next reset. */
    public final boolean isSynced() {
        synchronized (states) {
            return states.synced();
        }
    }

    /** The device holding the state, or null before the first update. */
    public Device device() {
        synchronized (states) {
            return states.device();
        }
    }

    /** True once a batch (or a merge) created the states. */
    protected final boolean hasState() { return states.exists(); }

    /** Creates the states on {@code device} if needed, each -1 dimension taking the next deferred size; else checks the device. */
    protected final void ensureStates(Device device, int... deferredSizes) { states.ensure(device, deferredSizes); }

    /** A SUM, MIN or MAX state (the states must exist). */
    protected final Tensor state(String name) { return states.get(name); }

    /** Appends a copy of {@code piece} to a CAT state (the states must exist). */
    protected final void append(String name, Tensor piece) { states.append(name, piece); }

    /** A CAT state's pieces concatenated along dimension 0, a new tensor the caller closes. */
    protected final Tensor concatenated(String name) { return states.concatenated(name); }
}
