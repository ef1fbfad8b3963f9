package org.jgrad.train;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss alone, summed on the device as a 0-d tensor weighted by batch size, so the mean over
 * an epoch costs one copy to the host at its end. Subclasses add scores.
 */
public class LossMeter implements EpochMetrics {
    private Tensor lossSum;
    private long samples;

    @Override
    public void update(Tensor loss, Tensor outputs, Tensor targets, int batchSize) {
        try (Scope s = Scope.open()) {
            Tensor weighted = loss.detach().mul(batchSize);
            if (lossSum == null) lossSum = Scope.escape(Tensor.zeros(DType.FLOAT32, loss.device()));
            lossSum.add_(weighted);
            updateScores(outputs.detach(), targets);
        }
        samples += batchSize;
    }

    /** Hook for scores: called inside the batch's scope with the detached outputs. */
    protected void updateScores(Tensor outputs, Tensor targets) {}

    @Override
    public long samples() { return samples; }

    @Override
    public double meanLoss() { return lossSum == null ? Double.NaN : lossSum.item() / samples; }

    @Override
    public Map<String, Object> scores() { return new LinkedHashMap<>(); }

    @Override
    public void close() {
        if (lossSum != null) lossSum.close();
        lossSum = null;
    }
}
