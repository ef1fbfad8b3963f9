package org.jgrad.cuda.metrics;

import org.jgrad.backend.CpuBackend;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The confusion plans run through the Java model of confusion.ptx must give the CPU reference's
 * histogram and bad-label count: C = 1, 2, 3, 21, 150 (global bins) and 1000, [N, C] and
 * [N, C, H, W] logits, views one element in, sizes that are not multiples of 4 or of a block,
 * NaN logits and ties, ignored and out-of-range labels.
 */
class ConfusionKernelModelTest {
    private static final long LOG_BASE = 1L << 20, TARG_BASE = 1L << 30, HIST = 1L << 34, BAD = 1L << 35;

    @Test
    void modelMatchesCpuReference() {
        SplittableRandom rnd = new SplittableRandom(21);
        int[][] shapes = {{1, 1, 1, 1}, {2, 1, 5, 3}, {2, 2, 7, 9}, {3, 3, 33, 17}, {2, 21, 19, 23}, {1, 150, 9, 11}, {2, 1000, 3, 1},
                {37, 3}, {5, 21}, {9, 1000}, {1, 2, 4099}, {2, 3, 300, 300}};
        for (int[] shape : shapes) {
            for (DType t : new DType[]{DType.UINT8, DType.INT32, DType.INT64}) {
                for (int off : new int[]{0, 1, 4}) {
                    long ignore = rnd.nextBoolean() ? 255 : rnd.nextBoolean() ? -1 : Long.MIN_VALUE;
                    check(shape, t, off, rnd.nextBoolean() ? off : 0, ignore, 1 + rnd.nextInt(4), rnd);
                }
            }
        }
    }

    @Test
    void copiesFitSharedMemoryAndFallBackToGlobal() {
        assertEquals(8, ConfusionPlan.copies(2));
        assertEquals(8, ConfusionPlan.copies(21));   // 8 x 1764 B
        assertEquals(1, ConfusionPlan.copies(110));  // 48400 B
        assertEquals(0, ConfusionPlan.copies(111));
        assertEquals(0, ConfusionPlan.copies(150));
    }

    private static void check(int[] shape, DType t, int lo, int to, long ignore, int sms, SplittableRandom rnd) {
        int c = shape[1];
        int n = 1;
        for (int s : shape) n *= s;
        int m = n / c;
        float[] x = new float[n + lo];
        for (int i = 0; i < x.length; i++) {
            int k = rnd.nextInt(200);
            x[i] = k == 0 ? Float.NaN : k < 20 ? 1f : (float) rnd.nextGaussian(); // ties at 1 and NaNs
        }
        long[] lab = new long[m + to];
        for (int i = 0; i < lab.length; i++) {
            int k = rnd.nextInt(30);
            lab[i] = k == 0 ? 255 : k == 1 ? -1 : k == 2 ? c : k == 3 ? 0 : rnd.nextInt(c);
        }
        Object y = switch (t) {
            case UINT8 -> { byte[] a = new byte[lab.length]; for (int i = 0; i < a.length; i++) a[i] = (byte) lab[i]; yield a; }
            case INT32 -> { int[] a = new int[lab.length]; for (int i = 0; i < a.length; i++) a[i] = (int) lab[i]; yield a; }
            default -> lab;
        };
        int[] tShape = new int[shape.length - 1];
        tShape[0] = shape[0];
        System.arraycopy(shape, 2, tShape, 1, shape.length - 2);
        int[] ls = SegStatsKernelModelTest.rowMajor(shape), ts = SegStatsKernelModelTest.rowMajor(tShape);
        int size = t.byteSize();
        Launch plan = ConfusionPlan.logits(shape, ls, LOG_BASE + lo * 4L, ts, TARG_BASE + (long) to * size, t, ignore, HIST, BAD, sms);
        assertNotNull(plan);
        long[] hist = new long[c * c], bad = new long[1];
        DeviceMemory lm = new DeviceMemory(LOG_BASE, DType.FLOAT32, x, x.length);
        ConfusionKernelModel.run(plan, lm, new DeviceMemory(TARG_BASE, t, y, lab.length), hist, bad, HIST, BAD);
        for (int i = 0; i < lo; i++) assertEquals(0, lm.reads[i], "no read before the view");
        for (int i = lo; i < x.length; i++) assertEquals(1, lm.reads[i], "each logit read once");
        CpuBackend cpu = CpuBackend.INSTANCE;
        try (Tensor lt = new Tensor(cpu.fromHost(x, DType.FLOAT32), shape, ls, lo);
             Tensor tt = new Tensor(cpu.fromHost(y, t), tShape, ts, to);
             Tensor h = Tensor.zeros(DType.INT64, Device.cpu(), c, c);
             Tensor b = Tensor.zeros(DType.INT64, Device.cpu(), 1)) {
            cpu.confusionFromLogits(lt.raw(), tt.raw(), ignore, h.raw(), b.raw());
            String what = java.util.Arrays.toString(shape) + " " + t + " offsets " + lo + "/" + to + " ignore " + ignore;
            assertArrayEquals(h.toLongArray(), hist, what);
            assertArrayEquals(b.toLongArray(), bad, what);
        }
    }
}
