package org.jgrad.metrics;

import org.jgrad.metrics.BinaryScoreSpec.Reduction;
import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.BinaryStatsSpec.Grouping;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.MemoryStats;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The segmentation accumulator: batches, merging, the report's imbalance note, per-channel reductions. */
class SegmentationMetricsTest {

    /** 1000 pixels, 30 foreground; 10 found, 10 false alarms: tp 10, fp 10, fn 20, tn 960. */
    private static Tensor[] rareForeground() {
        float[] p = new float[1000];
        byte[] t = new byte[1000];
        for (int i = 0; i < 30; i++) t[i] = 1;
        for (int i = 0; i < 10; i++) p[i] = 5f;          // tp
        for (int i = 500; i < 510; i++) p[i] = 5f;       // fp
        for (int i = 0; i < 1000; i++) if (p[i] == 0) p[i] = -5f;
        return new Tensor[]{Tensor.fromArray(p, 4, 1, 10, 25), Tensor.fromArray(t, 4, 1, 10, 25)};
    }

    @Test
    void scoresAndReportOfARareForeground() {
        Tensor[] in = rareForeground();
        try (SegmentationMetrics seg = new SegmentationMetrics()) {
            seg.update(in[0], in[1]);
            SegmentationScores s = seg.compute();
            assertEquals(0.97, s.accuracy(), 1e-15);
            assertEquals(20.0 / 50, s.dice(), 1e-15);
            assertEquals(10.0 / 40, s.iou(), 1e-15);
            assertEquals(0.5, s.precision(), 1e-15);
            assertEquals(1.0 / 3, s.recall(), 1e-15);
            assertEquals(0.03, s.foreground(), 1e-15);
            assertEquals(0.02, s.predictedForeground(), 1e-15);
            String r = s.report();
            assertTrue(r.contains("accuracy 0.97 but Dice 0.40: foreground is 3.0% of pixels"), r);
            assertTrue(r.contains("would already score accuracy 0.97"), r);
        }
        for (Tensor t : in) t.close();
    }

    @Test
    void balancedMasksGetNoImbalanceNote() {
        try (SegmentationMetrics seg = new SegmentationMetrics(BinaryStatsSpec.probabilities());
             Tensor p = Tensor.fromArray(new float[]{0.9f, 0.1f, 0.8f, 0.2f}, 1, 4); Tensor t = Tensor.fromArray(new byte[]{1, 0, 0, 1}, 1, 4)) {
            seg.update(p, t);
            assertFalse(seg.report().contains("note:"), seg.report());
        }
    }

    @Test
    void batchesAndMergedHalvesEqualTheWhole() {
        Generator g = new Generator(3);
        try (Tensor x = Tensor.randn(g, 6, 2, 13, 17); Tensor r = Tensor.rand(g, 6, 2, 13, 17); Tensor t = r.gt(0.6);
             SegmentationMetrics whole = new SegmentationMetrics(BinaryStatsSpec.logits().withGrouping(Grouping.PER_CHANNEL));
             SegmentationMetrics batched = new SegmentationMetrics(BinaryStatsSpec.logits().withGrouping(Grouping.PER_CHANNEL));
             SegmentationMetrics a = new SegmentationMetrics(BinaryStatsSpec.logits().withGrouping(Grouping.PER_CHANNEL));
             SegmentationMetrics b = new SegmentationMetrics(BinaryStatsSpec.logits().withGrouping(Grouping.PER_CHANNEL))) {
            whole.update(x, t);
            for (int i = 0; i < 6; i += 2) batched.update(x.narrow(0, i, 2), t.narrow(0, i, 2));
            a.update(x.narrow(0, 0, 3), t.narrow(0, 0, 3));
            b.update(x.narrow(0, 3, 3), t.narrow(0, 3, 3));
            a.merge(b);
            assertArrayEquals(whole.counts(), batched.counts());
            assertArrayEquals(whole.counts(), a.counts());
            assertEquals(whole.compute(), a.compute());
            long[] c = whole.counts();
            long total = 0;
            for (long v : c) total += v;
            assertEquals(6 * 2 * 13 * 17, total);
            // macro over the two channels = mean of the per-channel Dice, written out from the counts
            whole.reduction(Reduction.MACRO);
            double d0 = 2.0 * c[0] / (2 * c[0] + c[1] + c[2]), d1 = 2.0 * c[4] / (2 * c[4] + c[5] + c[6]);
            assertEquals((d0 + d1) / 2, whole.compute().dice(), 1e-15);
            // smp >= 0.3.2's weighted: sum(w_c d_c / sum w); macro with weights divides that by C
            whole.reduction(Reduction.WEIGHTED, 1, 3);
            assertEquals(0.25 * d0 + 0.75 * d1, whole.compute().dice(), 1e-15);
            whole.reduction(Reduction.MACRO, 1, 3);
            assertEquals((0.25 * d0 + 0.75 * d1) / 2, whole.compute().dice(), 1e-15);
        }
    }

    @Test
    void stateLivesOutsideScopesAndLeavesNothingBehind() {
        long before = MemoryStats.liveBytes(Device.cpu());
        SegmentationMetrics seg = new SegmentationMetrics();
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.randn(new Generator(1), 2, 1, 8, 8);
            Tensor t = Tensor.zeros(DType.UINT8, Device.cpu(), 2, 1, 8, 8);
            seg.update(x, t);
        }
        long[] c = seg.counts();
        assertEquals(128, c[1] + c[3]); // all targets negative: fp + tn = every pixel; the state survived the scope
        seg.close();
        // an upper bound: the Cleaner may free other tests' garbage meanwhile, which only lowers the counter
        assertTrue(MemoryStats.liveBytes(Device.cpu()) <= before, "nothing is left alive");
    }

    @Test
    void defaultsFollowSmpGetStatsAndMicroLeavesZeroByZeroNaN() {
        try (SegmentationMetrics seg = new SegmentationMetrics();
             Tensor x = Tensor.fromArray(new float[]{0f, -1f, -2f, -3f}, 1, 1, 4);
             Tensor none = Tensor.zeros(DType.UINT8, Device.cpu(), 1, 1, 4)) {
            seg.update(x, none); // logit 0: sigmoid 0.5 >= 0.5 is positive, so fp = 1
            assertArrayEquals(new long[]{0, 1, 0, 3}, seg.counts());
            assertTrue(seg.toString().contains("sigmoid(x) >= 0.5"), seg.toString());
            assertTrue(seg.compute().report().contains("positive when sigmoid(x) >= 0.5"), seg.compute().report());
        }
        try (SegmentationMetrics seg = new SegmentationMetrics();
             Tensor x = Tensor.fromArray(new float[]{-1f, -2f}, 1, 1, 2);
             Tensor none = Tensor.zeros(DType.UINT8, Device.cpu(), 1, 1, 2)) {
            seg.update(x, none); // nothing true, nothing predicted: Dice is 0/0
            SegmentationScores s = seg.compute();
            assertTrue(Double.isNaN(s.dice()) && Double.isNaN(s.iou()) && Double.isNaN(s.precision()), "smp's micro: NaN");
            assertEquals(1.0, s.accuracy(), 0);
            assertTrue(seg.toString().contains("NaN for MICRO 0/0"), seg.toString());
            assertEquals(1.0, seg.microZeroDivision(true).compute().dice(), 0);
            assertEquals(0.0, seg.zeroDivision(0).compute().iou(), 0);
            assertTrue(Double.isNaN(seg.microZeroDivision(false).compute().iou()));
        }
    }

    @Test
    void legacyEpsAndBeforeAnyUpdate() {
        try (SegmentationMetrics seg = new SegmentationMetrics().legacy(1e-7)) {
            SegmentationScores s = seg.compute();  // nothing seen: (0 + eps) / (0 + eps)
            assertEquals(1.0, s.dice(), 0);
            assertEquals(1.0, s.iou(), 0);
        }
        MetricChecksSupport.assertMessage(() -> new SegmentationMetrics(BinaryStatsSpec.logits().withGrouping(Grouping.PER_IMAGE)), "PER_IMAGE");
        MetricChecksSupport.assertMessage(() -> new SegmentationMetrics().reduction(Reduction.MICRO_IMAGEWISE), "MICRO_IMAGEWISE");
    }
}
