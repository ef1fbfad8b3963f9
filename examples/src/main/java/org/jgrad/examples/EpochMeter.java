package org.jgrad.examples;

import org.jgrad.data.FashionMnist;
import org.jgrad.metrics.ConfusionMatrix;
import org.jgrad.metrics.ConfusionResult;
import org.jgrad.metrics.SegmentationMetrics;
import org.jgrad.metrics.SegmentationScores;
import org.jgrad.metrics.StateReducer;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;
import org.jgrad.train.EpochMetrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One epoch's loss and metric accumulators, all on the device: the loss sum is a 0-d tensor
 * added into per batch, the metrics are jgrad's accumulators (a confusion matrix fed with the
 * logits, argmax fused with the counting; or the binary segmentation statistics). Only scalars are
 * copied to the host, when the epoch ends.
 */
final class EpochMeter implements EpochMetrics {
    final Options.Task task;
    private Tensor lossSum;           // FLOAT32 0-d on the device, weighted by batch size
    private long samples;
    final ConfusionMatrix confusion;  // classify
    final SegmentationMetrics segmentation; // segment

    EpochMeter(Options.Task task) {
        this.task = task;
        this.confusion = task == Options.Task.CLASSIFY ? new ConfusionMatrix(10).classNames(FashionMnist.CLASSES) : null;
        this.segmentation = task == Options.Task.SEGMENT ? new SegmentationMetrics() : null;
    }

    /** Adds one batch: its mean loss (a 0-d device tensor), the model's outputs and the targets. */
    @Override
    public void update(Tensor loss, Tensor outputs, Tensor targets, int batchSize) {
        try (Scope s = Scope.open()) {
            Tensor weighted = loss.detach().mul(batchSize);
            if (lossSum == null) lossSum = Scope.escape(Tensor.zeros(DType.FLOAT32, loss.device()));
            lossSum.add_(weighted);
            if (confusion != null) {
                // the logits themselves: the argmax over classes (torch.max(outputs, 1)'s indices,
                // first maximum, NaN wins) is fused with the counting, no index tensor is made
                confusion.update(outputs.detach(), targets);
            } else {
                segmentation.update(outputs.detach(), targets);
            }
        }
        samples += batchSize;
    }

    @Override
    public long samples() { return samples; }

    /** The epoch's mean loss (one scalar copied from the device); NaN before any batch. */
    @Override
    public double meanLoss() { return lossSum == null ? Double.NaN : lossSum.item() / samples; }

    /** The headline scores, host doubles. */
    @Override
    public Map<String, Object> scores() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (confusion != null) {
            ConfusionResult r = confusion.compute();
            m.put("accuracy", r.accuracy());
            m.put("balanced_accuracy", r.balancedAccuracy());
            m.put("macro_f1", r.macroF1());
        } else {
            SegmentationScores r = segmentation.compute();
            m.put("dice", r.dice());
            m.put("iou", r.iou());
            m.put("pixel_accuracy", r.accuracy());
            m.put("precision", r.precision());
            m.put("recall", r.recall());
        }
        return m;
    }

    /**
     * Combines the metric states of every rank's shard ({@link org.jgrad.metrics.Metric#sync}:
     * the confusion counts or the segmentation statistics are all-reduced), so the scores read
     * afterwards are the global ones on every rank. The loss needs no sync: the trainer
     * all-reduces its sum and the sample count itself. Every rank must call it.
     */
    void sync(StateReducer reducer) {
        if (confusion != null) confusion.sync(reducer);
        else segmentation.sync(reducer);
    }

    /** The short form for the per-epoch line. */
    String brief(Map<String, Object> scores) {
        if (confusion != null) return String.format(java.util.Locale.ROOT, "acc %.4f", (Double) scores.get("accuracy"));
        return String.format(java.util.Locale.ROOT, "dice %.4f iou %.4f", (Double) scores.get("dice"), (Double) scores.get("iou"));
    }

    @Override
    public void close() {
        if (lossSum != null) lossSum.close();
        if (confusion != null) confusion.close();
        if (segmentation != null) segmentation.close();
    }
}
