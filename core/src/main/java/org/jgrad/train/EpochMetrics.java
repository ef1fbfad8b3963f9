package org.jgrad.train;

import org.jgrad.tensor.Tensor;

import java.util.Map;

/**
 * What one pass over a loader accumulates, batch by batch, on the device: the loss and any
 * scores. Only {@link #meanLoss()} and {@link #scores()} copy numbers to the host.
 */
public interface EpochMetrics extends AutoCloseable {
    /** Adds one batch: its mean loss (0-d), the model's outputs and the targets. */
    void update(Tensor loss, Tensor outputs, Tensor targets, int batchSize);

    /** The samples seen so far. */
    long samples();

    /** The mean loss per sample; NaN before any batch. */
    double meanLoss();

    /** The headline scores by name (host doubles); empty when only the loss is tracked. */
    Map<String, Object> scores();

    @Override
    void close();
}
