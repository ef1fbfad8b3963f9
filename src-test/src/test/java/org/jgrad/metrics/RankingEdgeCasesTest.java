package org.jgrad.metrics;

import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-worked edge cases of the ranking scores (torchmetrics 1.9 conventions), binned = exact, merge, errors. */
class RankingEdgeCasesTest {

    private static Tensor f(float... v) { return Tensor.fromArray(v, v.length); }

    private static Tensor l(long... v) { return Tensor.fromArray(v, v.length); }

    @Test
    void allEqualScoresAreOneThreshold() {
        // one threshold: ROC (0,0) -> (1,1), area 1/2; PR: precision P/n at recall 1, then (1, 0): AP = P/n
        try (Tensor s = f(0.3f, 0.3f, 0.3f, 0.3f, 0.3f); Tensor y = l(1, 0, 0, 1, 0)) {
            assertEquals(0.5, Ranking.auroc(s, y), 0);
            assertEquals(0.4, Ranking.averagePrecision(s, y), 1e-16);
            RocCurve roc = Ranking.rocCurve(s, y);
            assertArrayEquals(new double[]{0, 1}, roc.fpr(), 0);
            assertArrayEquals(new double[]{Double.POSITIVE_INFINITY, 0.3f}, roc.thresholds(), 0);
            PrecisionRecallCurve pr = Ranking.precisionRecallCurve(s, y);
            assertArrayEquals(new double[]{0.4, 1}, pr.precision(), 1e-16);
            assertArrayEquals(new double[]{1, 0}, pr.recall(), 0);
        }
    }

    @Test
    void torchmetricsDocstringExampleBinned() {
        // binary_precision_recall_curve(preds=[0, 0.5, 0.7, 0.8], target=[0, 1, 1, 0], thresholds=5) in torchmetrics' docs:
        // precision [0.5, 0.6667, 0.6667, 0, nan, 1], recall [1, 1, 1, 0, 0, 0], thresholds [0, .25, .5, .75, 1]
        try (Tensor s = f(0, 0.5f, 0.7f, 0.8f); Tensor y = l(0, 1, 1, 0)) {
            PrecisionRecallCurve pr = Ranking.precisionRecallCurve(s, y, RankingSpec.binary().withThresholds(5));
            assertArrayEquals(new double[]{0.5, 2.0 / 3, 2.0 / 3, 0, Double.NaN, 1}, pr.precision(), 1e-15);
            assertArrayEquals(new double[]{1, 1, 1, 0, 0, 0}, pr.recall(), 0);
            assertArrayEquals(new double[]{0, 0.25, 0.5, 0.75, 1}, pr.thresholds(), 0);
            // exact: torchmetrics' docs give precision [0.5, 0.6667, 0.5, 0, 1], recall [1, 1, 0.5, 0, 0]
            PrecisionRecallCurve ex = Ranking.precisionRecallCurve(s, y);
            assertArrayEquals(new double[]{0.5, 2.0 / 3, 0.5, 0, 1}, ex.precision(), 1e-15);
            assertArrayEquals(new double[]{1, 1, 0.5, 0, 0}, ex.recall(), 0);
        }
    }

    @Test
    void scoreExactlyAtAThresholdCountsAsPositive() {
        // torchmetrics counts preds >= t: at t = 0.5 both 0.5s are predicted positive (tp 1, fp 1), at t = 0.75 none
        try (Tensor s = f(0.5f, 0.5f, 0.25f); Tensor y = l(1, 0, 0)) {
            RocCurve roc = Ranking.rocCurve(s, y, RankingSpec.binary().withThresholds(0.25f, 0.5f, 0.75f));
            assertArrayEquals(new double[]{0.75, 0.5, 0.25}, roc.thresholds(), 0);
            assertArrayEquals(new double[]{0, 0.5, 1}, roc.fpr(), 0);
            assertArrayEquals(new double[]{0, 1, 1}, roc.tpr(), 0);
            // area through (0,0), (0.5,1), (1,1): 0.25 + 0.5
            assertEquals(0.75, Ranking.auroc(s, y, RankingSpec.binary().withThresholds(0.25f, 0.5f, 0.75f)).value(), 0);
        }
    }

    @Test
    void absentClassesFollowTorchmetrics() {
        // 3 classes, class 2 never a target: its AUROC is 0 (tpr set to 0) and is averaged in; its AP is NaN and left out
        float[] p = {0.7f, 0.2f, 0.1f, 0.3f, 0.6f, 0.1f, 0.6f, 0.3f, 0.1f, 0.2f, 0.7f, 0.1f};
        try (Tensor pt = Tensor.fromArray(p, 4, 3); Tensor y = l(0, 1, 0, 1)) {
            RankingScore au = Ranking.auroc(pt, y, RankingSpec.multiclass(3).withAverage(RankingAverage.NONE));
            assertArrayEquals(new double[]{1, 1, 0}, au.perClass(), 0);
            assertTrue(Double.isNaN(au.value()));
            assertEquals(2.0 / 3, Ranking.auroc(pt, y, RankingSpec.multiclass(3)).value(), 1e-16);
            assertEquals(1.0, Ranking.auroc(pt, y, RankingSpec.multiclass(3).withAverage(RankingAverage.WEIGHTED)).value(), 0);
            RankingScore ap = Ranking.averagePrecision(pt, y, RankingSpec.multiclass(3).withAverage(RankingAverage.NONE));
            assertEquals(1.0, ap.perClass()[0], 0);
            assertTrue(Double.isNaN(ap.perClass()[2]));
            assertEquals(1.0, Ranking.averagePrecision(pt, y, RankingSpec.multiclass(3)).value(), 0);
            // binned: the absent class's AP is 0 there (NaN recall read as 0), and it is averaged in
            RankingScore binned = Ranking.averagePrecision(pt, y, RankingSpec.multiclass(3).withThresholds(0.1f, 0.2f, 0.3f, 0.6f, 0.7f));
            assertEquals(0.0, binned.perClass()[2], 0);
            assertEquals(2.0 / 3, binned.value(), 1e-16);
        }
    }

    @Test
    void singleClassTargets() {
        try (Tensor s = f(0.2f, 0.7f, 0.4f); Tensor pos = l(1, 1, 1); Tensor neg = l(0, 0, 0)) {
            assertEquals(0.0, Ranking.auroc(s, pos), 0);
            assertEquals(0.0, Ranking.auroc(s, neg), 0);
            assertEquals(1.0, Ranking.averagePrecision(s, pos), 0);
            assertEquals(0.0, Ranking.averagePrecision(s, neg), 0);
            assertArrayEquals(new double[]{0, 0, 0, 0}, Ranking.rocCurve(s, neg).tpr(), 0);   // torchmetrics: zeros, not NaN
            assertArrayEquals(new double[]{1, 1, 1, 0}, Ranking.precisionRecallCurve(s, neg).recall(), 0);
        }
    }

    @Test
    void badInputIsRejectedWithItsValue() {
        try (Tensor empty = Tensor.zeros(0); Tensor emptyY = Tensor.fromArray(new long[0], 0)) {
            var e = assertThrows(IllegalArgumentException.class, () -> Ranking.auroc(empty, emptyY));
            assertTrue(e.getMessage().contains("no samples"), e.getMessage());
        }
        try (Tensor s = f(0.2f, Float.NaN); Tensor y = l(1, 0)) {
            var e = assertThrows(IllegalArgumentException.class, () -> Ranking.averagePrecision(s, y));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        }
        try (Tensor s = f(0.2f, 0.3f); Tensor y = l(1, 2)) {
            var e = assertThrows(IllegalArgumentException.class, () -> Ranking.auroc(s, y));
            assertTrue(e.getMessage().contains("2.0") && e.getMessage().contains("index 1"), e.getMessage());
        }
        try (Tensor p = Tensor.fromArray(new float[]{0.5f, 0.5f}, 1, 2); Tensor y = l(3)) {
            var e = assertThrows(IllegalArgumentException.class, () -> Ranking.auroc(p, y, RankingSpec.multiclass(2)));
            assertTrue(e.getMessage().contains("[0, 2)"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> RankingSpec.multiclass(3).withAverage(RankingAverage.MICRO));
        var e = assertThrows(IllegalArgumentException.class, () -> RankingSpec.binary().withThresholds(0.5f, 0.2f));
        assertTrue(e.getMessage().contains("non-decreasing"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RankingSpec.binary().withThresholds(1));
        assertThrows(IllegalStateException.class, () -> new Auroc(RankingSpec.binary()).compute());
        assertThrows(IllegalArgumentException.class, () -> new TopKAccuracy(3, 4));
    }

    @Test
    void linspaceThresholdsAreCorrectlyRounded() {
        float[] t = RankingSpec.binary().withThresholds(7).thresholds();
        for (int i = 0; i < 7; i++) assertEquals((float) (i / 6.0), t[i], 0);
        assertEquals(0f, t[0], 0);
        assertEquals(1f, t[6], 0);
    }

    /** Thresholds = the distinct scores plus one above them all: binned equals exact (AUROC and AP); without the one above, AP still does. */
    @Test
    void binnedAtEveryDistinctScoreEqualsExact() {
        Random r = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 50 + r.nextInt(200);
            float[] s = new float[n];
            long[] y = new long[n];
            for (int i = 0; i < n; i++) {
                y[i] = r.nextInt(3) == 0 ? 1 : 0;
                s[i] = Math.round((r.nextFloat() * 0.7f + 0.3f * y[i]) * 20) / 20f; // ties, and often a mixed top group
            }
            TreeSet<Float> distinct = new TreeSet<>();
            for (float v : s) distinct.add(v);
            float[] thr = new float[distinct.size() + 1];
            int k = 0;
            for (float v : distinct) thr[k++] = v;
            thr[k] = Math.nextUp(distinct.last());
            float[] unique = Arrays.copyOf(thr, k);
            try (Tensor st = f(s); Tensor yt = l(y)) {
                double au = Ranking.auroc(st, yt), ap = Ranking.averagePrecision(st, yt);
                assertEquals(au, Ranking.auroc(st, yt, RankingSpec.binary().withThresholds(thr)).value(), 1e-12, "auroc trial " + trial);
                assertEquals(ap, Ranking.averagePrecision(st, yt, RankingSpec.binary().withThresholds(thr)).value(), 1e-12, "ap trial " + trial);
                assertEquals(ap, Ranking.averagePrecision(st, yt, RankingSpec.binary().withThresholds(unique)).value(), 1e-12, "ap unique " + trial);
            }
        }
    }

    @Test
    void binnedWithoutAPointAboveTheTopScoreMissesTheFirstSegment() {
        // torchmetrics' binned ROC has no (0, 0) point: with the only threshold at the (mixed) top score, the curve is one point, area 0
        try (Tensor s = f(0.5f, 0.5f); Tensor y = l(1, 0)) {
            assertEquals(0.5, Ranking.auroc(s, y), 0);
            assertEquals(0.0, Ranking.auroc(s, y, RankingSpec.binary().withThresholds(0.5f)).value(), 0);
            assertEquals(0.5, Ranking.auroc(s, y, RankingSpec.binary().withThresholds(0.5f, 0.75f)).value(), 0);
        }
    }

    @Test
    void mergedBatchesEqualOneBatch() {
        Random r = new Random(11);
        int n = 300, c = 4;
        float[] p = new float[n * c];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(c);
            for (int j = 0; j < c; j++) p[i * c + j] = Math.round(r.nextFloat() * 10 + (y[i] == j ? 3 : 0)) / 13f;
        }
        for (RankingSpec spec : new RankingSpec[]{RankingSpec.multiclass(c), RankingSpec.multiclass(c).withThresholds(25)}) {
            try (Tensor pt = Tensor.fromArray(p, n, c); Tensor yt = Tensor.fromArray(y, n);
                 Auroc whole = new Auroc(spec); Auroc a = new Auroc(spec); Auroc b = new Auroc(spec);
                 AveragePrecision apWhole = new AveragePrecision(spec); AveragePrecision apA = new AveragePrecision(spec); AveragePrecision apB = new AveragePrecision(spec);
                 TopKAccuracy tWhole = new TopKAccuracy(c, 2); TopKAccuracy tA = new TopKAccuracy(c, 2); TopKAccuracy tB = new TopKAccuracy(c, 2)) {
                whole.update(pt, yt);
                apWhole.update(pt, yt);
                tWhole.update(pt, yt);
                a.update(pt.narrow(0, 0, 100), yt.narrow(0, 0, 100));
                a.update(pt.narrow(0, 100, 50), yt.narrow(0, 100, 50));
                b.update(pt.narrow(0, 150, 150), yt.narrow(0, 150, 150));
                apA.update(pt.narrow(0, 0, 150), yt.narrow(0, 0, 150));
                apB.update(pt.narrow(0, 150, 150), yt.narrow(0, 150, 150));
                tA.update(pt.narrow(0, 0, 120), yt.narrow(0, 0, 120));
                tB.update(pt.narrow(0, 120, 180), yt.narrow(0, 120, 180));
                a.merge(b);
                apA.merge(apB);
                tA.merge(tB);
                assertEquals(whole.compute(), a.compute(), spec.toString());
                assertEquals(apWhole.compute(), apA.compute(), spec.toString());
                assertEquals(tWhole.compute(), tA.compute());
                b.reset();
                assertEquals(whole.compute(), a.compute(), "merge copied the state"); // a no longer depends on b's tensors
            }
        }
    }

    @Test
    void extraDimensionsAreFlattenedIntoSamples() {
        // preds [N=2, C=3, 2], targets [2, 2] = four samples
        float[] p = {0.6f, 0.1f, 0.3f, 0.8f, 0.1f, 0.1f, 0.2f, 0.5f, 0.7f, 0.3f, 0.1f, 0.2f};
        float[] flat = {0.6f, 0.3f, 0.1f, 0.1f, 0.8f, 0.1f, 0.2f, 0.7f, 0.1f, 0.5f, 0.3f, 0.2f};
        try (Tensor p3 = Tensor.fromArray(p, 2, 3, 2); Tensor y2 = Tensor.fromArray(new long[]{0, 1, 2, 1}, 2, 2);
             Tensor p2 = Tensor.fromArray(flat, 4, 3); Tensor y1 = l(0, 1, 2, 1)) {
            RankingSpec spec = RankingSpec.multiclass(3).withAverage(RankingAverage.NONE);
            assertArrayEquals(Ranking.auroc(p2, y1, spec).perClass(), Ranking.auroc(p3, y2, spec).perClass(), 0);
            assertArrayEquals(Ranking.averagePrecision(p2, y1, spec).perClass(), Ranking.averagePrecision(p3, y2, spec).perClass(), 0);
        }
    }

    @Test
    void binnedAndTopKRunOnABackendWithOnlyTheRequiredPrimitives() {
        Device minimal = Device.of("minimal", 0);
        Random r = new Random(3);
        int n = 200, c = 5;
        float[] p = new float[n * c];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(c);
            for (int j = 0; j < c; j++) p[i * c + j] = Math.round(r.nextFloat() * 8) / 8f;
        }
        try (Tensor pc = Tensor.fromArray(p, n, c); Tensor yc = Tensor.fromArray(y, n); Tensor pm = pc.to(minimal); Tensor ym = yc.to(minimal)) {
            RankingSpec spec = RankingSpec.multiclass(c).withThresholds(9).withAverage(RankingAverage.NONE);
            assertArrayEquals(Ranking.auroc(pc, yc, spec).perClass(), Ranking.auroc(pm, ym, spec).perClass(), 0);
            assertArrayEquals(Ranking.averagePrecision(pc, yc, spec).perClass(), Ranking.averagePrecision(pm, ym, spec).perClass(), 0);
            for (int k = 1; k <= 3; k++) {
                assertEquals(TopKAccuracy.of(pc, yc, c, k, RankingAverage.MACRO), TopKAccuracy.of(pm, ym, c, k, RankingAverage.MACRO), "k " + k);
            }
        }
    }

    @Test
    void radixSortOrdersEveryFloatAsFloatCompareDoes() {
        Random r = new Random(5);
        int n = 5000;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (i % 7) {
                case 0 -> Float.intBitsToFloat(r.nextInt()); // any bit pattern (NaN replaced below)
                case 1 -> Float.NEGATIVE_INFINITY;
                case 2 -> Float.POSITIVE_INFINITY;
                case 3 -> -0.0f;
                case 4 -> 0.0f;
                default -> (float) r.nextGaussian();
            };
            if (Float.isNaN(v[i])) v[i] = 1.5f;
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) keys[i] = ExactRanking.key(v[i], (i & 1) == 1);
        ExactRanking.sortByScore(keys, n);
        float[] want = v.clone();
        for (int i = 0; i < n; i++) want[i] += 0.0f; // -0.0 and 0.0 are one score
        Arrays.sort(want);
        ExactRanking.Clf curve = ExactRanking.curve(keys.clone(), n);
        float[] distinct = curve.thresholds();
        for (int g = 1; g < distinct.length; g++) assertTrue(distinct[g] < distinct[g - 1], "decreasing at " + g);
        assertEquals(Arrays.stream(toDoubles(want)).distinct().count(), distinct.length);
        assertEquals(n / 2, curve.positives());
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @Test
    void infiniteScoresRankAndBin() {
        try (Tensor s = f(Float.NEGATIVE_INFINITY, 0.5f, Float.POSITIVE_INFINITY, 0.2f); Tensor y = l(0, 1, 1, 0)) {
            assertEquals(1.0, Ranking.auroc(s, y), 0);
            RankingSpec binned = RankingSpec.binary().withThresholds(0f, 0.5f, 1f);
            assertArrayEquals(new double[]{0.5, 1, 1}, Ranking.rocCurve(s, y, binned).tpr(), 0); // +Inf >= 1, 0.5 >= 0.5
            assertEquals(1.0, Ranking.averagePrecision(s, y, binned).value(), 0);
        }
    }
}
