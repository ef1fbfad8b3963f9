package org.jgrad.metrics;

import org.jgrad.metrics.BinaryScoreSpec.Metric;
import org.jgrad.metrics.BinaryScoreSpec.Reduction;
import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.BinaryStatsSpec.Activation;
import org.jgrad.backend.BinaryStatsSpec.Grouping;
import org.jgrad.backend.BinaryStatsSpec.Rule;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scores worked out by hand from tp, fp, fn, tn; thresholds at their edges; eps on empty and full masks. */
class BinaryScoresHandTest {

    private static long[] counts(float[] p, byte[] t, BinaryStatsSpec spec) {
        try (Tensor pr = Tensor.fromArray(p, 1, p.length); Tensor tg = Tensor.fromArray(t, 1, t.length);
             Tensor c = BinaryStats.stats(pr, tg, spec)) {
            return c.toLongArray();
        }
    }

    /** smp MICRO with the zero_division substitution jgrad offers (smp itself leaves 0/0 NaN there). */
    private static double smp(float[] p, byte[] t, Metric m, double zd, double beta) {
        return smp(p, t, m, zd, beta, true);
    }

    private static double smp(float[] p, byte[] t, Metric m, double zd, double beta, boolean microZeroDivision) {
        try (Tensor pr = Tensor.fromArray(p, 1, p.length); Tensor tg = Tensor.fromArray(t, 1, t.length);
             Tensor c = BinaryStats.stats(pr, tg, BinaryStatsSpec.probabilities())) {
            return BinaryStats.scores(c, Scores.smp(1, 1, Reduction.MICRO, zd, beta, null, m).withMicroZeroDivision(microZeroDivision))[0];
        }
    }

    @Test
    void everyScoreOfOneSmallMask() {
        // p > 0.5: [1,1,0,0]; t: [1,0,1,1] -> tp 1, fp 1, fn 2, tn 0
        float[] p = {0.9f, 0.8f, 0.2f, 0.2f};
        byte[] t = {1, 0, 1, 1};
        assertArrayEquals(new long[]{1, 1, 2, 0}, counts(p, t, BinaryStatsSpec.probabilities()));
        assertEquals(2.0 / 5, smp(p, t, Metric.FSCORE, 1, 1), 1e-15);         // Dice 2tp/(2tp+fp+fn)
        assertEquals(1.0 / 4, smp(p, t, Metric.IOU, 1, 1), 1e-15);            // tp/(tp+fp+fn)
        assertEquals(5.0 / 14, smp(p, t, Metric.FSCORE, 1, 2), 1e-15);        // 5tp/(5tp+4fn+fp)
        assertEquals(5.0 / 11, smp(p, t, Metric.FSCORE, 1, 0.5), 1e-15);      // 1.25tp/(1.25tp+0.25fn+fp)
        assertEquals(1.0 / 4, smp(p, t, Metric.ACCURACY, 1, 1), 1e-15);
        assertEquals(1.0 / 2, smp(p, t, Metric.PRECISION, 1, 1), 1e-15);
        assertEquals(1.0 / 3, smp(p, t, Metric.RECALL, 1, 1), 1e-15);
        assertEquals(0.0, smp(p, t, Metric.SPECIFICITY, 1, 1), 1e-15);        // tn 0 / (tn+fp 1)
        assertEquals((1.0 / 3 + 0) / 2, smp(p, t, Metric.BALANCED_ACCURACY, 1, 1), 1e-15);
        // Dice = 2 IoU / (1 + IoU): Dice is not Jaccard's formula
        assertEquals(2 * 0.25 / 1.25, smp(p, t, Metric.FSCORE, 1, 1), 1e-15);
    }

    @Test
    void emptyAndFullMasksWithEpsAndZeroDivision() {
        float[] none = {0.1f, 0.2f, 0.3f};
        byte[] zeros = {0, 0, 0};
        BinaryStatsSpec spec = BinaryStatsSpec.probabilities();
        try (Tensor p = Tensor.fromArray(none, 1, 3); Tensor t = Tensor.fromArray(zeros, 1, 3)) {
            // legacy: (0 + eps) / (0 + eps) = 1
            assertEquals(1.0, LegacyMetrics.iou(p, t, spec, 1e-7), 0);
            assertEquals(1.0, LegacyMetrics.fscore(p, t, spec, 1, 1e-7), 0);
            assertEquals(1.0, LegacyMetrics.precision(p, t, spec, 1e-7), 0);
            assertEquals(1.0, LegacyMetrics.recall(p, t, spec, 1e-7), 0);
            assertEquals(1.0, LegacyMetrics.accuracy(p, t, spec), 0);
            assertTrue(Double.isNaN(LegacyMetrics.iou(p, t, spec, 0)), "0/0 without eps is NaN");
        }
        // smp's micro: 0/0 stays NaN whatever zero_division is; on request it becomes zero_division
        assertTrue(Double.isNaN(smp(none, zeros, Metric.IOU, 1, 1, false)));
        assertTrue(Double.isNaN(smp(none, zeros, Metric.FSCORE, 0, 1, false)));
        assertTrue(Double.isNaN(smp(none, zeros, Metric.BALANCED_ACCURACY, 0, 1, false)), "recall is 0/0");
        assertEquals(1.0, smp(none, zeros, Metric.ACCURACY, 0, 1, false), 0); // tn = 3: defined
        assertEquals(1.0, smp(none, zeros, Metric.IOU, 1, 1), 0);
        assertEquals(0.0, smp(none, zeros, Metric.IOU, 0, 1), 0);
        assertEquals(0.5, smp(none, zeros, Metric.FSCORE, 0.5, 1), 0);
        assertEquals(1.0, smp(none, zeros, Metric.ACCURACY, 0, 1), 0); // tn = 3: defined

        float[] all = {0.9f, 0.8f, 0.7f, 0.6f};
        byte[] ones = {1, 1, 1, 1};
        try (Tensor p = Tensor.fromArray(all, 1, 4); Tensor t = Tensor.fromArray(ones, 1, 4)) {
            assertEquals(1.0, LegacyMetrics.iou(p, t, spec, 1e-7), 0);
            assertEquals(1.0, LegacyMetrics.dice(p, t), 0);
        }
        assertEquals(0.25, smp(all, ones, Metric.SPECIFICITY, 0.25, 1), 0); // tn + fp = 0
        // all predicted, none true: IoU = eps / (4 + eps)
        try (Tensor p = Tensor.fromArray(all, 1, 4); Tensor t = Tensor.fromArray(new byte[4], 1, 4)) {
            assertEquals(1e-7 / (4 + 1e-7), LegacyMetrics.iou(p, t, spec, 1e-7), 1e-22);
            assertEquals(1e-7 / (4 + 1e-7), LegacyMetrics.precision(p, t, spec, 1e-7), 1e-22);
        }
    }

    @Test
    void greaterEqualCountsValuesAtTheThreshold() {
        byte[] t = {1, 1, 1};
        BinaryStatsSpec ge = BinaryStatsSpec.probabilities().withRule(Rule.GREATER_EQUAL);
        assertArrayEquals(new long[]{2, 0, 1, 0}, counts(new float[]{0.5f, 0.50000006f, Math.nextDown(0.5f)}, t, ge));
        assertArrayEquals(new long[]{2, 0, 1, 0}, counts(new float[]{0.3f, Math.nextUp(0.3f), Math.nextDown(0.3f)}, t, ge.withThreshold(0.3)));
        // threshold 0: every number, -0 included, is >= 0; threshold 1: only 1
        assertArrayEquals(new long[]{2, 0, 1, 0}, counts(new float[]{0f, -0f, -Float.MIN_VALUE}, t, ge.withThreshold(0)));
        assertArrayEquals(new long[]{1, 0, 2, 0}, counts(new float[]{1f, Math.nextDown(1f), Float.NaN}, t, ge.withThreshold(1)));
        // sigmoid(0) = 0.5 exactly: positive under >=, not under >; the floats either side decide as their sign
        BinaryStatsSpec lg = BinaryStatsSpec.logits().withRule(Rule.GREATER_EQUAL);
        assertArrayEquals(new long[]{2, 0, 1, 0}, counts(new float[]{0f, -0f, -Float.MIN_VALUE}, t, lg));
        assertArrayEquals(new long[]{0, 0, 3, 0}, counts(new float[]{0f, -0f, -Float.MIN_VALUE}, t, BinaryStatsSpec.logits()));
        // sigmoid thresholds 0 and 1 under >=: 0 takes every logit but NaN (sigmoid(-inf) = 0), 1 only +inf
        assertArrayEquals(new long[]{2, 0, 1, 0}, counts(new float[]{Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, Float.NaN}, t, lg.withThreshold(0)));
        assertArrayEquals(new long[]{1, 0, 2, 0}, counts(new float[]{Float.POSITIVE_INFINITY, Float.MAX_VALUE, Float.NaN}, t, lg.withThreshold(1)));
        assertEquals(Float.NEGATIVE_INFINITY, lg.withThreshold(0).cutoff());
        assertEquals(0f, lg.cutoff());
        assertEquals(Float.MIN_VALUE, BinaryStatsSpec.logits().cutoff());
        // the rule is part of the spec's identity and of what it prints
        assertNotEquals(lg, BinaryStatsSpec.logits());
        assertTrue(lg.toString().contains("sigmoid(x) >= 0.5"), lg.toString());
        assertTrue(BinaryStatsSpec.probabilities().withThreshold(0.3).toString().contains("p > 0.3"));
    }

    @Test
    void thresholdIsStrictAndRoundedToFloat32() {
        byte[] t = {1, 1, 1};
        // 0.5 itself is not above 0.5
        assertArrayEquals(new long[]{1, 0, 2, 0}, counts(new float[]{0.5f, 0.50000006f, 0.4f}, t, BinaryStatsSpec.probabilities())
                , "only 0.50000006 is above 0.5");
        // threshold 0.3 becomes 0.3f, as when PyTorch compares a float32 tensor with 0.3: 0.3f is not above it
        BinaryStatsSpec s03 = BinaryStatsSpec.probabilities().withThreshold(0.3);
        assertArrayEquals(new long[]{1, 0, 2, 0}, counts(new float[]{0.3f, Math.nextUp(0.3f), 0.1f}, t, s03));
        // probabilities at threshold 0 and 1
        BinaryStatsSpec s0 = BinaryStatsSpec.probabilities().withThreshold(0);
        assertArrayEquals(new long[]{1, 0, 2, 0}, counts(new float[]{0f, Float.MIN_VALUE, -1f}, t, s0));
        BinaryStatsSpec s1 = BinaryStatsSpec.probabilities().withThreshold(1);
        assertArrayEquals(new long[]{0, 0, 3, 0}, counts(new float[]{1f, 0.99f, Float.NaN}, t, s1));
    }

    @Test
    void sigmoidThresholdMatchesTheExactSigmoidAtTheEdges() {
        byte[] t = {0, 0, 0, 0, 0};
        BinaryStatsSpec logits = BinaryStatsSpec.logits();
        // sigmoid(0) = 0.5 exactly: not above 0.5; the smallest positive float is
        assertEquals(1, counts(new float[]{0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.NaN, -1e-3f}, t, logits)[1]);
        // threshold 0: every logit above -inf is positive (sigmoid(-100) = 3.7e-44 > 0), NaN never
        BinaryStatsSpec t0 = logits.withThreshold(0);
        assertEquals(3, counts(new float[]{-100f, -Float.MAX_VALUE, Float.NEGATIVE_INFINITY, Float.NaN, 5f}, t, t0)[1]);
        // threshold 1: sigmoid(x) < 1 for every finite x, and sigmoid(+inf) = 1 is not above 1
        BinaryStatsSpec t1 = logits.withThreshold(1);
        assertEquals(0, counts(new float[]{100f, Float.MAX_VALUE, Float.POSITIVE_INFINITY, 20f, 0f}, t, t1)[1]);
        // threshold 0.9 (0.9f): the first float whose sigmoid, in double, exceeds 0.9f — found by walking
        // the floats near ln 9 (sigmoid's slope there, 0.09, is far above double's resolution)
        BinaryStatsSpec t9 = logits.withThreshold(0.9);
        float above = 2.19f;
        while (!(1 / (1 + Math.exp(-(double) above)) > 0.9f)) above = Math.nextUp(above);
        float below = Math.nextDown(above);
        assertArrayEquals(new long[]{0, 1, 0, 4}, counts(new float[]{below, above, 0f, -3f, 1f}, t, t9));
    }

    @Test
    void groupingsAndIgnoredChannelsByHand() {
        // [N=2, C=2, 2]: probabilities and targets written out
        float[] p = {0.9f, 0.1f, /* img0 ch1 */ 0.9f, 0.9f, /* img1 ch0 */ 0.1f, 0.1f, /* img1 ch1 */ 0.9f, 0.1f};
        byte[] t = {1, 1, /* */ 0, 1, /* */ 0, 1, /* */ 1, 1};
        try (Tensor pr = Tensor.fromArray(p, 2, 2, 2); Tensor tg = Tensor.fromArray(t, 2, 2, 2)) {
            BinaryStatsSpec s = BinaryStatsSpec.probabilities();
            try (Tensor c = BinaryStats.stats(pr, tg, s.withGrouping(Grouping.PER_IMAGE_CHANNEL))) {
                assertArrayEquals(new long[]{1, 0, 1, 0, /* */ 1, 1, 0, 0, /* */ 0, 0, 1, 1, /* */ 1, 0, 1, 0}, c.toLongArray());
            }
            try (Tensor c = BinaryStats.stats(pr, tg, s.withGrouping(Grouping.PER_CHANNEL))) {
                assertArrayEquals(new long[]{1, 0, 2, 1, 2, 1, 1, 0}, c.toLongArray());
            }
            try (Tensor c = BinaryStats.stats(pr, tg, s.withGrouping(Grouping.PER_IMAGE).withIgnoreChannels(0))) {
                assertArrayEquals(new long[]{1, 1, 0, 0, 1, 0, 1, 0}, c.toLongArray());
            }
            // ignore value 1 in the targets: only the target-0 pixels remain, nothing is positive
            try (Tensor c = BinaryStats.stats(pr, tg, s.withIgnoreValue(1))) {
                assertArrayEquals(new long[]{0, 1, 0, 1}, c.toLongArray());
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BinaryStatsSpec.probabilities().withThreshold(1.5));
        assertTrue(e.getMessage().contains("threshold") && e.getMessage().contains("1.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BinaryStatsSpec.logits().withThreshold(-0.1));
        assertThrows(IllegalArgumentException.class, () -> BinaryStatsSpec.logits().withThreshold(Double.NaN));
        try (Tensor p = Tensor.zeros(2, 3); Tensor t = Tensor.zeros(2, 4); Tensor t64 = Tensor.zeros(org.jgrad.tensor.DType.FLOAT64, org.jgrad.tensor.Device.cpu(), 2, 3)) {
            e = assertThrows(IllegalArgumentException.class, () -> BinaryStats.stats(p, t, BinaryStatsSpec.logits()));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> BinaryStats.stats(t64, p, BinaryStatsSpec.logits()));
            assertTrue(e.getMessage().contains("FLOAT64"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> BinaryStats.stats(p, p, BinaryStatsSpec.logits().withIgnoreChannels(5)));
            assertTrue(e.getMessage().contains("5") && e.getMessage().contains("3 channels"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> BinaryStats.stats(p, p, BinaryStatsSpec.logits().withIgnoreChannels(0, 1, 2)));
            assertTrue(e.getMessage().contains("removes all"), e.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class, () -> Scores.smp(2, 3, Reduction.WEIGHTED, Metric.IOU));
        assertTrue(e.getMessage().contains("classWeights"), e.getMessage());
    }
}
