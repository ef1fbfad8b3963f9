package org.jgrad.cuda;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.metrics.BinaryScoreSpec;
import org.jgrad.metrics.BinaryStats;
import org.jgrad.metrics.Confusion;
import org.jgrad.metrics.ConfusionMatrix;
import org.jgrad.metrics.ConfusionResult;
import org.jgrad.metrics.ConfusionScoreSpec;
import org.jgrad.metrics.MetricMathReference;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The metrics on a simulated GPU ({@link SimulatedCuda}: the packaged PTX run by
 * {@link PtxSimulator}) exactly as a user calls them, against the CPU: an epoch of updates
 * accumulates on the device through the CUDA backend's fused counting kernels, the counts equal
 * the CPU's, the scores (tensor ops on the device) equal the host reference to 1e-12 (the
 * device's float64 sums add in another order), and computing them copies exactly the doubles
 * returned (the backend's device-to-host counters) in one copy.
 */
class CudaMetricsBackendSimTest {
    private static final double DEVICE_SUM_ORDER = 1e-12;

    @Test
    void binaryEpochThenScoresCopiesOnlyTheScores() {
        Device cuda = SimulatedCuda.device();
        CudaBackend gpu = SimulatedCuda.backend();
        SplittableRandom rnd = new SplittableRandom(41);
        int[] shape = {4, 2, 37, 41};
        int n = 4 * 2 * 37 * 41;
        BinaryStatsSpec spec = BinaryStatsSpec.logits().withGrouping(BinaryStatsSpec.Grouping.PER_CHANNEL).withIgnoreValue(255);
        int groups = spec.groups(shape);
        try (Tensor devCounts = Tensor.zeros(DType.INT64, cuda, groups, 4); Tensor cpuCounts = Tensor.zeros(DType.INT64, Device.cpu(), groups, 4)) {
            for (int step = 0; step < 4; step++) {
                float[] p = new float[n];
                byte[] y = new byte[n];
                for (int i = 0; i < n; i++) {
                    p[i] = (float) rnd.nextGaussian();
                    y[i] = (byte) (rnd.nextInt(50) == 0 ? 255 : rnd.nextInt(10) < 2 ? 1 : 0);
                }
                try (Tensor hp = Tensor.fromArray(p, shape); Tensor hy = Tensor.fromArray(y, shape);
                     Tensor dp = hp.to(cuda); Tensor dy = hy.to(cuda)) {
                    BinaryStats.accumulate(dp, dy, spec, devCounts);
                    BinaryStats.accumulate(hp, hy, spec, cpuCounts);
                }
            }
            for (BinaryScoreSpec.Style style : BinaryScoreSpec.Style.values()) {
                for (BinaryScoreSpec.Reduction red : List.of(BinaryScoreSpec.Reduction.MICRO, BinaryScoreSpec.Reduction.MACRO,
                        BinaryScoreSpec.Reduction.WEIGHTED, BinaryScoreSpec.Reduction.MACRO_IMAGEWISE, BinaryScoreSpec.Reduction.NONE)) {
                    BinaryScoreSpec ss = new BinaryScoreSpec(List.of(BinaryScoreSpec.Metric.values()), style, red, 1, groups, 1e-7, 0.5, 1,
                            red == BinaryScoreSpec.Reduction.WEIGHTED ? new double[]{0.3, 1.7} : null);
                    gpu.synchronize();
                    long before = gpu.deviceToHostBytes(), copies = gpu.deviceToHostCopies();
                    double[] got = BinaryStats.scores(devCounts, ss);
                    assertEquals(8L * ss.outputLength(), gpu.deviceToHostBytes() - before, style + " " + red + ": only the scores cross");
                    assertEquals(1, gpu.deviceToHostCopies() - copies, red + ": in one copy");
                    assertArrayEquals(MetricMathReference.binaryScores(cpuCounts.toLongArray(), ss), got, DEVICE_SUM_ORDER, red.toString());
                    assertArrayEquals(BinaryStats.scores(cpuCounts, ss), got, DEVICE_SUM_ORDER, red.toString());
                }
            }
            assertArrayEquals(cpuCounts.toLongArray(), devCounts.toLongArray());
        }
    }

    @Test
    void confusionEpochThenScoresCopiesOnlyTheScores() {
        Device cuda = SimulatedCuda.device();
        CudaBackend gpu = SimulatedCuda.backend();
        SplittableRandom rnd = new SplittableRandom(42);
        int c = 21;
        int[] shape = {2, c, 9, 11}, tShape = {2, 9, 11};
        int n = 2 * c * 9 * 11, m = 2 * 9 * 11;
        try (ConfusionMatrix dev = new ConfusionMatrix(c).ignoreIndex(255); ConfusionMatrix host = new ConfusionMatrix(c).ignoreIndex(255)) {
            for (int step = 0; step < 3; step++) {
                float[] x = new float[n];
                long[] y = new long[m];
                for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
                for (int i = 0; i < m; i++) y[i] = rnd.nextInt(40) == 0 ? 255 : rnd.nextInt(10) < 7 ? 0 : rnd.nextInt(c);
                try (Tensor hx = Tensor.fromArray(x, shape); Tensor hy = Tensor.fromArray(y, tShape);
                     Tensor dx = hx.to(cuda); Tensor dy = hy.to(cuda)) {
                    dev.update(dx, dy);
                    host.update(hx, hy);
                }
            }
            assertEquals(cuda, dev.device());
            gpu.synchronize();
            long before = gpu.deviceToHostBytes(), copies = gpu.deviceToHostCopies();
            ConfusionResult got = dev.compute();
            // the deferred bad-label count, then every score in one read
            assertEquals(8L + 8L * (4 + 4 * c + 3), gpu.deviceToHostBytes() - before, "only the scores cross");
            assertEquals(2, gpu.deviceToHostCopies() - copies);
            ConfusionResult want = host.compute();
            assertArrayEquals(new double[]{want.accuracy(), want.balancedAccuracy(), want.kappa(), want.meanIoU(), want.macroPrecision(),
                    want.macroRecall(), want.macroF1()}, new double[]{got.accuracy(), got.balancedAccuracy(), got.kappa(), got.meanIoU(),
                    got.macroPrecision(), got.macroRecall(), got.macroF1()}, DEVICE_SUM_ORDER);
            assertArrayEquals(want.f1(), got.f1(), DEVICE_SUM_ORDER);
            assertArrayEquals(want.iou(), got.iou(), DEVICE_SUM_ORDER);
            long[][] hm = host.matrix(), dm = dev.matrix();
            for (int i = 0; i < c; i++) assertArrayEquals(hm[i], dm[i]);

            ConfusionScoreSpec spec = new ConfusionScoreSpec(List.of(ConfusionScoreSpec.Metric.values()), ConfusionScoreSpec.Average.WEIGHTED, 0,
                    ConfusionScoreSpec.Absent.EXCLUDE, 1);
            gpu.synchronize();
            before = gpu.deviceToHostBytes();
            double[] scores = dev.scores(spec);
            assertEquals(8L + 8L * spec.outputLength(c), gpu.deviceToHostBytes() - before, "only the scores cross");
            long[] flat = new long[c * c];
            for (int i = 0; i < c; i++) System.arraycopy(hm[i], 0, flat, i * c, c);
            assertArrayEquals(MetricMathReference.confusionScores(flat, c, spec), scores, DEVICE_SUM_ORDER);
        }
    }

    @Test
    void cudaBackendOffersTheFusedKernels() {
        SimulatedCuda.device();
        assertEquals(true, SimulatedCuda.backend().capability(org.jgrad.backend.MetricCounting.class).isPresent());
        try (Tensor h = Confusion.fromLabels(Tensor.fromArray(new long[]{0, 1, 1}, 3).to(SimulatedCuda.device()),
                Tensor.fromArray(new long[]{0, 0, 1}, 3).to(SimulatedCuda.device()), 2, Confusion.NO_IGNORE)) {
            assertArrayEquals(new long[]{1, 1, 0, 1}, h.toLongArray());
        }
    }
}
