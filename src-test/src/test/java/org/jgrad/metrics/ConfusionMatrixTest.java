package org.jgrad.metrics;

import org.jgrad.metrics.ConfusionScoreSpec;
import org.jgrad.metrics.ConfusionScoreSpec.Absent;
import org.jgrad.metrics.ConfusionScoreSpec.Average;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The confusion matrix by hand: the worked two-class example, printing, bad labels, ignore_index, absent classes, kappa, merging. */
class ConfusionMatrixTest {

    @Test
    void seedExampleFromLabelsAndFromLogits() {
        // predictions [0,1,1,0] against labels [0,0,1,1]
        try (ConfusionMatrix cm = new ConfusionMatrix(2); Tensor p = Tensor.fromArray(new long[]{0, 1, 1, 0}, 4);
             Tensor y = Tensor.fromArray(new long[]{0, 0, 1, 1}, 4)) {
            cm.update(p, y);
            assertArrayEquals(new long[][]{{1, 1}, {1, 1}}, cm.matrix());
            ConfusionResult r = cm.compute();
            assertEquals(0.5, r.accuracy(), 0);
            assertEquals(0.0, r.kappa(), 1e-15); // po = pe = 0.5
            assertArrayEquals(new double[]{1.0 / 3, 1.0 / 3}, r.iou(), 1e-15);
        }
        // logits whose argmax over dim 1 is [0,1,1,0]
        try (ConfusionMatrix cm = new ConfusionMatrix(2);
             Tensor lg = Tensor.fromArray(new float[]{2, -1, 0, 3, 1, 5, 0.5f, 0.25f}, 4, 2);
             Tensor y = Tensor.fromArray(new int[]{0, 0, 1, 1}, 4)) {
            cm.update(lg, y);
            assertArrayEquals(new long[][]{{1, 1}, {1, 1}}, cm.matrix());
        }
    }

    @Test
    void printsRowsTrueColumnsPredicted() {
        try (ConfusionMatrix cm = new ConfusionMatrix(2).classNames("cat", "dog");
             Tensor p = Tensor.fromArray(new long[]{0, 1, 1, 0, 1, 1, 1}, 7);
             Tensor y = Tensor.fromArray(new long[]{0, 0, 0, 1, 1, 1, 1}, 7)) {
            cm.update(p, y);
            // asymmetric (true cat: 1 cat, 2 dog; true dog: 1 cat, 3 dog), so a transposed print fails
            String want = ""
                    + "      Predicted\n"
                    + "True  cat  dog\n"
                    + "cat     1    2\n"
                    + "dog     1    3\n";
            assertEquals(want, cm.format(Normalize.NONE));
            String norm = ""
                    + "      Predicted (normalised over true)\n"
                    + "True   cat   dog\n"
                    + "cat   0.33  0.67\n"
                    + "dog   0.25  0.75\n";
            assertEquals(norm, cm.format(Normalize.TRUE));
        }
    }

    @Test
    void labelOutOfRangeIsAnErrorNamingItAndLeavesStateUnchanged() {
        try (ConfusionMatrix cm = new ConfusionMatrix(3)) {
            try (Tensor p = Tensor.fromArray(new long[]{0, 1}, 2); Tensor y = Tensor.fromArray(new long[]{0, 1}, 2)) {
                cm.update(p, y);
            }
            try (Tensor lg = Tensor.zeros(3, 3); Tensor y = Tensor.fromArray(new long[]{0, 7, 2}, 3)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cm.update(lg, y));
                assertTrue(e.getMessage().contains("7") && e.getMessage().contains("[0, 3)") && e.getMessage().contains("index 1"), e.getMessage());
            }
            try (Tensor p = Tensor.fromArray(new long[]{0, -1}, 2); Tensor y = Tensor.fromArray(new long[]{0, 1}, 2)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cm.update(p, y));
                assertTrue(e.getMessage().contains("-1"), e.getMessage());
            }
            assertArrayEquals(new long[][]{{1, 0, 0}, {0, 1, 0}, {0, 0, 0}}, cm.matrix());
        }
    }

    @Test
    void ignoredLabelEntersNoDenominator() {
        // 4 pixels, one with target 255: it must count nowhere
        try (ConfusionMatrix cm = new ConfusionMatrix(2).ignoreIndex(255);
             Tensor p = Tensor.fromArray(new long[]{0, 1, 1, 0}, 4);
             Tensor y = Tensor.fromArray(new byte[]{0, 1, (byte) 255, 1}, 4)) {
            cm.update(p, y);
            assertArrayEquals(new long[][]{{1, 0}, {1, 1}}, cm.matrix());
            ConfusionResult r = cm.compute();
            assertEquals(2.0 / 3, r.accuracy(), 1e-15);
            assertArrayEquals(new double[]{1.0 / 2, 1.0}, r.precision(), 1e-15); // class 1: predicted once (pixel 2 ignored)
            assertArrayEquals(new double[]{1.0 / 2, 1.0 / 2}, r.iou(), 1e-15);
        }
    }

    @Test
    void absentClassExcludedOrScoredByZeroDivision() {
        // 3 classes, class 2 never true nor predicted
        long[] p = {0, 0, 1, 1, 1}, y = {0, 1, 1, 1, 0};
        // IoU: class 0: tp 1 / (2 + 2 - 1) = 1/3; class 1: tp 2 / (3 + 3 - 2) = 1/2
        for (Absent a : Absent.values()) {
            for (double zd : new double[]{0, 1}) {
                try (ConfusionMatrix cm = new ConfusionMatrix(3).absentClasses(a).zeroDivision(zd);
                     Tensor pt = Tensor.fromArray(p, 5); Tensor yt = Tensor.fromArray(y, 5)) {
                    cm.update(pt, yt);
                    ConfusionResult r = cm.compute();
                    assertArrayEquals(new double[]{1.0 / 3, 1.0 / 2, zd}, r.iou(), 1e-15);
                    double want = a == Absent.EXCLUDE ? (1.0 / 3 + 1.0 / 2) / 2 : (1.0 / 3 + 1.0 / 2 + zd) / 3;
                    assertEquals(want, r.meanIoU(), 1e-15, a + " zd=" + zd);
                    // balanced accuracy: recall over classes with true samples only: (1/2 + 2/3) / 2
                    assertEquals((0.5 + 2.0 / 3) / 2, r.balancedAccuracy(), 1e-15);
                }
            }
        }
    }

    @Test
    void kappaAndAveragesByHand() {
        // [[20, 5], [10, 15]]: po = 0.7, pe = (25*30 + 25*20)/2500 = 0.5, kappa = 0.4
        long[] p = new long[50], y = new long[50];
        int k = 0;
        for (int i = 0; i < 20; i++) { y[k] = 0; p[k++] = 0; }
        for (int i = 0; i < 5; i++) { y[k] = 0; p[k++] = 1; }
        for (int i = 0; i < 10; i++) { y[k] = 1; p[k++] = 0; }
        for (int i = 0; i < 15; i++) { y[k] = 1; p[k++] = 1; }
        try (ConfusionMatrix cm = new ConfusionMatrix(2); Tensor pt = Tensor.fromArray(p, 50); Tensor yt = Tensor.fromArray(y, 50)) {
            cm.update(pt, yt);
            ConfusionResult r = cm.compute();
            assertEquals(0.4, r.kappa(), 1e-15);
            assertEquals(0.7, r.accuracy(), 1e-15);
            // precision: 20/30, 15/20; recall: 20/25, 15/25
            assertArrayEquals(new double[]{2.0 / 3, 0.75}, r.precision(), 1e-15);
            assertArrayEquals(new double[]{0.8, 0.6}, r.recall(), 1e-15);
            double f0 = 2 * (2.0 / 3) * 0.8 / (2.0 / 3 + 0.8), f1 = 2 * 0.75 * 0.6 / 1.35;
            assertArrayEquals(new double[]{f0, f1}, r.f1(), 1e-15);
            assertEquals((f0 + f1) / 2, r.macroF1(), 1e-15);
            double[] w = cm.scores(new ConfusionScoreSpec(List.of(ConfusionScoreSpec.Metric.FSCORE, ConfusionScoreSpec.Metric.PRECISION),
                    Average.WEIGHTED, 0, Absent.EXCLUDE, 1));
            assertEquals((25 * f0 + 25 * f1) / 50, w[0], 1e-15);
            double[] micro = cm.scores(new ConfusionScoreSpec(List.of(ConfusionScoreSpec.Metric.PRECISION, ConfusionScoreSpec.Metric.IOU),
                    Average.MICRO, 0, Absent.EXCLUDE, 1));
            assertEquals(0.7, micro[0], 1e-15);             // micro precision = accuracy for single-label
            assertEquals(35.0 / (50 + 50 - 35), micro[1], 1e-15);
        }
    }

    @Test
    void mergingTwoHalvesEqualsTheWholeAndResetEmpties() {
        Generator g = new Generator(7);
        try (Tensor lg = Tensor.randn(g, 6, 5, 9, 11);
             Tensor y64 = Tensor.rand(g, 6, 9, 11).mul(5.0);
             Tensor y = y64.to(DType.INT64);
             ConfusionMatrix whole = new ConfusionMatrix(5); ConfusionMatrix a = new ConfusionMatrix(5); ConfusionMatrix b = new ConfusionMatrix(5)) {
            whole.update(lg, y);
            a.update(lg.narrow(0, 0, 2), y.narrow(0, 0, 2));
            b.update(lg.narrow(0, 2, 4), y.narrow(0, 2, 4));
            a.merge(b);
            assertArrayEquals(whole.matrix(), a.matrix());
            assertEquals(6 * 9 * 11, java.util.Arrays.stream(a.matrix()).flatMapToLong(java.util.Arrays::stream).sum());
            assertEquals(whole.compute().meanIoU(), a.compute().meanIoU(), 0);
            a.reset();
            assertEquals(0, java.util.Arrays.stream(a.matrix()).flatMapToLong(java.util.Arrays::stream).sum());
            // NHWC memory, permuted to NCHW: a non-contiguous view gives the same counts
            try (Tensor nhwc = lg.permute(0, 2, 3, 1).contiguous(); ConfusionMatrix c = new ConfusionMatrix(5)) {
                c.update(nhwc.permute(0, 3, 1, 2), y);
                assertArrayEquals(whole.matrix(), c.matrix());
            }
            MetricChecksSupport.assertMessage(() -> whole.merge(new ConfusionMatrix(4)), "4 classes");
        }
    }

    @Test
    void updatesLeaveOnlyTheStateAliveAndResetFreesIt() {
        Generator g = new Generator(9);
        try (Tensor lg = Tensor.randn(g, 2, 4, 5, 6); Tensor r = Tensor.rand(g, 2, 5, 6); Tensor s = r.mul(4.0); Tensor y = s.to(DType.INT64)) {
            long before = org.jgrad.tensor.MemoryStats.liveBytes(Device.cpu());
            ConfusionMatrix cm = new ConfusionMatrix(4);
            for (int i = 0; i < 3; i++) {
                try (org.jgrad.tensor.Scope scope = org.jgrad.tensor.Scope.open()) {
                    cm.update(lg, y);
                    cm.compute();
                }
            }
            // the state: a 4 x 4 INT64 histogram and one INT64 bad-label counter; nothing else stays alive.
            // (The counter is process-wide and the Cleaner may free other tests' garbage meanwhile, which
            // only lowers it, so this is an upper bound.)
            assertTrue(org.jgrad.tensor.MemoryStats.liveBytes(Device.cpu()) <= before + (16 + 1) * 8);
            assertEquals(3 * 2 * 5 * 6, java.util.Arrays.stream(cm.matrix()).flatMapToLong(java.util.Arrays::stream).sum());
            long withState = org.jgrad.tensor.MemoryStats.liveBytes(Device.cpu());
            cm.reset();
            assertTrue(org.jgrad.tensor.MemoryStats.liveBytes(Device.cpu()) <= withState - (16 + 1) * 8, "reset frees the state");
        }
    }

    @Test
    void badArgumentsAreNamed() {
        MetricChecksSupport.assertMessage(() -> new ConfusionMatrix(0), "numClasses must be >= 1, got 0");
        try (ConfusionMatrix cm = new ConfusionMatrix(3); Tensor lg = Tensor.zeros(2, 4, 5); Tensor y = Tensor.zeros(DType.INT64, Device.cpu(), 2, 5);
             Tensor yf = Tensor.zeros(2, 5); Tensor y6 = Tensor.zeros(DType.INT64, Device.cpu(), 2, 6)) {
            MetricChecksSupport.assertMessage(() -> cm.update(lg, y), "4 classes");
            try (Tensor lg3 = Tensor.zeros(2, 3, 5)) {
                MetricChecksSupport.assertMessage(() -> cm.update(lg3, yf), "FLOAT32");
                MetricChecksSupport.assertMessage(() -> cm.update(lg3, y6), "[2, 6]");
            }
        }
    }

    @Test
    void collectionUpdatesEveryMetric() {
        try (MetricCollection mc = new MetricCollection().add("cm", new ConfusionMatrix(2)).add("seg", new SegmentationMetrics(
                org.jgrad.backend.BinaryStatsSpec.probabilities()));
             Tensor p = Tensor.fromArray(new long[]{0, 1, 1, 0}, 4); Tensor y = Tensor.fromArray(new long[]{0, 0, 1, 1}, 4)) {
            mc.update(p, y);
            Map<String, Object> r = mc.compute();
            assertEquals(0.5, ((ConfusionResult) r.get("cm")).accuracy(), 0);
            SegmentationScores s = (SegmentationScores) r.get("seg");
            assertEquals(0.5, s.dice(), 0); // tp 1, fp 1, fn 1
            MetricCollection other = new MetricCollection().add("cm", new ConfusionMatrix(2)).add("seg", new SegmentationMetrics(
                    org.jgrad.backend.BinaryStatsSpec.probabilities()));
            other.update(p, y);
            mc.merge(other);
            assertArrayEquals(new long[][]{{2, 2}, {2, 2}}, ((ConfusionMatrix) mc.get("cm")).matrix());
            other.close();
        }
    }

    @Test
    void multiclassSegmentationDiceAndIouFromLogitsWithIgnoreIndex() {
        // [1, 3 classes, 2 x 3 pixels]; argmax per pixel: 0 1 2 / 2 1 0; targets 0 1 1 / 255 2 0 (255 ignored)
        float[] logits = {
                5, 0, 0, 0, 0, 5,   // class 0 scores
                0, 5, 0, 0, 5, 0,   // class 1
                0, 0, 5, 5, 0, 0};  // class 2
        long[] targets = {0, 1, 1, 255, 2, 0};
        try (Tensor lg = Tensor.fromArray(logits, 1, 3, 2, 3); Tensor t = Tensor.fromArray(targets, 1, 2, 3);
             ConfusionMatrix cm = new ConfusionMatrix(3).ignoreIndex(255)) {
            cm.update(lg, t);
            // counted pixels (pred, true): (0,0) (1,1) (2,1) (1,2) (0,0); the ignored pixel predicted 2 enters nothing
            // class 0: tp 2, fp 0, fn 0; class 1: tp 1, fp 1 (pred 1 true 2), fn 1 (true 1 pred 2); class 2: tp 0, fp 1, fn 1
            ConfusionResult r = cm.compute();
            assertArrayEquals(new double[]{1, 2.0 / 4, 0}, r.dice(), 1e-15);
            assertArrayEquals(new double[]{1, 1.0 / 3, 0}, r.iou(), 1e-15);
            assertEquals((1 + 1.0 / 3 + 0) / 3, r.meanIoU(), 1e-15);
            assertEquals((1 + 0.5 + 0) / 3, r.meanDice(), 1e-15);
        }
    }
}
