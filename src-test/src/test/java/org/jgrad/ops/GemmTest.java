package org.jgrad.ops;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 matrix product (blocked, packed, vectorised) against a float64 triple loop written
 * here, on sizes that hit every edge of the blocking: 1, below and above the micro-tile, odd,
 * beyond a cache block; transposed and sliced views; broadcast batches.
 */
class GemmTest {
    private static final Generator G = new Generator(7);

    private static Tensor rand(int... shape) {
        return Tensor.uniform(-1, 1, G, DType.FLOAT32, Device.cpu(), shape);
    }

    /** C[b] = A[b] @ B[b] in float64 from dense copies of the float32 values; shapes [B,M,K] @ [B,K,N]. */
    private static double[] reference(Tensor a3, Tensor b3) {
        double[] a = a3.toDoubleArray(), b = b3.toDoubleArray();
        int batch = a3.size(0), m = a3.size(1), k = a3.size(2), n = b3.size(2);
        double[] c = new double[batch * m * n];
        for (int t = 0; t < batch; t++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += a[(t * m + i) * k + p] * b[(t * k + p) * n + j];
                    c[(t * m + i) * n + j] = s;
                }
        return c;
    }

    private static void check(String what, Tensor c, double[] expected, int k) {
        float[] got = c.toFloatArray();
        double tol = 2e-6 * Math.sqrt(k) * 8 + 1e-6;
        for (int i = 0; i < got.length; i++) {
            int idx = i;
            assertTrue(Math.abs(got[i] - expected[i]) <= tol * (1 + Math.abs(expected[i])),
                    () -> what + ": element " + idx + " is " + got[idx] + ", float64 product gives " + expected[idx]);
        }
    }

    @Test
    void oddSizes() {
        int[] sizes = {1, 7, 33, 100, 257};
        for (int m : sizes) for (int n : sizes) for (int k : new int[]{1, 7, 100, 257, 300}) {
            if ((long) m * n * k > 5_000_000) continue;
            Tensor a = rand(m, k), b = rand(k, n);
            Tensor c = a.matmul(b);
            assertArrayEquals(new int[]{m, n}, c.shape());
            check(m + "x" + k + " @ " + k + "x" + n, c, reference(a.unsqueeze(0).contiguous(), b.unsqueeze(0).contiguous()), k);
        }
    }

    @Test
    void transposedAndSlicedViews() {
        for (int[] s : new int[][]{{33, 257, 100}, {100, 7, 300}, {129, 130, 531}}) {
            int m = s[0], n = s[1], k = s[2];
            Tensor at = rand(k, m).t(), bt = rand(n, k).t();                 // column-major operands
            Tensor as = rand(m, 2 * k).slice(1, 0, 2 * k, 2);                  // every other column
            Tensor expectA = at.contiguous().unsqueeze(0), expectB = bt.contiguous().unsqueeze(0);
            check("A^T @ B^T " + Arrays.toString(s), at.matmul(bt), reference(expectA, expectB), k);
            check("sliced A @ B^T " + Arrays.toString(s), as.matmul(bt), reference(as.contiguous().unsqueeze(0), expectB), k);
        }
    }

    @Test
    void batchedWithBroadcast() {
        Tensor a = rand(3, 1, 45, 70), b = rand(4, 70, 37);
        Tensor c = a.matmul(b);
        assertArrayEquals(new int[]{3, 4, 45, 37}, c.shape());
        Tensor a3 = a.expand(3, 4, 45, 70).contiguous().reshape(12, 45, 70);
        Tensor b3 = b.expand(3, 4, 70, 37).contiguous().reshape(12, 70, 37);
        check("broadcast batch", c, reference(a3, b3), 70);
    }

    @Test
    void largeEnoughForSeveralBlocksPerDimension() {
        int m = 301, n = 1100, k = 530; // > MC rows, > NC columns, > KC depth
        Tensor a = rand(m, k), b = rand(k, n);
        check("301x530 @ 530x1100", a.matmul(b), reference(a.unsqueeze(0), b.unsqueeze(0)), k);
    }
}
