package org.jgrad.train;

import org.jgrad.tensor.Tensor;

import java.util.Map;

/**
 * Hooks into {@link Trainer#fit}, called in the order the callbacks were added. The
 * {@link FitState} gives the model, the optimizer, the position in the run and a way to stop.
 */
public interface Callback {
    default void onFitStart(FitState state) {}

    default void onEpochStart(FitState state) {}

    /** After the training loader's epoch is opened ({@code numBatches()} is known), before its first batch. */
    default void onTrainEpochStart(FitState state) {}

    /** Before zero grad of batch {@code state.batchIndex()}. */
    default void onBatchStart(FitState state) {}

    /** After backward, before the optimizer step: the gradients are there to clip or inspect. */
    default void onAfterBackward(FitState state) {}

    /**
     * After the step and the metrics update. {@code lossValue} is the loss on the host when the
     * trainer copied it anyway (NaN check on), otherwise NaN; {@code loss} is the 0-d tensor.
     */
    default void onBatchEnd(FitState state, Tensor loss, double lossValue, int batchSize) {}

    /** After the epoch's last training batch, before validation and the scheduler's epoch step. */
    default void onTrainEpochEnd(FitState state) {}

    /** After validation and the scheduler's epoch step; {@code row} is the epoch's history row. */
    default void onEpochEnd(FitState state, Map<String, Object> row) {}

    /** After the last epoch or a stop request (not after an exception). */
    default void onFitEnd(FitState state) {}
}
