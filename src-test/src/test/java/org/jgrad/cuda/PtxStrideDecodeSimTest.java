package org.jgrad.cuda;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The generated stride decode (one loop over the StridedMeta block, written once in
 * cuda-kernels/scripts/ptxgen/strided.py) at its edges: a view whose 8 dimensions do not merge,
 * a 0-d view, and an empty one, through the copy, elementwise and reduction kernels.
 */
class PtxStrideDecodeSimTest {
    private static final int[] SHAPE8 = {2, 3, 2, 3, 2, 2, 3, 2};
    private final PtxSimulator sim = new PtxSimulator(16 << 20);
    private final Kernels kernels;
    private final Random rng = new Random(5);

    PtxStrideDecodeSimTest() {
        for (String family : PtxModules.ENTRIES.keySet()) sim.load(new String(PtxModules.readPtx(family), StandardCharsets.UTF_8));
        kernels = new Kernels(new KernelLauncher() {
            @Override
            public int multiprocessors() { return 1; }

            @Override
            public void launch(String family, String entry, int grid, int block, List<Object> args) { sim.launch(entry, grid, block, args); }
        });
    }

    /** Dense row-major strides of shape, then permuted: the strides of the transposed buffer. */
    private static int[] reversedStrides(int[] shape) {
        int r = shape.length;
        int[] rev = new int[r], st = new int[r];
        for (int d = 0; d < r; d++) rev[d] = shape[r - 1 - d];
        int s = 1;
        for (int d = r - 1; d >= 0; d--) { st[d] = s; s *= rev[d]; }
        int[] out = new int[r];
        for (int d = 0; d < r; d++) out[d] = st[r - 1 - d];
        return out;
    }

    private static int[] dense(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) { st[d] = s; s *= shape[d]; }
        return st;
    }

    private static int at(int[] shape, int[] strides, int i) {
        int off = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            off += (i % shape[d]) * strides[d];
            i /= shape[d];
        }
        return off;
    }

    private float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextFloat() * 4 - 2;
        return v;
    }

    private long floats(float[] v) {
        long a = sim.alloc(4L * v.length);
        sim.putFloats(a, v);
        return a;
    }

    @Test
    void anEightDimensionalTransposeCopiesAndAdds() {
        int n = 1;
        for (int s : SHAPE8) n *= s;
        int[] src = reversedStrides(SHAPE8), dst = dense(SHAPE8);
        StridedMeta meta = StridedMeta.of(SHAPE8, dst, src);
        assertEquals(8, meta.rank(), "no dimension merges");
        float[] buf = random(n);
        long x = floats(buf), out = sim.alloc(4L * n);
        kernels.copy(meta, out, 0, x, 0);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) expected[i] = buf[at(SHAPE8, src, i)];
        assertArrayEquals(expected, sim.getFloats(out, n));

        // x transposed + y broadcast along dims 1, 4 and 6
        int[] yShape = SHAPE8.clone();
        yShape[1] = yShape[4] = yShape[6] = 1;
        int[] yDense = dense(yShape), yStrides = yDense.clone();
        yStrides[1] = yStrides[4] = yStrides[6] = 0;
        int yn = 1;
        for (int s : yShape) yn *= s;
        float[] ybuf = random(yn);
        long y = floats(ybuf), sum = sim.alloc(4L * n);
        kernels.binary(0, StridedMeta.of(SHAPE8, dst, src, yStrides), sum, 0, x, y);
        float[] got = sim.getFloats(sum, n);
        for (int i = 0; i < n; i++) assertEquals(buf[at(SHAPE8, src, i)] + ybuf[at(SHAPE8, yStrides, i)], got[i], "element " + i);
    }

    @Test
    void anEightDimensionalViewReducesOverItsLastAxes() {
        int n = 1;
        for (int s : SHAPE8) n *= s;
        int[] src = reversedStrides(SHAPE8);
        float[] buf = random(n);
        long x = floats(buf);
        int k = SHAPE8[6] * SHAPE8[7], rows = n / k;
        long out = sim.alloc(4L * rows);
        kernels.reduceRows(0, rows, k, out, x, StridedMeta.of(SHAPE8, src).pack(1));
        float[] got = sim.getFloats(out, rows);
        for (int r = 0; r < rows; r++) {
            double acc = 0;
            for (int j = 0; j < k; j++) acc += buf[at(SHAPE8, src, r * k + j)];
            assertEquals(acc, got[r], 1e-5, "row " + r);
        }
    }

    @Test
    void aZeroDimensionalViewIsOneElementAndAnEmptyOneWritesNothing() {
        // launched directly with p_contig = 0, so the decode runs (the launchers skip empty views
        // and take the contiguous path for 0-d ones)
        long x = floats(new float[] {3.5f}), out = sim.alloc(8);
        sim.putFloats(out, new float[] {-1, -1});
        byte[] scalar = StridedMeta.of(new int[0], new int[0], new int[0]).pack();
        sim.launch("copy_strided", 1, 32, List.<Object>of(1, 0, 0, 0, out, x, scalar));
        assertArrayEquals(new float[] {3.5f, -1}, sim.getFloats(out, 2));
        byte[] empty = StridedMeta.of(new int[] {3, 0, 2}, new int[] {0, 2, 1}, new int[] {0, 2, 1}).pack();
        sim.putFloats(x, new float[] {7});
        sim.launch("copy_strided", 1, 32, List.<Object>of(0, 0, 0, 0, out, x, empty));
        assertArrayEquals(new float[] {3.5f, -1}, sim.getFloats(out, 2));
    }
}
