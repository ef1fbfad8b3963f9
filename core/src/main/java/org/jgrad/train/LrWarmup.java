package org.jgrad.train;

import org.jgrad.optim.ParamGroup;

import java.util.List;

/**
 * Linear learning-rate warmup over the first {@code steps} optimizer steps: step k (0-based) runs
 * at {@code (k + 1) / steps} times the lr the schedule set for the epoch. The scheduled lr is put
 * back before the scheduler's epoch step, so the schedule itself is unchanged.
 */
public final class LrWarmup implements Callback {
    private final long steps;
    private double[] scheduled;

    public LrWarmup(long steps) {
        if (steps < 1) throw new IllegalArgumentException("warmup steps must be >= 1, got " + steps);
        this.steps = steps;
    }

    /** Warmup over whole epochs of {@code batchesPerEpoch} batches. */
    public static LrWarmup epochs(int epochs, int batchesPerEpoch) { return new LrWarmup((long) epochs * batchesPerEpoch); }

    @Override
    public void onBatchStart(FitState state) {
        long k = state.epoch() * (long) state.numBatches() + state.batchIndex();
        List<ParamGroup> groups = state.optimizer().paramGroups();
        if (k >= steps) {
            restore(state);
            return;
        }
        if (scheduled == null) {
            scheduled = new double[groups.size()];
            for (int i = 0; i < groups.size(); i++) scheduled[i] = groups.get(i).lr();
        }
        double f = (k + 1) / (double) steps;
        for (int i = 0; i < groups.size(); i++) groups.get(i).lr(scheduled[i] * f);
    }

    @Override
    public void onTrainEpochEnd(FitState state) { restore(state); }

    @Override
    public void onEpochStart(FitState state) { scheduled = null; }

    private void restore(FitState state) {
        if (scheduled == null) return;
        List<ParamGroup> groups = state.optimizer().paramGroups();
        for (int i = 0; i < groups.size(); i++) groups.get(i).lr(scheduled[i]);
        scheduled = null;
    }
}
