package org.jgrad.train;

import org.jgrad.nn.Module;
import org.jgrad.optim.Optimizer;

/** Where a fit stands, for callbacks: epoch and batch (0-based), totals, and a stop request. */
public final class FitState {
    final Module model;
    final Optimizer optimizer;
    final History history;
    final int epochs;
    int epoch;
    int batchIndex;
    int numBatches;
    long globalStep;
    double epochLr;
    boolean stop;
    String stopReason;
    int rank;
    int worldSize = 1;

    FitState(Module model, Optimizer optimizer, History history, int epochs) {
        this.model = model;
        this.optimizer = optimizer;
        this.history = history;
        this.epochs = epochs;
    }

    public Module model() { return model; }

    public Optimizer optimizer() { return optimizer; }

    public History history() { return history; }

    /** The number of epochs the fit runs to. */
    public int epochs() { return epochs; }

    /** The current epoch, 0-based. */
    public int epoch() { return epoch; }

    /** The current batch of the epoch, 0-based. */
    public int batchIndex() { return batchIndex; }

    public int numBatches() { return numBatches; }

    /** Optimizer steps taken in this fit, over all epochs (a resumed fit counts from its resumed epoch). */
    public long globalStep() { return globalStep; }

    /** The learning rate of the first parameter group as the epoch began. */
    public double epochLr() { return epochLr; }

    /** This process's index among the {@link #worldSize()} training together (0 alone). */
    public int rank() { return rank; }

    /** Number of processes training together (data-parallel); 1 alone. */
    public int worldSize() { return worldSize; }

    /** Ends the fit after the current epoch's end (early stopping). */
    public void requestStop(String reason) {
        stop = true;
        stopReason = reason;
    }

    public boolean stopRequested() { return stop; }

    public String stopReason() { return stopReason; }
}
