package org.jgrad.train;

import java.util.Locale;

/**
 * The loss of a training batch was NaN or infinite. Thrown before that batch's backward pass and
 * step, so the weights (and every checkpoint written) are those of the last good step.
 */
public final class NonFiniteLossException extends RuntimeException {
    private final int epoch;
    private final int batch;
    private final double loss;
    private final double lastFiniteLoss;

    public NonFiniteLossException(int epoch, int batch, double loss, double lastFiniteLoss) {
        super(String.format(Locale.ROOT, "loss is %s at epoch %d, batch %d (last finite loss %s); "
                        + "lower the learning rate, add gradient clipping, or check the data and the weights",
                Double.isNaN(loss) ? "NaN" : loss > 0 ? "+Infinity" : "-Infinity", epoch + 1, batch,
                Double.isNaN(lastFiniteLoss) ? "none" : String.format(Locale.ROOT, "%.6g", lastFiniteLoss)));
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
        this.lastFiniteLoss = lastFiniteLoss;
    }

    /** 0-based epoch. */
    public int epoch() { return epoch; }

    /** 0-based batch index within the epoch. */
    public int batch() { return batch; }

    public double loss() { return loss; }

    /** The loss of the previous training batch of this fit, NaN when this was the first. */
    public double lastFiniteLoss() { return lastFiniteLoss; }
}
