package org.jgrad.metrics;

/**
 * Stateful, mergeable AUROC (torchmetrics' {@code AUROC}) for the task, average, thresholds and
 * ignored value of a {@link RankingSpec}; formulas and edge rules as {@link Ranking}.
 * <pre>{@code
 * var m = new Auroc(RankingSpec.multiclass(10).withAverage(RankingAverage.WEIGHTED));
 * for (Batch b : loader) m.update(model.forward(b.x()).softmax(1), b.y());
 * double v = m.compute().value();
 * }</pre>
 * Declared states (see {@code RankingMetric}): exact, the scores and targets of every batch (two
 * CAT states); binned, the {@code [T, C, 2, 2]} count table (one SUM state). An
 * {@link AveragePrecision} of the same spec (any average) counts the same states: they merge, and
 * share one state in a {@link MetricCollection}. Thread-safe (methods hold the state's lock).
 */
public final class Auroc extends RankingMetric {

    public Auroc(RankingSpec spec) { super(spec); }

    @Override
    RankingScore score(RankingState counted) { return counted.auroc(); }

    @Override
    public String toString() { return "Auroc[" + spec + "]"; }
}
