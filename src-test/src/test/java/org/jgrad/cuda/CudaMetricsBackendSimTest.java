package org.jgrad.cuda;

import org.jgrad.backend.Backends;
import org.jgrad.backend.Backend;
import org.jgrad.backend.BinaryScoreSpec;
import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.ConfusionScoreSpec;
import org.jgrad.backend.MetricMath;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The metric primitives of {@link CudaBackend} itself, on a simulated device (the packaged PTX
 * run by {@link PtxSimulator}), against the CPU backend: an epoch of updates accumulates on the
 * device, and computing the scores copies exactly the doubles returned (the backend's
 * device-to-host counter), as issue 8 asks. The tensors report the CPU as their device, so the
 * backend's primitives are called directly.
 */
class CudaMetricsBackendSimTest {
    private SimulatedRuntime rt;
    private CudaBackend gpu;
    private final Backend cpu = Backends.of(Device.cpu());

    @BeforeEach
    void setUp() {
        rt = new SimulatedRuntime(48 << 20);
        gpu = new CudaBackend(0, null, rt, Device.cpu());
    }

    private Tensor zerosSim(DType dt, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        Tensor t = new Tensor(gpu.allocate(dt, n), shape);
        gpu.fill(t.raw(), 0);
        return t;
    }

    @Test
    void binaryEpochThenScoresCopiesOnlyTheScores() {
        SplittableRandom rnd = new SplittableRandom(41);
        int[] shape = {4, 2, 37, 41};
        int n = 4 * 2 * 37 * 41;
        BinaryStatsSpec spec = BinaryStatsSpec.logits().withGrouping(BinaryStatsSpec.Grouping.PER_CHANNEL).withIgnoreValue(255);
        int groups = spec.groups(shape);
        Tensor devCounts = zerosSim(DType.INT64, groups, 4);
        Tensor cpuCounts = Tensor.zeros(DType.INT64, Device.cpu(), groups, 4);
        for (int step = 0; step < 4; step++) {
            float[] p = new float[n];
            byte[] y = new byte[n];
            for (int i = 0; i < n; i++) {
                p[i] = (float) rnd.nextGaussian();
                y[i] = (byte) (rnd.nextInt(50) == 0 ? 255 : rnd.nextInt(10) < 2 ? 1 : 0);
            }
            try (Tensor dp = new Tensor(gpu.fromHost(p, DType.FLOAT32), shape); Tensor dy = new Tensor(gpu.fromHost(y, DType.UINT8), shape);
                 Tensor hp = Tensor.fromArray(p, shape); Tensor hy = Tensor.fromArray(y, shape)) {
                gpu.binaryStats(dp, dy, spec, devCounts);
                cpu.binaryStats(hp, hy, spec, cpuCounts);
            }
        }
        for (BinaryScoreSpec.Reduction red : List.of(BinaryScoreSpec.Reduction.MICRO, BinaryScoreSpec.Reduction.MACRO, BinaryScoreSpec.Reduction.NONE)) {
            BinaryScoreSpec ss = new BinaryScoreSpec(List.of(BinaryScoreSpec.Metric.FSCORE, BinaryScoreSpec.Metric.IOU, BinaryScoreSpec.Metric.ACCURACY,
                    BinaryScoreSpec.Metric.PRECISION, BinaryScoreSpec.Metric.RECALL), BinaryScoreSpec.Style.LEGACY, red, 1, groups, 1e-7, 1, 1, null);
            try (Tensor out = zerosSim(DType.FLOAT64, ss.outputLength())) {
                long before = gpu.deviceToHostBytes(), copies = gpu.deviceToHostCopies();
                gpu.binaryScores(devCounts, ss, out);
                double[] got = new double[ss.outputLength()];
                gpu.toHost(out.raw(), got);
                assertEquals(8L * ss.outputLength(), gpu.deviceToHostBytes() - before, red + ": only the scores cross");
                assertEquals(1, gpu.deviceToHostCopies() - copies);
                assertArrayEquals(MetricMath.binaryScores(cpuCounts.toLongArray(), ss), got, 0.0, red.toString());
            }
        }
        long[] back = new long[groups * 4];
        gpu.toHost(devCounts.raw(), back);
        assertArrayEquals(cpuCounts.toLongArray(), back);
    }

    @Test
    void confusionEpochThenScoresCopiesOnlyTheScores() {
        SplittableRandom rnd = new SplittableRandom(42);
        int c = 21;
        int[] shape = {2, c, 9, 11}, tShape = {2, 9, 11};
        int n = 2 * c * 9 * 11, m = 2 * 9 * 11;
        Tensor devHist = zerosSim(DType.INT64, c, c), devBad = zerosSim(DType.INT64, 1);
        Tensor cpuHist = Tensor.zeros(DType.INT64, Device.cpu(), c, c), cpuBad = Tensor.zeros(DType.INT64, Device.cpu(), 1);
        for (int step = 0; step < 3; step++) {
            float[] x = new float[n];
            long[] y = new long[m];
            for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
            for (int i = 0; i < m; i++) y[i] = rnd.nextInt(40) == 0 ? 255 : rnd.nextInt(10) < 7 ? 0 : rnd.nextInt(c);
            try (Tensor dx = new Tensor(gpu.fromHost(x, DType.FLOAT32), shape); Tensor dy = new Tensor(gpu.fromHost(y, DType.INT64), tShape);
                 Tensor hx = Tensor.fromArray(x, shape); Tensor hy = Tensor.fromArray(y, tShape)) {
                gpu.confusionFromLogits(dx, dy, 255, devHist, devBad);
                cpu.confusionFromLogits(hx, hy, 255, cpuHist, cpuBad);
            }
        }
        ConfusionScoreSpec spec = new ConfusionScoreSpec(List.of(ConfusionScoreSpec.Metric.ACCURACY, ConfusionScoreSpec.Metric.MEAN_IOU,
                ConfusionScoreSpec.Metric.FSCORE, ConfusionScoreSpec.Metric.PRECISION), ConfusionScoreSpec.Average.MACRO, 0,
                ConfusionScoreSpec.Absent.EXCLUDE, 1);
        try (Tensor out = zerosSim(DType.FLOAT64, spec.outputLength(c))) {
            long before = gpu.deviceToHostBytes();
            gpu.confusionScores(devHist, spec, out);
            double[] got = new double[spec.outputLength(c)];
            gpu.toHost(out.raw(), got);
            assertEquals(8L * spec.outputLength(c), gpu.deviceToHostBytes() - before, "only the scores cross");
            assertArrayEquals(MetricMath.confusionScores(cpuHist.toLongArray(), c, spec), got, 0.0);
        }
        long[] h = new long[c * c], b = new long[1];
        gpu.toHost(devHist.raw(), h);
        gpu.toHost(devBad.raw(), b);
        assertArrayEquals(cpuHist.toLongArray(), h);
        assertArrayEquals(cpuBad.toLongArray(), b);
    }
}
