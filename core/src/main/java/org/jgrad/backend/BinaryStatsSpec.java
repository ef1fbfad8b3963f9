package org.jgrad.backend;

import java.util.Arrays;

/**
 * What {@link MetricCounting#binaryStats} counts: how predictions become a binary mask, how
 * pixels are grouped, and what is left out. Shared by every backend so they agree to the bit.
 *
 * <p>Layout: predictions and targets have the same shape, read as {@code [N, C, ...]} (dim 0 is
 * the image, dim 1 the channel, the rest is spatial); a 1-D tensor is {@code [N]} with one
 * channel. Only {@link Grouping#PER_CHANNEL}, {@link Grouping#PER_IMAGE_CHANNEL} and
 * {@code ignoreChannels} care which dim is the channel.
 *
 * <p>Predicted positive: {@code pred > threshold} ({@link Rule#GREATER}: smp's legacy
 * {@code utils.metrics}, torchmetrics) or {@code pred >= threshold} ({@link Rule#GREATER_EQUAL}:
 * smp's {@code metrics.get_stats}), where with {@link Activation#SIGMOID} pred is the exact
 * sigmoid of the logit. The threshold is first rounded to float32, as PyTorch does when a
 * float32 tensor is compared with a Python number. Backends compare the raw float32 input
 * against {@link #cutoff()} ({@code x >= cutoff}, the one comparison every kernel makes) which
 * gives exactly that result for either rule: NaN is never positive; with a sigmoid and GREATER a
 * threshold of 1 gives no positives and 0 makes every non-NaN logit above -inf positive; with
 * GREATER_EQUAL a threshold of 0 makes every non-NaN logit positive and 1 only +inf.
 * Device kernels must compare without flushing denormals to zero: with no activation, GREATER
 * and threshold 0 the cutoff is {@code Float.MIN_VALUE}.
 *
 * <p>Target positive: value != 0. A target equal to {@code ignoreValue} (when
 * {@code hasIgnoreValue}) is counted nowhere, not even in tn.
 *
 * @param activation     NONE (preds are probabilities or scores) or SIGMOID (preds are logits)
 * @param threshold      in [0, 1]
 * @param rule           {@code >} or {@code >=} against the threshold
 * @param grouping       which counters a pixel goes to
 * @param hasIgnoreValue whether {@code ignoreValue} is in force
 * @param ignoreValue    a target value to skip (e.g. 255 or -1)
 * @param ignoreChannels channels removed before counting (like smp's {@code ignore_channels});
 *                       the remaining channels keep their order and are renumbered 0..C'-1
 */
public record BinaryStatsSpec(Activation activation, double threshold, Rule rule, Grouping grouping,
                              boolean hasIgnoreValue, long ignoreValue, int[] ignoreChannels) {

    public enum Activation { NONE, SIGMOID }

    /** How a prediction is compared with the threshold. */
    public enum Rule {
        /** {@code pred > threshold}: smp's legacy {@code utils.metrics} (0.3.x), torchmetrics. */
        GREATER(">"),
        /** {@code pred >= threshold}: smp's {@code metrics.get_stats} (0.3.x). */
        GREATER_EQUAL(">=");

        private final String symbol;

        Rule(String symbol) { this.symbol = symbol; }

        public String symbol() { return symbol; }
    }

    /** Rows of the counts tensor: WHOLE 1, PER_IMAGE N, PER_CHANNEL C', PER_IMAGE_CHANNEL N*C' (row n*C'+c). */
    public enum Grouping { WHOLE, PER_IMAGE, PER_CHANNEL, PER_IMAGE_CHANNEL }

    public BinaryStatsSpec {
        if (activation == null) throw new IllegalArgumentException("activation must not be null");
        if (rule == null) throw new IllegalArgumentException("rule must not be null");
        if (grouping == null) throw new IllegalArgumentException("grouping must not be null");
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        ignoreChannels = ignoreChannels == null ? new int[0] : ignoreChannels.clone();
        for (int c : ignoreChannels) {
            if (c < 0) throw new IllegalArgumentException("ignoreChannels must be >= 0, got " + c);
        }
    }

    /** The strict rule ({@link Rule#GREATER}), as the legacy metrics and torchmetrics. */
    public BinaryStatsSpec(Activation activation, double threshold, Grouping grouping,
                           boolean hasIgnoreValue, long ignoreValue, int[] ignoreChannels) {
        this(activation, threshold, Rule.GREATER, grouping, hasIgnoreValue, ignoreValue, ignoreChannels);
    }

    /** Sigmoid of logits, {@code > 0.5} (smp legacy, torchmetrics), whole batch, nothing ignored. */
    public static BinaryStatsSpec logits() {
        return new BinaryStatsSpec(Activation.SIGMOID, 0.5, Rule.GREATER, Grouping.WHOLE, false, 0, null);
    }

    /** Probabilities, {@code > 0.5} (smp legacy's default), whole batch, nothing ignored. */
    public static BinaryStatsSpec probabilities() {
        return new BinaryStatsSpec(Activation.NONE, 0.5, Rule.GREATER, Grouping.WHOLE, false, 0, null);
    }

    /**
     * smp's {@code metrics.get_stats(output, target, mode="multilabel"/"binary", threshold=t)}:
     * probabilities, {@code output >= t}, one row per (image, channel).
     */
    public static BinaryStatsSpec getStats(double threshold) {
        return new BinaryStatsSpec(Activation.NONE, threshold, Rule.GREATER_EQUAL, Grouping.PER_IMAGE_CHANNEL, false, 0, null);
    }

    public BinaryStatsSpec withThreshold(double t) { return new BinaryStatsSpec(activation, t, rule, grouping, hasIgnoreValue, ignoreValue, ignoreChannels); }

    public BinaryStatsSpec withRule(Rule r) { return new BinaryStatsSpec(activation, threshold, r, grouping, hasIgnoreValue, ignoreValue, ignoreChannels); }

    public BinaryStatsSpec withGrouping(Grouping g) { return new BinaryStatsSpec(activation, threshold, rule, g, hasIgnoreValue, ignoreValue, ignoreChannels); }

    public BinaryStatsSpec withIgnoreValue(long v) { return new BinaryStatsSpec(activation, threshold, rule, grouping, true, v, ignoreChannels); }

    public BinaryStatsSpec withIgnoreChannels(int... cs) { return new BinaryStatsSpec(activation, threshold, rule, grouping, hasIgnoreValue, ignoreValue, cs); }

    /** The decision in words, for reports: e.g. {@code sigmoid(x) >= 0.5} or {@code p > 0.3}. */
    public String decision() {
        return (activation == Activation.SIGMOID ? "sigmoid(x) " : "p ") + rule.symbol() + " " + (float) threshold;
    }

    @Override
    public int[] ignoreChannels() { return ignoreChannels.clone(); }

    /** Images N of a tensor of this shape. */
    public static int images(int[] shape) { return shape.length == 0 ? 1 : shape[0]; }

    /** Channels C of a tensor of this shape (1 for a 1-D tensor). */
    public static int channels(int[] shape) { return shape.length < 2 ? 1 : shape[1]; }

    /** Elements per (image, channel) plane. */
    public static int planeSize(int[] shape) {
        int s = 1;
        for (int d = 2; d < shape.length; d++) s *= shape[d];
        return s;
    }

    /**
     * For each of the C input channels its renumbered channel, or -1 when ignored. Throws when an
     * ignored channel is not below C or when every channel is ignored.
     */
    public int[] channelMap(int c) {
        int[] map = new int[c];
        for (int ic : ignoreChannels) {
            if (ic >= c) throw new IllegalArgumentException("ignoreChannels holds " + ic + " but the input has " + c + " channels");
        }
        int k = 0;
        for (int i = 0; i < c; i++) {
            final int ch = i;
            map[i] = Arrays.stream(ignoreChannels).anyMatch(x -> x == ch) ? -1 : k++;
        }
        if (k == 0) throw new IllegalArgumentException("ignoreChannels " + Arrays.toString(ignoreChannels) + " removes all " + c + " channels");
        return map;
    }

    /** Channels left after {@code ignoreChannels}. */
    public int keptChannels(int c) {
        int[] m = channelMap(c);
        int k = 0;
        for (int v : m) if (v >= 0) k++;
        return k;
    }

    /** Rows of the counts tensor for an input of this shape. */
    public int groups(int[] shape) {
        int n = images(shape), c = keptChannels(channels(shape));
        return switch (grouping) {
            case WHOLE -> 1;
            case PER_IMAGE -> n;
            case PER_CHANNEL -> c;
            case PER_IMAGE_CHANNEL -> n * c;
        };
    }

    /** Counter row of (image n, renumbered channel c). */
    public int group(int n, int c, int keptChannels) {
        return switch (grouping) {
            case WHOLE -> 0;
            case PER_IMAGE -> n;
            case PER_CHANNEL -> c;
            case PER_IMAGE_CHANNEL -> n * keptChannels + c;
        };
    }

    /**
     * The float32 cutoff: a raw input x is predicted positive exactly when {@code x >= cutoff()}
     * (false for NaN x), for either rule, so kernels make one comparison. NaN when nothing can
     * be positive (sigmoid, GREATER, threshold 1).
     */
    public float cutoff() {
        float t = (float) threshold;
        boolean strict = rule == Rule.GREATER;
        if (activation == Activation.NONE) {
            return strict ? Math.nextUp(t) : t; // x > t  <=>  x >= nextUp(t) for floats
        }
        if (t >= 1f) return strict ? Float.NaN : Float.POSITIVE_INFINITY; // sigmoid(x) < 1 for finite x, = 1 at +inf
        if (t <= 0f) return strict ? -Float.MAX_VALUE : Float.NEGATIVE_INFINITY; // sigmoid(x) > 0 for every x > -inf
        // sigmoid(x) > t  <=>  x > logit(t) = log(t) - log1p(-t) (and >= alike): computed in double
        // (exact for t = 0.5, within a few double ulps elsewhere, far finer than the float32 spacing
        // of x), then the smallest float strictly above it (GREATER) or at or above it (GREATER_EQUAL).
        double logit = Math.log(t) - Math.log1p(-(double) t);
        float c = (float) logit;
        if (strict ? c <= logit : c < logit) c = Math.nextUp(c);
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryStatsSpec s && s.activation == activation && s.threshold == threshold && s.rule == rule && s.grouping == grouping
                && s.hasIgnoreValue == hasIgnoreValue && s.ignoreValue == ignoreValue && Arrays.equals(s.ignoreChannels, ignoreChannels);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[]{activation, threshold, rule, grouping, hasIgnoreValue, ignoreValue}) * 31 + Arrays.hashCode(ignoreChannels);
    }

    @Override
    public String toString() {
        return "BinaryStatsSpec[positive: " + decision() + ", grouping=" + grouping
                + (hasIgnoreValue ? ", ignoreValue=" + ignoreValue : "") + (ignoreChannels.length > 0 ? ", ignoreChannels=" + Arrays.toString(ignoreChannels) : "") + "]";
    }
}
