package org.jgrad.metrics;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The counting half of {@link Auroc} and {@link AveragePrecision}: the declared states of a
 * {@link RankingSpec}, one batch counted into them, and the curves read from them. The states
 * depend on the spec:
 * <ul>
 * <li>exact: {@code scores} FLOAT32 {@code [M, C]} and {@code targets} INT64 {@code [M]}
 *     (multiclass labels) or {@code [M, C]} (0/1), both CAT — the batches, concatenated when
 *     computed (torchmetrics' list states);</li>
 * <li>binned: {@code table} INT64 {@code [T, C, 2, 2]} (threshold, class, target, prediction),
 *     SUM. The thresholds are configuration (the spec), not state.</li>
 * </ul>
 * Every shape is declared, so a rank that saw no batch can take part in a sync. Both metrics of
 * one counting configuration ({@link RankingStatistics}: the spec without its average, which only
 * changes the scoring) hold the same states, so a {@link MetricCollection} lets an Auroc and an
 * AveragePrecision share one, and either merges the other's.
 */
abstract class RankingMetric extends StatefulMetric<RankingScore> {
    static final String SCORES = "scores", TARGETS = "targets", TABLE = "table";

    /** What the states count: everything of the spec but the average. */
    record RankingStatistics(RankingTask task, int numClasses, List<Float> thresholds, Long ignoreIndex) {
        static RankingStatistics of(RankingSpec spec) {
            List<Float> t = null;
            if (spec.binned()) {
                t = new ArrayList<>();
                for (float v : spec.thresholdsShared()) t.add(v);
            }
            return new RankingStatistics(spec.task(), spec.numClasses(), t == null ? null : List.copyOf(t), spec.ignoreIndex());
        }

        @Override
        public String toString() {
            return "ranking states of " + task + (task == RankingTask.BINARY ? "" : " " + numClasses)
                    + (thresholds == null ? ", exact" : ", " + thresholds.size() + " thresholds")
                    + (ignoreIndex == null ? "" : ", ignoreIndex " + ignoreIndex);
        }
    }

    final RankingSpec spec;
    private final RankingStatistics statistics;

    RankingMetric(RankingSpec spec) {
        super(declarations(spec));
        this.spec = spec;
        this.statistics = RankingStatistics.of(spec);
    }

    private static StateDeclaration[] declarations(RankingSpec spec) {
        MetricChecks.notNull(spec, "spec");
        int c = spec.numClasses();
        if (spec.binned()) return new StateDeclaration[]{StateDeclaration.sum(TABLE, DType.INT64, spec.thresholdsShared().length, c, 2, 2)};
        int[] targetTrailing = spec.task() == RankingTask.MULTICLASS ? new int[0] : new int[]{c};
        return new StateDeclaration[]{StateDeclaration.cat(SCORES, DType.FLOAT32, c), StateDeclaration.cat(TARGETS, DType.INT64, targetTrailing)};
    }

    public final RankingSpec spec() { return spec; }

    @Override
    protected final Object statisticsKey() { return statistics; }

    @Override
    protected final void count(Tensor preds, Tensor targets) {
        try (Scope scope = Scope.open()) {
            RankingInputs in = RankingInputs.of(preds, targets, spec);
            ensureStates(preds.device());
            if (spec.binned()) {
                state(TABLE).add_(BinnedRanking.table(in, RankingState.thresholdsOn(preds.device(), spec), spec));
            } else {
                append(SCORES, in.scores());
                append(TARGETS, in.targets());
            }
        }
    }

    /** The score of everything seen since the last reset; an error before any update. */
    @Override
    protected final RankingScore result() {
        try (Scope scope = Scope.open()) {
            return score(counted());
        }
    }

    /** This metric's score of the counted states (called inside a scope, with the lock held). */
    abstract RankingScore score(RankingState counted);

    /**
     * The states read for scoring; exact states are concatenated into tensors of the current
     * scope. Call with the lock held, inside a scope.
     */
    final RankingState counted() {
        if (!hasState()) throw new IllegalStateException("no samples: update() was not called since the last reset()");
        if (spec.binned()) return RankingState.binned(spec, state(TABLE));
        return RankingState.exact(spec, concatenated(SCORES), concatenated(TARGETS));
    }

    /** The ROC curve of class (or label) {@code cls}; 0 for a binary task. */
    public final RocCurve rocCurve(int cls) {
        checkClass(cls);
        synchronized (stateLock()) {
            try (Scope scope = Scope.open()) {
                return counted().roc(cls);
            }
        }
    }

    /** The precision-recall curve of class (or label) {@code cls}; 0 for a binary task. */
    public final PrecisionRecallCurve precisionRecallCurve(int cls) {
        checkClass(cls);
        synchronized (stateLock()) {
            try (Scope scope = Scope.open()) {
                return counted().precisionRecall(cls);
            }
        }
    }

    private void checkClass(int cls) {
        if (cls < 0 || cls >= spec.numClasses()) throw new IllegalArgumentException("cls must be in [0, " + spec.numClasses() + "), got " + cls);
    }
}
