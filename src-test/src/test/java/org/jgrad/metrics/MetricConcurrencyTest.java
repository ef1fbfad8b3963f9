package org.jgrad.metrics;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Accumulators updated from several threads count every batch (the documented guarantee: update
 * locks the accumulator), and the empty-state and printing edge cases.
 */
class MetricConcurrencyTest {
    private static final int THREADS = 8, BATCHES = 250;

    /** Runs {@code body(thread)} on THREADS threads started together; rethrows the first failure. */
    private static void together(java.util.function.IntConsumer body) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Thread> ts = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    body.accept(id);
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread t : ts) t.join();
        if (!errors.isEmpty()) throw new AssertionError("a thread failed", errors.get(0));
    }

    @Test
    void confusionMatrixLosesNoCountsUnderConcurrentUpdates() throws Exception {
        ConfusionMatrix cm = new ConfusionMatrix(3);
        long[] p = new long[40], y = new long[40];
        for (int i = 0; i < 40; i++) {
            p[i] = i % 3;
            y[i] = (i / 2) % 3;
        }
        together(id -> {
            try (Tensor preds = Tensor.fromArray(p, 40); Tensor targets = Tensor.fromArray(y, 40)) {
                for (int b = 0; b < BATCHES; b++) cm.update(preds, targets);
            }
        });
        long total = 0;
        for (long[] row : cm.matrix()) for (long n : row) total += n;
        assertEquals((long) THREADS * BATCHES * 40, total);
    }

    private static Tensor logits() {
        float[] v = new float[2 * 1 * 4 * 4];
        for (int i = 0; i < v.length; i++) v[i] = (i % 3) - 1f;
        return Tensor.fromArray(v, 2, 1, 4, 4);
    }

    private static Tensor masks() {
        long[] v = new long[2 * 1 * 4 * 4];
        for (int i = 0; i < v.length; i++) v[i] = (i / 3) % 2;
        return Tensor.fromArray(v, 2, 1, 4, 4);
    }

    @Test
    void segmentationMetricsLoseNoCountsUnderConcurrentUpdates() throws Exception {
        SegmentationMetrics seg = new SegmentationMetrics();
        together(id -> {
            try (Tensor x = logits(); Tensor y = masks()) {
                for (int b = 0; b < BATCHES; b++) seg.update(x, y);
            }
        });
        long total = 0;
        for (long n : seg.counts()) total += n;
        assertEquals((long) THREADS * BATCHES * 32, total);
    }

    @Test
    void binaryStatsAccumulateLosesNoCountsUnderConcurrentUpdates() throws Exception {
        Tensor counts = Tensor.zeros(DType.INT64, Device.cpu(), 1, 4);
        together(id -> {
            try (Tensor x = logits(); Tensor y = masks()) {
                for (int b = 0; b < BATCHES; b++) BinaryStats.accumulate(x, y, BinaryStatsSpec.logits(), counts);
            }
        });
        long total = 0;
        for (long n : counts.toLongArray()) total += n;
        assertEquals((long) THREADS * BATCHES * 32, total);
    }

    @Test
    void concurrentMergesInBothDirectionsDoNotDeadlock() throws Exception {
        ConfusionMatrix a = new ConfusionMatrix(2), b = new ConfusionMatrix(2);
        try (Tensor p = Tensor.fromArray(new long[]{0, 1}, 2)) {
            a.update(p, p);
            b.update(p, p);
        }
        together(id -> {
            for (int k = 0; k < 3; k++) { // each merge about doubles the counts: keep them far from overflow
                if (id % 2 == 0) a.merge(b);
                else b.merge(a);
            }
        });
        assertTrue(a.matrix()[0][0] > 1 && b.matrix()[0][0] > 1);
    }

    @Test
    void noPixelsFollowsTheZeroDivisionRuleAndSaysSo() {
        SegmentationMetrics seg = new SegmentationMetrics();
        SegmentationScores s = seg.compute();
        assertTrue(Double.isNaN(s.dice()), "smp's micro leaves 0/0 as NaN: " + s); // smp >= 0.3.2, no substitution by default
        assertEquals(Scores.SMP_ZERO_DIVISION, new SegmentationMetrics().microZeroDivision(true).compute().dice());
        assertTrue(Double.isNaN(s.foreground()) && Double.isNaN(s.predictedForeground()), s.toString());
        String report = s.report();
        assertTrue(report.contains("no pixels"), report);
        assertFalse(report.contains("100%"), report);
        SegmentationScores z = new SegmentationMetrics().zeroDivision(0).microZeroDivision(true).compute();
        assertEquals(0.0, z.dice());
        // an update whose pixels are all counted is not "no pixels"
        try (Tensor x = logits(); Tensor y = masks()) {
            seg.update(x, y);
        }
        assertFalse(Double.isNaN(seg.compute().foreground()));
    }

    @Test
    void confusionResultPrintsItsValues() {
        ConfusionMatrix cm = new ConfusionMatrix(2);
        try (Tensor p = Tensor.fromArray(new long[]{0, 1, 1}, 3); Tensor y = Tensor.fromArray(new long[]{0, 1, 0}, 3)) {
            cm.update(p, y);
        }
        String s = cm.compute().toString();
        assertFalse(s.contains("[D@"), s);
        assertTrue(s.contains("precision=[1.0, 0.5]") && s.contains("iou=[0.5, 0.5]"), s);
    }
}
