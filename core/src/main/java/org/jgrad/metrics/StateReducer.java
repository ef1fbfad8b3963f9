package org.jgrad.metrics;

import org.jgrad.tensor.Tensor;

/**
 * Combines metric states across processes, so every rank computes the same result from the
 * global state. The metrics package only declares what it needs; a process group adapts itself to
 * this interface (see {@code org.jgrad.distributed}), so metrics import nothing distributed.
 * Every rank must call the methods in the same order with states of the same dtype.
 */
public interface StateReducer {

    /** Number of processes whose states are combined. */
    int worldSize();

    /**
     * Combines {@code state} element-wise across the ranks with {@code reduction} (SUM, MIN or
     * MAX); every rank receives the result in {@code state}, in place. The shape must agree on
     * every rank.
     */
    void allReduce(Tensor state, StateReduction reduction);

    /**
     * Concatenates every rank's {@code state} along dimension 0, in rank order; the ranks' first
     * dimensions may differ (for CAT states such as collected scores), the other dimensions must
     * agree. Returns a new tensor on {@code state}'s device.
     */
    Tensor allGatherCat(Tensor state);
}
