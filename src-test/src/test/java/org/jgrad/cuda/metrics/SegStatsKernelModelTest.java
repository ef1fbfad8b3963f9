package org.jgrad.cuda.metrics;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.BinaryStatsSpec.Activation;
import org.jgrad.backend.BinaryStatsSpec.Grouping;
import org.jgrad.backend.CpuBackend;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launch plans of seg_stats.ptx, run through a Java model of the kernel, must count exactly
 * what the CPU reference counts, over awkward shapes, views, dtypes, groupings and thresholds.
 * This proves the index math (row addresses, groups, units, head/body/tail, alignment); the PTX
 * itself is checked against the same reference by the gpu-tagged parity test.
 */
class SegStatsKernelModelTest {
    private static final long PRED_BASE = 1L << 20, TARG_BASE = 1L << 28, COUNTS_BASE = 1L << 36;

    private record Case(int[] shape, DType target, int predOffset, int targOffset, BinaryStatsSpec spec, int sms) {}

    @Test
    void modelMatchesCpuReference() {
        SplittableRandom rnd = new SplittableRandom(8);
        int[][] shapes = {{1, 1, 1, 1}, {1}, {7}, {2, 3, 5, 7}, {3, 1, 33, 17}, {1, 1, 4099}, {2, 4, 16, 16}, {2, 1, 300, 301}, {5, 2}, {4, 3, 1, 1}};
        DType[] targets = {DType.UINT8, DType.INT32, DType.INT64, DType.FLOAT32};
        int checked = 0;
        for (int[] shape : shapes) {
            for (DType t : targets) {
                for (Grouping g : Grouping.values()) {
                    for (int trial = 0; trial < 3; trial++) {
                        Activation act = rnd.nextBoolean() ? Activation.SIGMOID : Activation.NONE;
                        double thr = new double[]{0, 0.5, 1, 0.3}[rnd.nextInt(4)];
                        BinaryStatsSpec spec = new BinaryStatsSpec(act, thr, g, rnd.nextBoolean(), rnd.nextBoolean() ? 255 : -1, null);
                        if (shape.length > 1 && shape[1] > 2 && rnd.nextBoolean()) spec = spec.withIgnoreChannels(1);
                        int po = new int[]{0, 1, 3, 4}[rnd.nextInt(4)], to = rnd.nextBoolean() ? po : new int[]{0, 1, 2}[rnd.nextInt(3)];
                        check(new Case(shape, t, po, to, spec, 1 + rnd.nextInt(3)), rnd);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 400);
    }

    @Test
    void channelSliceViewsAndChunkedRows() {
        SplittableRandom rnd = new SplittableRandom(81);
        for (Grouping g : Grouping.values()) {
            for (DType t : new DType[]{DType.UINT8, DType.INT64}) {
                // a channel slice [:, 1:3] of a [2, 5, 130, 70] tensor: planes dense, channels not
                checkSlice(new int[]{2, 5, 130, 70}, 1, 3, t, BinaryStatsSpec.logits().withGrouping(g), rnd);
            }
        }
    }

    @Test
    void emptyAndFullMasks() {
        for (float fill : new float[]{-5f, 5f}) {
            for (byte tv : new byte[]{0, 1}) {
                int[] shape = {3, 1, 37, 41};
                int n = 3 * 37 * 41;
                float[] p = new float[n];
                byte[] y = new byte[n];
                java.util.Arrays.fill(p, fill);
                java.util.Arrays.fill(y, tv);
                long[] got = runModel(shape, p, 0, y, 0, DType.UINT8, BinaryStatsSpec.logits(), 2);
                long pos = fill > 0 ? n : 0, tpos = tv == 1 ? n : 0;
                assertArrayEquals(new long[]{Math.min(pos, tpos), pos - Math.min(pos, tpos), tpos - Math.min(pos, tpos),
                        n - pos - tpos + Math.min(pos, tpos)}, got, "fill " + fill + " target " + tv);
            }
        }
    }

    @Test
    void denseAlignedBatchUsesVectorLoadsAndFewUnits() {
        BinaryStatsSpec spec = BinaryStatsSpec.logits();
        List<Launch> ls = SegStatsPlan.plan(new int[]{16, 1, 1024, 1024}, new int[]{1 << 20, 1 << 20, 1024, 1}, 1L << 20,
                new int[]{1 << 20, 1 << 20, 1024, 1}, 1L << 30, DType.UINT8, spec, 1L << 32, 132);
        assertEquals(1, ls.size());
        Launch l = ls.get(0);
        assertEquals(1L, l.args().get(3), "whole-batch counts over dense data are one row");
        assertEquals(1, l.args().get(18), "vector loads");
        assertEquals(132 * Grid.BLOCKS_PER_SM, l.grid());
        long units = (Long) l.args().get(10);
        assertTrue(units <= l.grid() + 1, "about one unit, so one atomic per counter, per block: " + units);
        // a prediction view one element in and targets at 0: phases differ, scalar loads
        List<Launch> mis = SegStatsPlan.plan(new int[]{16, 1, 1024, 1024}, new int[]{1 << 20, 1 << 20, 1024, 1}, (1L << 20) + 4,
                new int[]{1 << 20, 1 << 20, 1024, 1}, 1L << 30, DType.UINT8, spec, 1L << 32, 132);
        assertEquals(0, mis.get(0).args().get(18));
    }

    /** Units tile every row exactly, and no block's 32-bit counters can wrap, up to 2^40 elements. */
    @Test
    void gridUnitsCoverRowsAndKeepBlockCountsBelow2To31() {
        SplittableRandom rnd = new SplittableRandom(40);
        for (int trial = 0; trial < 2000; trial++) {
            long rows = 1 + rnd.nextLong(1L << rnd.nextInt(1, 20));
            long rowLen = 1 + rnd.nextLong(1L << rnd.nextInt(1, 40 - 63 + Long.numberOfLeadingZeros(rows)));
            int sms = 1 + rnd.nextInt(200), perSm = 1 + rnd.nextInt(8);
            Grid g = Grid.of(rows, rowLen, sms, perSm);
            String what = rows + " x " + rowLen + " on " + sms + " SMs: " + g;
            assertTrue(g.chunkLen() >= 1 && g.chunksPerRow() >= 1, what);
            assertTrue(g.chunksPerRow() * g.chunkLen() >= rowLen && (g.chunksPerRow() - 1) * g.chunkLen() < rowLen, "units tile a row: " + what);
            assertTrue(g.chunkLen() % 4 == 0 || g.chunkLen() == rowLen, "later chunks keep the 16-byte phase: " + what);
            long units = rows * g.chunksPerRow();
            assertTrue(g.blocks() >= 1 && g.blocks() <= units, what);
            assertTrue(Grid.ceilDiv(units, g.blocks()) * g.chunkLen() < (1L << 31), "32-bit block counters: " + what);
        }
        assertEquals(0, Grid.of(0, 5, 4).blocks(), "nothing to do: no launch");
    }

    private static void checkSlice(int[] full, int c0, int c1, DType t, BinaryStatsSpec spec, SplittableRandom rnd) {
        int n = 1;
        for (int s : full) n *= s;
        float[] p = randomPreds(n, rnd);
        Object y = randomTargets(t, n, rnd);
        int[] shape = full.clone();
        shape[1] = c1 - c0;
        int[] strides = rowMajor(full);
        int off = c0 * strides[1];
        long[] expect = reference(p, y, t, shape, strides, off, off, spec);
        long[] got = runModelStrided(shape, strides, p, off, y, off, t, spec, 2);
        assertArrayEquals(expect, got, "slice " + spec);
    }

    private static void check(Case k, SplittableRandom rnd) {
        int n = 1;
        for (int s : k.shape) n *= s;
        float[] p = randomPreds(n + k.predOffset, rnd);
        Object y = randomTargets(k.target, n + k.targOffset, rnd);
        int[] strides = rowMajor(k.shape);
        long[] expect = reference(p, y, k.target, k.shape, strides, k.predOffset, k.targOffset, k.spec);
        long[] got = runModelStrided(k.shape, strides, p, k.predOffset, y, k.targOffset, k.target, k.spec, k.sms);
        assertArrayEquals(expect, got, () -> java.util.Arrays.toString(k.shape) + " " + k.target + " offsets " + k.predOffset + "/" + k.targOffset + " " + k.spec);
    }

    private static long[] runModel(int[] shape, float[] p, int po, Object y, int to, DType t, BinaryStatsSpec spec, int sms) {
        return runModelStrided(shape, rowMajor(shape), p, po, y, to, t, spec, sms);
    }

    private static long[] runModelStrided(int[] shape, int[] strides, float[] p, int po, Object y, int to, DType t, BinaryStatsSpec spec, int sms) {
        int size = t.byteSize();
        List<Launch> plan = SegStatsPlan.plan(shape, strides, PRED_BASE + po * 4L, strides, TARG_BASE + (long) to * size, t, spec, COUNTS_BASE, sms);
        assertNotNull(plan);
        DeviceMemory pm = new DeviceMemory(PRED_BASE, DType.FLOAT32, p, p.length);
        DeviceMemory tm = new DeviceMemory(TARG_BASE, t, y, java.lang.reflect.Array.getLength(y));
        long[] counts = new long[spec.groups(shape) * 4];
        for (Launch l : plan) SegStatsKernelModel.run(l, pm, tm, counts, COUNTS_BASE);
        // every element of the view read exactly once, nothing else
        int[] idx = new int[shape.length];
        int total = 1;
        for (int s : shape) total *= s;
        int[] map = spec.channelMap(BinaryStatsSpec.channels(shape));
        int[] expectReads = new int[p.length];
        for (int i = 0; i < total; i++) {
            int rem = i, off = po;
            for (int d = shape.length - 1; d >= 0; d--) { idx[d] = rem % shape[d]; rem /= shape[d]; off += idx[d] * strides[d]; }
            int ch = shape.length < 2 ? 0 : idx[1];
            if (map[ch] >= 0) expectReads[off]++;
        }
        assertArrayEquals(expectReads, pm.reads, "each kept prediction read once");
        return counts;
    }

    /** CpuBackend.binaryStats on tensors viewing the same arrays. */
    private static long[] reference(float[] p, Object y, DType t, int[] shape, int[] strides, int po, int to, BinaryStatsSpec spec) {
        CpuBackend cpu = CpuBackend.INSTANCE;
        try (Tensor pt = new Tensor(cpu.fromHost(p, DType.FLOAT32), shape, strides, po);
             Tensor tt = new Tensor(cpu.fromHost(y, t), shape, strides, to);
             Tensor counts = Tensor.zeros(DType.INT64, org.jgrad.tensor.Device.cpu(), spec.groups(shape), 4)) {
            cpu.binaryStats(pt.raw(), tt.raw(), spec, counts.raw());
            return counts.toLongArray();
        }
    }

    static int[] rowMajor(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]; }
        return s;
    }

    /** Logits around 0 with exact ties at the cutoffs, extremes and a few NaNs. */
    static float[] randomPreds(int n, SplittableRandom rnd) {
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(50);
            p[i] = k == 0 ? Float.NaN : k == 1 ? 0f : k == 2 ? 0.5f : k == 3 ? Float.NEGATIVE_INFINITY : k == 4 ? -100f
                    : (float) (rnd.nextGaussian() * 2);
        }
        return p;
    }

    /** Mostly 0/1 targets with some 255, -1 and other values (!= 0 is positive; 255 / -1 may be ignored). */
    static Object randomTargets(DType t, int n, SplittableRandom rnd) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(20);
            v[i] = k == 0 ? 255 : k == 1 ? -1 : k == 2 ? 7 : rnd.nextInt(2);
        }
        return switch (t) {
            case UINT8 -> { byte[] a = new byte[n]; for (int i = 0; i < n; i++) a[i] = (byte) v[i]; yield a; }
            case INT32 -> { int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = (int) v[i]; yield a; }
            case INT64 -> v;
            case FLOAT32 -> { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = i % 97 == 5 ? Float.NaN : v[i]; yield a; }
            default -> throw new AssertionError(t);
        };
    }
}
