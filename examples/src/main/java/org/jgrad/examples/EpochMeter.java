package org.jgrad.examples;

import org.jgrad.data.FashionMnist;
import org.jgrad.metrics.ConfusionMatrix;
import org.jgrad.metrics.ConfusionResult;
import org.jgrad.metrics.SegmentationMetrics;
import org.jgrad.metrics.SegmentationScores;
import org.jgrad.metrics.StateReducer;
import org.jgrad.tensor.Tensor;
import org.jgrad.train.LossMeter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One epoch's loss and metric accumulators, all on the device: the loss sum is LossMeter's, the
 * metrics are jgrad's accumulators (a confusion matrix fed with the
 * logits, argmax fused with the counting; or the binary segmentation statistics). Only scalars are
 * copied to the host, when the epoch ends.
 */
final class EpochMeter extends LossMeter {
    final Options.Task task;
    final ConfusionMatrix confusion;  // classify
    final SegmentationMetrics segmentation; // segment

    EpochMeter(Options.Task task) {
        this.task = task;
        this.confusion = task == Options.Task.CLASSIFY ? new ConfusionMatrix(10).classNames(FashionMnist.CLASSES) : null;
        this.segmentation = task == Options.Task.SEGMENT ? new SegmentationMetrics() : null;
    }

    /** The batch's scores, inside LossMeter's batch scope with the detached outputs. */
    @Override
    protected void updateScores(Tensor outputs, Tensor targets) {
        if (confusion != null) {
            // the logits themselves: the argmax over classes (torch.max(outputs, 1)'s indices,
            // first maximum, NaN wins) is fused with the counting, no index tensor is made
            confusion.update(outputs, targets);
        } else {
            segmentation.update(outputs, targets);
        }
    }

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
        super.close();
        if (confusion != null) confusion.close();
        if (segmentation != null) segmentation.close();
    }
}
