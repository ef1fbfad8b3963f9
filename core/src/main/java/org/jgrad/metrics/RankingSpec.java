package org.jgrad.metrics;

import java.util.Arrays;

/**
 * What a ranking score is computed over and how: the task, the number of classes (labels), the
 * average, the thresholds and the ignored target value — torchmetrics' arguments of
 * {@code auroc}/{@code average_precision}.
 * <ul>
 * <li>{@code thresholds == null}: exact (every distinct score is a threshold), memory O(samples).</li>
 * <li>{@code thresholds} given: binned, constant memory; a score counts as positive at threshold t
 *     when {@code score >= t} (both float32), as torchmetrics. {@link #withThresholds(int)} gives n
 *     values evenly spaced over [0, 1], each the float32 nearest to i/(n-1) (torch.linspace's float32
 *     values can differ from these in the last bit, depending on the CPU's vector width; pass the
 *     list to reproduce one exactly). Thresholds must be finite and non-decreasing.</li>
 * <li>{@code ignoreIndex}: targets equal to it are dropped (for multilabel, per label).</li>
 * </ul>
 * Defaults as torchmetrics: average MACRO, exact, no ignored value.
 */
public record RankingSpec(RankingTask task, int numClasses, RankingAverage average, float[] thresholds, Long ignoreIndex) {

    public RankingSpec {
        MetricChecks.notNull(task, "task");
        MetricChecks.notNull(average, "average");
        if (task == RankingTask.BINARY && numClasses != 1) {
            throw new IllegalArgumentException("a binary task has numClasses 1, got " + numClasses);
        }
        if (task != RankingTask.BINARY && numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2 for a " + task + " task, got " + numClasses);
        }
        if (task == RankingTask.MULTICLASS && average == RankingAverage.MICRO) {
            throw new IllegalArgumentException("average MICRO is not defined for a multiclass task (torchmetrics offers macro, weighted, none)");
        }
        if (thresholds != null) {
            thresholds = thresholds.clone();
            if (thresholds.length < 1) throw new IllegalArgumentException("thresholds must hold at least one value, got none");
            for (int i = 0; i < thresholds.length; i++) {
                if (!Float.isFinite(thresholds[i])) throw new IllegalArgumentException("thresholds[" + i + "] must be finite, got " + thresholds[i]);
                if (i > 0 && thresholds[i] < thresholds[i - 1]) {
                    throw new IllegalArgumentException("thresholds must be non-decreasing, got " + thresholds[i - 1] + " then " + thresholds[i] + " at index " + i);
                }
            }
        }
    }

    public static RankingSpec binary() { return new RankingSpec(RankingTask.BINARY, 1, RankingAverage.MACRO, null, null); }

    public static RankingSpec multiclass(int numClasses) { return new RankingSpec(RankingTask.MULTICLASS, numClasses, RankingAverage.MACRO, null, null); }

    public static RankingSpec multilabel(int numLabels) { return new RankingSpec(RankingTask.MULTILABEL, numLabels, RankingAverage.MACRO, null, null); }

    public RankingSpec withAverage(RankingAverage a) { return new RankingSpec(task, numClasses, a, thresholds, ignoreIndex); }

    /** n thresholds evenly spaced over [0, 1] (n >= 2), as torchmetrics' {@code thresholds=n}. */
    public RankingSpec withThresholds(int n) {
        if (n < 2) throw new IllegalArgumentException("thresholds must be >= 2 when given as a count, got " + n);
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = (float) ((double) i / (n - 1));
        return withThresholds(t);
    }

    /** These thresholds, non-decreasing; torchmetrics' {@code thresholds=[...]}. */
    public RankingSpec withThresholds(float... t) {
        MetricChecks.notNull(t, "thresholds");
        return new RankingSpec(task, numClasses, average, t, ignoreIndex);
    }

    /** Exact mode (every distinct score is a threshold). */
    public RankingSpec exact() { return new RankingSpec(task, numClasses, average, null, ignoreIndex); }

    public RankingSpec withIgnoreIndex(long v) { return new RankingSpec(task, numClasses, average, thresholds, v); }

    public boolean binned() { return thresholds != null; }

    @Override
    public float[] thresholds() { return thresholds == null ? null : thresholds.clone(); }

    float[] thresholdsShared() { return thresholds; }

    boolean hasIgnore() { return ignoreIndex != null; }

    @Override
    public boolean equals(Object o) {
        return o instanceof RankingSpec s && s.task == task && s.numClasses == numClasses && s.average == average
                && Arrays.equals(s.thresholds, thresholds) && java.util.Objects.equals(s.ignoreIndex, ignoreIndex);
    }

    @Override
    public int hashCode() { return java.util.Objects.hash(task, numClasses, average, Arrays.hashCode(thresholds), ignoreIndex); }

    @Override
    public String toString() {
        return "RankingSpec[" + task + (task == RankingTask.BINARY ? "" : " " + numClasses) + ", " + average
                + (thresholds == null ? ", exact" : ", " + thresholds.length + " thresholds (score >= t)")
                + (ignoreIndex == null ? "" : ", ignoreIndex " + ignoreIndex) + "]";
    }
}
