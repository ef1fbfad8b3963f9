package org.jgrad.metrics;

import org.jgrad.tensor.Tensor;

/**
 * Chosen scikit-learn scores (accuracy, balanced accuracy, precision/recall/F-beta/IoU/specificity
 * with any average, kappa, MCC, ...) of a confusion matrix accumulated over batches, as a
 * {@link Metric}: the counterpart of torchmetrics' per-score classes for
 * {@link MetricCollection}s, where every ConfusionScore (and {@link ConfusionMatrix}) with the
 * same number of classes and ignore index shares one histogram pass.
 * <pre>{@code
 * var metrics = new MetricCollection()
 *         .add("accuracy", new ConfusionScore(10, spec(ACCURACY)))
 *         .add("mcc", new ConfusionScore(10, spec(MCC)));   // one confusion matrix per update
 * }</pre>
 * {@code update} takes logits or labels as {@link ConfusionMatrix} does, with the same bad-label rules.
 */
public final class ConfusionScore extends ConfusionCountingMetric<ScoreValues<ConfusionScoreSpec.Metric>> {
    private final ConfusionScoreSpec scoring;

    public ConfusionScore(int numClasses, ConfusionScoreSpec scoring) {
        super(numClasses);
        MetricChecks.notNull(scoring, "scoring");
        this.scoring = scoring;
    }

    public int numClasses() { return numClasses; }

    public ConfusionScoreSpec scoring() { return scoring; }

    /** A target value skipped everywhere; set before the first update. */
    public ConfusionScore ignoreIndex(long v) {
        setIgnoreIndex(v);
        return this;
    }

    /** The scores of everything seen since the last reset, by name; before any update every count is zero. */
    @Override
    protected ScoreValues<ConfusionScoreSpec.Metric> result() {
        Tensor h = histogram();
        try {
            return Confusion.score(h, scoring);
        } finally {
            if (!isState(h)) h.close();
        }
    }

    @Override
    public String toString() {
        return "ConfusionScore[" + scoring.metrics() + ", " + numClasses + " classes, average=" + scoring.average()
                + ", zero_division=" + scoring.zeroDivision() + ", absent=" + scoring.absent()
                + (ignoreIndex == Confusion.NO_IGNORE ? "" : ", ignoreIndex=" + ignoreIndex) + "]";
    }
}
