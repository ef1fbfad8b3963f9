package org.jgrad.backend;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packed float32 product is bit for bit the summation order it documents: each element of C is,
 * per KC-deep slice of k, one fused multiply-add chain over p in order starting from zero, and the
 * slices' sums are added into C one after another (the first one stored, unless accumulating).
 * The reference below is that order written with scalar {@link Math#fma}; any change of the
 * micro-kernel's tile shape or passes must leave it exact, a change of KC or of the chain must not.
 * Sizes are awkward on purpose: not multiples of the tile, one to five slices deep, wider than a
 * column block, transposed and strided operands, accumulation into existing values.
 */
class CpuGemmBitExactTest {

    /** C (m x n, row stride ldc) = or += A @ B in the documented order. */
    private static void reference(float[] a, int ao, int ars, int acs, float[] b, int bo, int brs, int bcs,
                                  float[] c, int co, int ldc, int m, int n, int k, boolean accumulate) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                int at = co + i * ldc + j;
                for (int p0 = 0; p0 < k; p0 += CpuGemm.KC) {
                    float acc = 0f;
                    for (int p = p0; p < Math.min(k, p0 + CpuGemm.KC); p++)
                        acc = Math.fma(a[ao + i * ars + p * acs], b[bo + p * brs + j * bcs], acc);
                    c[at] = (accumulate || p0 > 0) ? c[at] + acc : 0f + acc;
                }
            }
    }

    private static float[] random(Random r, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = r.nextFloat() * 2 - 1;
        return x;
    }

    private static void assertBitsEqual(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                assertEquals(expected[i], actual[i], what + ": element " + i + " differs from the fma-chain order");
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), what + ": sign of zero at " + i);
            }
        }
    }

    /**
     * One product with A's layout chosen by aLayout (0 row-major, 1 transposed, 2 every other column)
     * and B's by bLayout (0 row-major, 1 transposed, 2 both strides non-unit), into a C with a wider
     * row stride than n and a nonzero offset.
     */
    private static void check(int m, int n, int k, int aLayout, int bLayout, boolean accumulate, long seed) {
        Random r = new Random(seed);
        int ao = 3, bo = 5, co = 7, ldc = n + 9;
        int ars, acs, brs, bcs, aSize, bSize;
        switch (aLayout) {
            case 0 -> { ars = k; acs = 1; aSize = m * k; }
            case 1 -> { ars = 1; acs = m; aSize = m * k; }
            default -> { ars = 2 * k; acs = 2; aSize = 2 * m * k; }
        }
        switch (bLayout) {
            case 0 -> { brs = n; bcs = 1; bSize = k * n; }
            case 1 -> { brs = 1; bcs = k; bSize = k * n; }
            default -> { brs = 2 * n; bcs = 2; bSize = 2 * k * n; }
        }
        float[] a = random(r, ao + aSize), b = random(r, bo + bSize), c0 = random(r, co + m * ldc);
        float[] expected = c0.clone(), actual = c0.clone();
        reference(a, ao, ars, acs, b, bo, brs, bcs, expected, co, ldc, m, n, k, accumulate);
        CpuGemm.gemm(a, ao, ars, acs, b, bo, brs, bcs, actual, co, ldc, m, n, k, accumulate);
        assertBitsEqual(m + "x" + k + " @ " + k + "x" + n + " A layout " + aLayout + " B layout " + bLayout
                + (accumulate ? " accumulating" : ""), expected, actual);
    }

    @Test
    void awkwardSizesAndLayoutsMatchTheFmaChainOrder() {
        int[][] shapes = {{37, 53, 600}, {8, 16, 257}, {13, 100, 256}, {101, 45, 513}, {3, 300, 70}, {250, 31, 90}, {20, 40, 1100}};
        long seed = 1;
        for (int[] s : shapes)
            for (int aLayout = 0; aLayout < 3; aLayout++)
                for (int bLayout = 0; bLayout < 3; bLayout++)
                    for (boolean accumulate : new boolean[]{false, true})
                        check(s[0], s[1], s[2], aLayout, bLayout, accumulate, seed++);
    }

    @Test
    void widerThanAColumnBlockAndTallerThanARowBlock() {
        check(CpuGemm.MC + 29, CpuGemm.NC + 37, CpuGemm.KC + 44, 0, 0, false, 99);
        check(CpuGemm.MC + 29, CpuGemm.NC + 37, CpuGemm.KC + 44, 1, 2, true, 100);
    }

    @Test
    void batchedProductsMatchTheFmaChainOrder() {
        Random r = new Random(42);
        int batch = 3, m = 75, n = 90, k = 300;
        float[] a = random(r, batch * m * k), b = random(r, batch * k * n);
        float[] expected = new float[batch * m * n], actual = new float[batch * m * n];
        for (int t = 0; t < batch; t++)
            reference(a, t * m * k, k, 1, b, t * k * n, n, 1, expected, t * m * n, n, m, n, k, false);
        CpuGemm.batched(a, 0, new int[]{m * k, k, 1}, b, 0, new int[]{k * n, n, 1}, actual, 0, batch, m, n, k);
        assertBitsEqual("batched 3 x 75x300 @ 300x90", expected, actual);
    }
}
