package org.jgrad.train;

import org.jgrad.metrics.StateReducer;

/**
 * How a data-parallel fit combines one pass's {@link EpochMetrics} across the processes before
 * reading their scores: typically each accumulator's {@code sync(reducer)}. The loss needs none
 * (the trainer all-reduces its sum and count itself).
 */
@FunctionalInterface
public interface MetricSync {
    void sync(EpochMetrics metrics, StateReducer reducer);

    /** Leaves the scores as each process computed them from its own shard. */
    MetricSync NONE = (m, r) -> {};
}
