package org.jgrad.train;

import org.jgrad.optim.LRScheduler;
import org.jgrad.optim.ReduceLROnPlateau;

import java.util.Map;

/**
 * When the trainer steps a learning-rate scheduler: after every optimizer step, or after each
 * epoch's validation (ReduceLROnPlateau with the validation loss). Its state goes into checkpoints.
 */
public interface LrSchedule {
    /** After each optimizer step. */
    default void afterStep() {}

    /** After an epoch's validation; {@code valLoss} is NaN without a validation loader. */
    default void afterEpoch(double valLoss) {}

    default Map<String, Object> stateDict() { return Map.of(); }

    default void loadStateDict(Map<String, Object> state) {}

    /** PyTorch's usual {@code scheduler.step()} once per epoch. */
    static LrSchedule perEpoch(LRScheduler s) {
        return new LrSchedule() {
            @Override public void afterEpoch(double valLoss) { s.step(); }
            @Override public Map<String, Object> stateDict() { return s.stateDict(); }
            @Override public void loadStateDict(Map<String, Object> state) { s.loadStateDict(state); }
        };
    }

    /** {@code scheduler.step()} after every optimizer step (OneCycle-style schedules). */
    static LrSchedule perStep(LRScheduler s) {
        return new LrSchedule() {
            @Override public void afterStep() { s.step(); }
            @Override public Map<String, Object> stateDict() { return s.stateDict(); }
            @Override public void loadStateDict(Map<String, Object> state) { s.loadStateDict(state); }
        };
    }

    /** ReduceLROnPlateau on the validation loss. */
    static LrSchedule onPlateau(ReduceLROnPlateau s) {
        return new LrSchedule() {
            @Override public void afterEpoch(double valLoss) {
                if (Double.isNaN(valLoss)) throw new IllegalStateException("ReduceLROnPlateau needs a validation loss");
                s.step(valLoss);
            }
            @Override public Map<String, Object> stateDict() { return s.stateDict(); }
            @Override public void loadStateDict(Map<String, Object> state) { s.loadStateDict(state); }
        };
    }
}
