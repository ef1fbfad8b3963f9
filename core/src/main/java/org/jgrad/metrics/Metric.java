package org.jgrad.metrics;

import org.jgrad.tensor.Tensor;

/**
 * A stateful, mergeable metric: {@link #update} adds a batch to state kept on the inputs'
 * device, {@link #compute} returns host values (copying only those), {@link #merge} adds another
 * accumulator's state (from another worker, or another device after moving it), {@link #reset}
 * frees the state. Closing a metric resets it.
 *
 * @param <R> what compute() returns
 */
public interface Metric<R> extends AutoCloseable {

    void update(Tensor preds, Tensor targets);

    R compute();

    void reset();

    /** Adds {@code other}'s state into this one; both must be configured alike. {@code other} is unchanged. */
    void merge(Metric<R> other);

    @Override
    default void close() { reset(); }
}
