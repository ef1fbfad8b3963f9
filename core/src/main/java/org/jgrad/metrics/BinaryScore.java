package org.jgrad.metrics;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.metrics.BinaryScoreSpec.Reduction;
import org.jgrad.tensor.Tensor;

import java.util.List;

/**
 * Chosen smp scores (Dice, IoU, precision, recall, accuracy, ...) of tp/fp/fn/tn counts
 * accumulated over batches, as a {@link Metric}: the counterpart of torchmetrics' per-score
 * classes for {@link MetricCollection}s, where every BinaryScore (and {@link SegmentationMetrics})
 * with an equal {@link BinaryStatsSpec} shares one counting pass.
 * <pre>{@code
 * var metrics = new MetricCollection()
 *         .add("dice", new BinaryScore(BinaryScoreSpec.Metric.FSCORE))
 *         .add("iou", new BinaryScore(BinaryScoreSpec.Metric.IOU));   // one tp/fp/fn/tn pass per update
 * }</pre>
 * The scoring is a {@link BinaryScoreSpec} over one image ({@code images = 1}): its rows are the
 * accumulated counter rows (one, or one per channel with {@link BinaryStatsSpec.Grouping#PER_CHANNEL}),
 * so {@code classes} is taken from the counts unless class weights fix it. Per-image reductions
 * are refused (the counts are summed over images).
 */
public final class BinaryScore extends BinaryCountingMetric<ScoreValues<BinaryScoreSpec.Metric>> {
    private final BinaryScoreSpec scoring;

    /**
     * {@code scoring} ({@code images = 1}, reduction MICRO, MACRO, WEIGHTED or NONE) of the
     * counts of {@code spec} (WHOLE or PER_CHANNEL).
     */
    public BinaryScore(BinaryStatsSpec spec, BinaryScoreSpec scoring) {
        super(spec, "BinaryScore");
        MetricChecks.notNull(scoring, "scoring");
        if (scoring.images() != 1) {
            throw new IllegalArgumentException("scoring.images must be 1 for an accumulator (the counts are summed over images), got " + scoring.images());
        }
        Reduction r = scoring.reduction();
        if (r == Reduction.MICRO_IMAGEWISE || r == Reduction.MACRO_IMAGEWISE || r == Reduction.WEIGHTED_IMAGEWISE) {
            throw new IllegalArgumentException("reduction must be MICRO, MACRO, WEIGHTED or NONE for an accumulator, got " + r);
        }
        this.scoring = scoring;
    }

    /** smp's {@code get_stats} rule ({@code sigmoid(x) >= 0.5}), MICRO, zero_division 1 (as smp's score functions). */
    public BinaryScore(BinaryScoreSpec.Metric... metrics) {
        this(BinaryStatsSpec.logits().withRule(BinaryStatsSpec.Rule.GREATER_EQUAL),
                Scores.smp(1, 1, Reduction.MICRO, metrics));
    }

    public BinaryScoreSpec scoring() { return scoring; }

    /** The scores of everything seen since the last reset, by name; before any update all counts are zero. */
    @Override
    protected ScoreValues<BinaryScoreSpec.Metric> result() {
        Tensor c = counters();
        try {
            return BinaryStats.score(c, forRows(c.size(0)));
        } finally {
            if (!isState(c)) c.close();
        }
    }

    private BinaryScoreSpec forRows(int rows) {
        if (scoring.classes() == rows) return scoring;
        if (scoring.classWeights() != null) {
            throw new IllegalStateException("the scoring has " + scoring.classes() + " class weights but the counts have " + rows + " rows");
        }
        return new BinaryScoreSpec(scoring.metrics(), scoring.style(), scoring.reduction(), 1, rows, scoring.eps(),
                scoring.zeroDivision(), scoring.beta(), null, scoring.microZeroDivision());
    }

    /** The scores, the decision rule and the scoring, e.g. {@code BinaryScore[[FSCORE], positive: sigmoid(x) >= 0.5, SMP MICRO, ...]}. */
    @Override
    public String toString() {
        List<BinaryScoreSpec.Metric> m = scoring.metrics();
        return "BinaryScore[" + m + ", positive: " + spec.decision() + ", grouping=" + spec.grouping() + ", " + scoring.style() + " "
                + scoring.reduction() + (scoring.style() == BinaryScoreSpec.Style.LEGACY ? " eps=" + scoring.eps() : " zero_division=" + scoring.zeroDivision())
                + ", beta=" + scoring.beta() + "]";
    }
}
