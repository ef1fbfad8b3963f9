package org.jgrad.cuda.metrics;

import org.jgrad.cuda.GpuSupport;
import org.jgrad.backend.Backend;
import org.jgrad.backend.Backends;
import org.jgrad.backend.MetricCounting;
import org.jgrad.metrics.BinaryScoreSpec;
import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.metrics.ConfusionScoreSpec;
import org.jgrad.backend.CpuBackend;
import org.jgrad.metrics.BinaryStats;
import org.jgrad.metrics.Confusion;
import org.jgrad.metrics.MetricMathReference;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity of the PTX metric kernels with the CPU reference on a GPU: fresh random inputs of
 * awkward sizes (1 pixel, not a multiple of 4 or of a block, views one element in), C = 1, 2,
 * 3, 21, 150, 1000, empty and full masks, counters beyond 2^31, and the transfer bound: an
 * epoch of updates plus the scores copies only the scores. Skipped where no GPU is usable.
 */
@Tag("gpu")
class MetricKernelsGpuTest {
    /** Set by each test through {@link GpuSupport#cuda()}: skipped (or failed, where a GPU is required) tests are counted one by one. */
    private Device gpu;

    @BeforeEach
    void device() {
        gpu = GpuSupport.cuda();
    }

    /** A fresh seed, reported by every failure message of the test that draws from it. */
    private static long seed() {
        return System.nanoTime();
    }

    /** The GPU backend's fused counting kernels, called directly. */
    private MetricCounting fused() { return Backends.of(gpu).capability(MetricCounting.class).orElseThrow(); }

    /** A device view {@code offset} elements into a fresh device copy of {@code host} (which is closed). */
    private Tensor view(Tensor host, int offset, int[] shape) {
        try (host; Tensor d = host.to(gpu)) {
            return new Tensor(d.storage(), shape, SegStatsKernelModelTest.rowMajor(shape), offset);
        }
    }

    @Test
    void binaryStatsParity() {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] shapes = {{1, 1, 1, 1}, {3, 1, 33, 17}, {2, 3, 5, 7}, {16, 1, 257, 259}, {1, 1, 4099}, {4, 2, 64, 64}};
        for (int[] shape : shapes) {
            for (DType t : new DType[]{DType.UINT8, DType.INT32, DType.INT64, DType.FLOAT32}) {
                for (BinaryStatsSpec.Grouping g : BinaryStatsSpec.Grouping.values()) {
                    for (int off : new int[]{0, 1}) {
                        double thr = new double[]{0, 0.5, 1}[rnd.nextInt(3)];
                        BinaryStatsSpec spec = BinaryStatsSpec.logits().withThreshold(thr).withGrouping(g);
                        if (rnd.nextBoolean()) spec = spec.withIgnoreValue(255);
                        int n = 1;
                        for (int s : shape) n *= s;
                        float[] p = SegStatsKernelModelTest.randomPreds(n + off, rnd);
                        Object y = SegStatsKernelModelTest.randomTargets(t, n + off, rnd);
                        int[] st = SegStatsKernelModelTest.rowMajor(shape);
                        CpuBackend cpu = CpuBackend.INSTANCE;
                        try (Tensor hp = new Tensor(cpu.fromHost(p, DType.FLOAT32), shape, st, off);
                             Tensor ht = new Tensor(cpu.fromHost(y, t), shape, st, off);
                             Tensor hc = Tensor.zeros(DType.INT64, Device.cpu(), spec.groups(shape), 4);
                             Tensor dp = view(Tensor.fromArray(p, p.length), off, shape);
                             Tensor dt = view(new Tensor(cpu.fromHost(y, t), java.lang.reflect.Array.getLength(y)), off, shape);
                             Tensor dc = Tensor.zeros(DType.INT64, gpu, spec.groups(shape), 4)) {
                            cpu.binaryStats(hp.raw(), ht.raw(), spec, hc.raw());
                            fused().binaryStats(dp.raw(), dt.raw(), spec, dc.raw());
                            assertArrayEquals(hc.toLongArray(), dc.toLongArray(), "seed " + seed + ": " + java.util.Arrays.toString(shape) + " " + t + " " + spec + " offset " + off);
                        }
                    }
                }
            }
        }
    }

    @Test
    void emptyAndFullMasks() {
        int n = 5 * 1 * 97 * 101;
        for (float v : new float[]{-3f, 3f}) {
            for (byte tv : new byte[]{0, 1}) {
                float[] p = new float[n];
                byte[] y = new byte[n];
                java.util.Arrays.fill(p, v);
                java.util.Arrays.fill(y, tv);
                try (Tensor dp = Tensor.fromArray(p, 5, 1, 97, 101).to(gpu); Tensor dt = Tensor.fromArray(y, 5, 1, 97, 101).to(gpu);
                     Tensor dc = Tensor.zeros(DType.INT64, gpu, 1, 4)) {
                    fused().binaryStats(dp.raw(), dt.raw(), BinaryStatsSpec.logits(), dc.raw());
                    long pos = v > 0 ? n : 0, tpos = tv == 1 ? n : 0, tp = Math.min(pos, tpos);
                    assertArrayEquals(new long[]{tp, pos - tp, tpos - tp, n - pos - tpos + tp}, dc.toLongArray());
                }
            }
        }
    }

    @Test
    void countsBeyond2To31() {
        // 64 updates of 2^25 + 3 pixels, nearly all true positives: tp ends above 2^31 (u64 counters,
        // 32-bit only inside a block's unit)
        int n = (1 << 25) + 3;
        float[] p = new float[n];
        byte[] y = new byte[n];
        long tp = 0, fp = 0, fn = 0, tn = 0;
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            p[i] = rnd.nextInt(100) == 0 ? -1f : 1f;
            y[i] = (byte) (rnd.nextInt(100) == 0 ? 0 : 1);
            boolean a = p[i] > 0, b = y[i] != 0;
            if (a && b) tp++; else if (a) fp++; else if (b) fn++; else tn++;
        }
        try (Tensor dp = Tensor.fromArray(p, 1, 1, n).to(gpu); Tensor dt = Tensor.fromArray(y, 1, 1, n).to(gpu);
             Tensor dc = Tensor.zeros(DType.INT64, gpu, 1, 4)) {
            for (int k = 0; k < 64; k++) fused().binaryStats(dp.raw(), dt.raw(), BinaryStatsSpec.logits(), dc.raw());
            assertArrayEquals(new long[]{64 * tp, 64 * fp, 64 * fn, 64 * tn}, dc.toLongArray(), "seed " + seed);
            assertTrue(64 * tp > (1L << 31), "seed " + seed + ": tp = " + 64 * tp);
        }
    }

    @Test
    void confusionParity() {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] shapes = {{1, 1, 1, 1}, {2, 2, 7, 9}, {3, 3, 33, 17}, {2, 21, 67, 45}, {1, 150, 31, 29}, {1, 1000, 5, 7}, {37, 3}, {9, 1000}, {4, 21, 256, 255}};
        for (int[] shape : shapes) {
            for (DType t : new DType[]{DType.UINT8, DType.INT32, DType.INT64}) {
                if (t == DType.UINT8 && shape[1] > 255) continue;
                for (int off : new int[]{0, 1}) {
                    int c = shape[1], n = 1;
                    for (int s : shape) n *= s;
                    int m = n / c;
                    float[] x = new float[n + off];
                    for (int i = 0; i < x.length; i++) x[i] = rnd.nextInt(300) == 0 ? Float.NaN : rnd.nextInt(10) == 0 ? 1f : (float) rnd.nextGaussian();
                    long[] lab = new long[m + off];
                    for (int i = 0; i < lab.length; i++) lab[i] = rnd.nextInt(40) == 0 ? 255 : rnd.nextInt(40) == 0 ? c : rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(c);
                    Object y = switch (t) {
                        case UINT8 -> { byte[] a = new byte[lab.length]; for (int i = 0; i < a.length; i++) a[i] = (byte) lab[i]; yield a; }
                        case INT32 -> { int[] a = new int[lab.length]; for (int i = 0; i < a.length; i++) a[i] = (int) lab[i]; yield a; }
                        default -> lab;
                    };
                    int[] tShape = new int[shape.length - 1];
                    tShape[0] = shape[0];
                    System.arraycopy(shape, 2, tShape, 1, shape.length - 2);
                    CpuBackend cpu = CpuBackend.INSTANCE;
                    try (Tensor hl = new Tensor(cpu.fromHost(x, DType.FLOAT32), shape, SegStatsKernelModelTest.rowMajor(shape), off);
                         Tensor ht = new Tensor(cpu.fromHost(y, t), tShape, SegStatsKernelModelTest.rowMajor(tShape), off);
                         Tensor hh = Tensor.zeros(DType.INT64, Device.cpu(), c, c); Tensor hb = Tensor.zeros(DType.INT64, Device.cpu(), 1);
                         Tensor dl = view(Tensor.fromArray(x, x.length), off, shape);
                         Tensor dt = view(new Tensor(cpu.fromHost(y, t), lab.length), off, tShape);
                         Tensor dh = Tensor.zeros(DType.INT64, gpu, c, c); Tensor db = Tensor.zeros(DType.INT64, gpu, 1)) {
                        cpu.confusionFromLogits(hl.raw(), ht.raw(), 255, hh.raw(), hb.raw());
                        fused().confusionFromLogits(dl.raw(), dt.raw(), 255, dh.raw(), db.raw());
                        String what = "seed " + seed + ": " + java.util.Arrays.toString(shape) + " " + t + " offset " + off;
                        assertArrayEquals(hh.toLongArray(), dh.toLongArray(), what);
                        assertArrayEquals(hb.toLongArray(), db.toLongArray(), what);
                        // the same histogram from labels: argmax on the CPU, labels uploaded
                        if (shape.length == 4) {
                            try (Tensor am = hl.argmax(1); Tensor dam = am.to(gpu);
                                 Tensor h2 = Tensor.zeros(DType.INT64, gpu, c, c); Tensor b2 = Tensor.zeros(DType.INT64, gpu, 1)) {
                                fused().confusionFromLabels(dam.raw(), dt.raw(), 255, h2.raw(), b2.raw());
                                assertArrayEquals(hh.toLongArray(), h2.toLongArray(), "labels " + what);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void scoresMatchTheHostReferenceAndCopyOnlyTheScores() {
        Backend be = Backends.of(gpu);
        long seed = 5;
        SplittableRandom rnd = new SplittableRandom(seed);
        int c = 21;
        float[] x = new float[8 * c * 64 * 64];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        long[] y = new long[8 * 64 * 64];
        for (int i = 0; i < y.length; i++) y[i] = rnd.nextInt(8) == 0 ? rnd.nextInt(c) : 0; // background dominates
        ConfusionScoreSpec cs = new ConfusionScoreSpec(List.of(ConfusionScoreSpec.Metric.ACCURACY, ConfusionScoreSpec.Metric.MEAN_IOU,
                ConfusionScoreSpec.Metric.FSCORE, ConfusionScoreSpec.Metric.BALANCED_ACCURACY), ConfusionScoreSpec.Average.MACRO, 0,
                ConfusionScoreSpec.Absent.EXCLUDE, 1);
        try (Tensor dl = Tensor.fromArray(x, 8, c, 64, 64).to(gpu); Tensor dt = Tensor.fromArray(y, 8, 64, 64).to(gpu);
             Tensor dh = Tensor.zeros(DType.INT64, gpu, c, c); Tensor db = Tensor.zeros(DType.INT64, gpu, 1)) {
            be.synchronize();
            long before = be.deviceToHostBytes();
            for (int epochStep = 0; epochStep < 50; epochStep++) fused().confusionFromLogits(dl.raw(), dt.raw(), -1, dh.raw(), db.raw());
            double[] got = Confusion.scores(dh, cs);
            assertEquals(8L * cs.outputLength(c), be.deviceToHostBytes() - before, "seed " + seed + ": only the scores cross to the host");
            double[] expect = MetricMathReference.confusionScores(dh.toLongArray(), c, cs);
            assertArrayEquals(expect, got, 1e-12, "seed " + seed); // the device's float64 sums add in another order
        }
        BinaryScoreSpec bs = new BinaryScoreSpec(List.of(BinaryScoreSpec.Metric.FSCORE, BinaryScoreSpec.Metric.IOU, BinaryScoreSpec.Metric.ACCURACY),
                BinaryScoreSpec.Style.LEGACY, BinaryScoreSpec.Reduction.MICRO, 4, 1, 1e-7, 1, 1, null);
        float[] p = SegStatsKernelModelTest.randomPreds(4 * 128 * 128, rnd);
        byte[] t = (byte[]) SegStatsKernelModelTest.randomTargets(DType.UINT8, 4 * 128 * 128, rnd);
        try (Tensor dp = Tensor.fromArray(p, 4, 1, 128, 128).to(gpu); Tensor dt = Tensor.fromArray(t, 4, 1, 128, 128).to(gpu);
             Tensor dc = Tensor.zeros(DType.INT64, gpu, 4, 4)) {
            BinaryStatsSpec spec = BinaryStatsSpec.logits().withGrouping(BinaryStatsSpec.Grouping.PER_IMAGE);
            be.synchronize();
            long before = be.deviceToHostBytes();
            for (int k = 0; k < 50; k++) fused().binaryStats(dp.raw(), dt.raw(), spec, dc.raw());
            double[] got = BinaryStats.scores(dc, bs);
            assertEquals(8L * bs.outputLength(), be.deviceToHostBytes() - before, "seed " + seed + ": only the scores cross to the host");
            assertArrayEquals(MetricMathReference.binaryScores(dc.toLongArray(), bs), got, 1e-12, "seed " + seed);
        }
    }
}
