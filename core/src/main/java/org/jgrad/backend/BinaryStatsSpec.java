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
 * <p>Predicted positive: {@code pred > threshold} (strict, as smp's legacy metrics and
 * torchmetrics), where with {@link Activation#SIGMOID} pred is the exact sigmoid of the logit.
 * The threshold is first rounded to float32, as PyTorch does when a float32 tensor is compared
 * with a Python number. Backends compare the raw float32 input against {@link #cutoff()}
 * ({@code x >= cutoff}) which gives exactly that result: NaN is never positive, and with a
 * sigmoid a threshold of 1 gives no positives and 0 makes every non-NaN logit above -inf positive.
 * Device kernels must compare without flushing denormals to zero: with no activation and
 * threshold 0 the cutoff is {@code Float.MIN_VALUE}.
 *
 * <p>Target positive: value != 0. A target equal to {@code ignoreValue} (when
 * {@code hasIgnoreValue}) is counted nowhere, not even in tn.
 *
 * @param activation     NONE (preds are probabilities or scores) or SIGMOID (preds are logits)
 * @param threshold      in [0, 1]
 * @param grouping       which counters a pixel goes to
 * @param hasIgnoreValue whether {@code ignoreValue} is in force
 * @param ignoreValue    a target value to skip (e.g. 255 or -1)
 * @param ignoreChannels channels removed before counting (like smp's {@code ignore_channels});
 *                       the remaining channels keep their order and are renumbered 0..C'-1
 */
public record BinaryStatsSpec(Activation activation, double threshold, Grouping grouping,
                              boolean hasIgnoreValue, long ignoreValue, int[] ignoreChannels) {

    public enum Activation { NONE, SIGMOID }

    /** Rows of the counts tensor: WHOLE 1, PER_IMAGE N, PER_CHANNEL C', PER_IMAGE_CHANNEL N*C' (row n*C'+c). */
    public enum Grouping { WHOLE, PER_IMAGE, PER_CHANNEL, PER_IMAGE_CHANNEL }

    public BinaryStatsSpec {
        if (activation == null) throw new IllegalArgumentException("activation must not be null");
        if (grouping == null) throw new IllegalArgumentException("grouping must not be null");
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
        }
        ignoreChannels = ignoreChannels == null ? new int[0] : ignoreChannels.clone();
        for (int c : ignoreChannels) {
            if (c < 0) throw new IllegalArgumentException("ignoreChannels must be >= 0, got " + c);
        }
    }

    /** Sigmoid of logits, threshold 0.5, whole batch, nothing ignored. */
    public static BinaryStatsSpec logits() {
        return new BinaryStatsSpec(Activation.SIGMOID, 0.5, Grouping.WHOLE, false, 0, null);
    }

    /** Probabilities, threshold 0.5, whole batch, nothing ignored. */
    public static BinaryStatsSpec probabilities() {
        return new BinaryStatsSpec(Activation.NONE, 0.5, Grouping.WHOLE, false, 0, null);
    }

    public BinaryStatsSpec withThreshold(double t) { return new BinaryStatsSpec(activation, t, grouping, hasIgnoreValue, ignoreValue, ignoreChannels); }

    public BinaryStatsSpec withGrouping(Grouping g) { return new BinaryStatsSpec(activation, threshold, g, hasIgnoreValue, ignoreValue, ignoreChannels); }

    public BinaryStatsSpec withIgnoreValue(long v) { return new BinaryStatsSpec(activation, threshold, grouping, true, v, ignoreChannels); }

    public BinaryStatsSpec withIgnoreChannels(int... cs) { return new BinaryStatsSpec(activation, threshold, grouping, hasIgnoreValue, ignoreValue, cs); }

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
     * (false for NaN x). NaN when nothing can be positive (sigmoid with threshold 1).
     */
    public float cutoff() {
        float t = (float) threshold;
        if (activation == Activation.NONE) {
            return Math.nextUp(t); // x > t  <=>  x >= nextUp(t) for floats
        }
        if (t >= 1f) return Float.NaN;                 // sigmoid(x) <= 1 everywhere
        if (t <= 0f) return -Float.MAX_VALUE;          // sigmoid(x) > 0 for every x > -inf
        // sigmoid(x) > t  <=>  x > logit(t) = log(t) - log1p(-t): computed in double (exact for t = 0.5,
        // within a few double ulps elsewhere, far finer than the float32 spacing of x), then the
        // smallest float strictly above it.
        double logit = Math.log(t) - Math.log1p(-(double) t);
        float c = (float) logit;
        if (c <= logit) c = Math.nextUp(c);
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryStatsSpec s && s.activation == activation && s.threshold == threshold && s.grouping == grouping
                && s.hasIgnoreValue == hasIgnoreValue && s.ignoreValue == ignoreValue && Arrays.equals(s.ignoreChannels, ignoreChannels);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[]{activation, threshold, grouping, hasIgnoreValue, ignoreValue}) * 31 + Arrays.hashCode(ignoreChannels);
    }

    @Override
    public String toString() {
        return "BinaryStatsSpec[activation=" + activation + ", threshold=" + threshold + ", grouping=" + grouping
                + (hasIgnoreValue ? ", ignoreValue=" + ignoreValue : "") + (ignoreChannels.length > 0 ? ", ignoreChannels=" + Arrays.toString(ignoreChannels) : "") + "]";
    }
}
