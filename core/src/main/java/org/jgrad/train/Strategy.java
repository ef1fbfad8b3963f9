package org.jgrad.train;

import org.jgrad.nn.Module;

/**
 * How a {@link Trainer} fit spreads over processes; the trainer talks to it alone and knows no
 * process group. {@link #singleProcess()} is the default; {@code org.jgrad.distributed.DataParallelStrategy}
 * trains data-parallel (each process a shard of every batch, gradients averaged). Every process
 * of the job runs the same fit and calls these methods in the same order.
 */
public interface Strategy {
    /** This process's index, 0..worldSize-1; rank 0 alone runs the main-process callbacks. */
    int rank();

    /** Number of processes training together. */
    int worldSize();

    /** The module to run forward and backward on: {@code model} itself, or a wrapper sharing its parameters. */
    Module prepare(Module model);

    /** After backward, before the after-backward callbacks and the step: makes the gradients every process's (averages them). */
    void afterBackward(Module prepared);

    /** As epoch {@code epoch} begins, before its loader is opened (the samplers' {@code setEpoch}). */
    void onEpochStart(int epoch);

    /** Sums {@code values} element-wise over the processes, in place; returns them. */
    double[] allSum(double... values);

    /**
     * Combines a pass's metric states over the processes so that {@link EpochMetrics#scores()} are
     * global; {@code validation} says which pass (a strategy may validate every process on the
     * whole validation set, whose states then need no combining).
     */
    void syncMetrics(EpochMetrics metrics, boolean validation);

    /**
     * A fit of this process failed with {@code error}: reports it naming this rank and stops the
     * other processes, which would otherwise wait for this one in their next collective. Returns
     * (and the trainer rethrows) only when there are no other processes to stop.
     */
    void failed(RuntimeException error);

    /** One process: nothing to prepare, average or combine. */
    static Strategy singleProcess() {
        return SingleProcess.INSTANCE;
    }

    /** The default strategy. */
    enum SingleProcess implements Strategy {
        INSTANCE;

        @Override public int rank() { return 0; }
        @Override public int worldSize() { return 1; }
        @Override public Module prepare(Module model) { return model; }
        @Override public void afterBackward(Module prepared) {}
        @Override public void onEpochStart(int epoch) {}
        @Override public double[] allSum(double... values) { return values; }
        @Override public void syncMetrics(EpochMetrics metrics, boolean validation) {}
        @Override public void failed(RuntimeException error) {}
    }
}
