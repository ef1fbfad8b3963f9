package org.jgrad.metrics;

import org.jgrad.tensor.Tensor;

/**
 * A stateful, mergeable metric: {@link #update} adds a batch to state kept on the inputs'
 * device, {@link #compute} returns host values (copying only those), {@link #merge} adds another
 * accumulator's state (from another worker, or another device after moving it), {@link #sync}
 * combines the states of every process of a distributed run, {@link #reset} frees the state.
 * Closing a metric resets it. The metrics of this package extend {@link StatefulMetric}, which
 * derives reset, merge and sync from declared states.
 *
 * @param <R> what compute() returns
 */
public interface Metric<R> extends AutoCloseable {

    void update(Tensor preds, Tensor targets);

    R compute();

    void reset();

    /** Adds {@code other}'s state into this one; both must be configured alike. {@code other} is unchanged. */
    void merge(Metric<R> other);

    /**
     * Combines this metric's state with the same metric's state on every other rank of
     * {@code reducer}; afterwards compute() gives the global result on every rank. Every rank must
     * call it, in the same order for all its metrics. The local state is replaced by the global
     * one, and the metric refuses further updates until {@link #reset()} (see
     * {@link StatefulMetric#sync}).
     */
    void sync(StateReducer reducer);

    @Override
    default void close() { reset(); }
}
