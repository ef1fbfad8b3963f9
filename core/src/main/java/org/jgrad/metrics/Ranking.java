package org.jgrad.metrics;

import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Ranking scores as torchmetrics 1.9 defines them (rules unchanged since 1.4): AUROC, average
 * precision, ROC and precision-recall curves, for binary, multiclass (one-vs-rest) and multilabel
 * tasks, exact or binned ({@link RankingSpec}). One call is one batch; for many batches use the
 * stateful {@link Auroc} and {@link AveragePrecision}.
 *
 * <p>Exact: per class, the scores are sorted once (O(n log n)) and every distinct score is a
 * threshold (ties form one threshold, as torchmetrics and scikit-learn); AUROC is the trapezoidal
 * area under the ROC curve through (0, 0), AP the step sum Σ (R_k - R_{k-1}) P_k without
 * interpolation; computed on the host in float64 (torchmetrics computes in float32, so its values
 * agree to about 1e-7; scikit-learn's to 1e-12 or better). Binned: {@code score >= t} counted per
 * threshold on the device; see {@link RankingSpec}.
 *
 * <p>Scores are ranked as given: torchmetrics applies a sigmoid (softmax for multiclass) when
 * some score leaves [0, 1], which changes a multiclass ranking and can create float32 ties; apply
 * it before calling to reproduce that. NaN scores are rejected. Rules for a class without
 * positive (or negative) targets, as torchmetrics: see the package documentation.
 */
public final class Ranking {
    private Ranking() {}

    /** Exact binary AUROC; {@code scores} FLOAT32, {@code targets} 0/1 (integer or float) of the same shape. */
    public static double auroc(Tensor scores, Tensor targets) { return auroc(scores, targets, RankingSpec.binary()).value(); }

    /** Exact binary average precision; {@code scores} FLOAT32, {@code targets} 0/1 (integer or float) of the same shape. */
    public static double averagePrecision(Tensor scores, Tensor targets) {
        return averagePrecision(scores, targets, RankingSpec.binary()).value();
    }

    public static RankingScore auroc(Tensor preds, Tensor targets, RankingSpec spec) {
        try (Scope scope = Scope.open()) {
            RankingState s = once(preds, targets, spec);
            return s.auroc();
        }
    }

    public static RankingScore averagePrecision(Tensor preds, Tensor targets, RankingSpec spec) {
        try (Scope scope = Scope.open()) {
            RankingState s = once(preds, targets, spec);
            return s.averagePrecision();
        }
    }

    /** Exact binary ROC curve (scikit-learn's roc_curve with drop_intermediate=False). */
    public static RocCurve rocCurve(Tensor scores, Tensor targets) { return rocCurve(scores, targets, RankingSpec.binary()); }

    /** Binary ROC curve, exact or binned as {@code spec} says (a binary spec). */
    public static RocCurve rocCurve(Tensor scores, Tensor targets, RankingSpec spec) {
        binaryOnly(spec);
        try (Scope scope = Scope.open()) {
            RankingState s = once(scores, targets, spec);
            return s.roc(0);
        }
    }

    /** Exact binary precision-recall curve (scikit-learn 1.2's precision_recall_curve). */
    public static PrecisionRecallCurve precisionRecallCurve(Tensor scores, Tensor targets) {
        return precisionRecallCurve(scores, targets, RankingSpec.binary());
    }

    public static PrecisionRecallCurve precisionRecallCurve(Tensor scores, Tensor targets, RankingSpec spec) {
        binaryOnly(spec);
        try (Scope scope = Scope.open()) {
            RankingState s = once(scores, targets, spec);
            return s.precisionRecall(0);
        }
    }

    /** One ROC curve per class (one-vs-rest) or label: torchmetrics' multiclass_roc / multilabel_roc with average=None. */
    public static List<RocCurve> rocCurves(Tensor preds, Tensor targets, RankingSpec spec) {
        try (Scope scope = Scope.open()) {
            RankingState s = once(preds, targets, spec);
            List<RocCurve> out = new ArrayList<>();
            for (int c = 0; c < spec.numClasses(); c++) out.add(s.roc(c));
            return out;
        }
    }

    /** One precision-recall curve per class (one-vs-rest) or label, as torchmetrics with average=None. */
    public static List<PrecisionRecallCurve> precisionRecallCurves(Tensor preds, Tensor targets, RankingSpec spec) {
        try (Scope scope = Scope.open()) {
            RankingState s = once(preds, targets, spec);
            List<PrecisionRecallCurve> out = new ArrayList<>();
            for (int c = 0; c < spec.numClasses(); c++) out.add(s.precisionRecall(c));
            return out;
        }
    }

    /** One batch, its tensors in the current scope. */
    private static RankingState once(Tensor preds, Tensor targets, RankingSpec spec) {
        MetricChecks.notNull(spec, "spec");
        return RankingState.of(RankingInputs.of(preds, targets, spec), spec);
    }

    private static void binaryOnly(RankingSpec spec) {
        MetricChecks.notNull(spec, "spec");
        if (spec.task() != RankingTask.BINARY) {
            throw new IllegalArgumentException("a single curve needs a binary spec, got " + spec + "; use rocCurves/precisionRecallCurves per class");
        }
    }
}
