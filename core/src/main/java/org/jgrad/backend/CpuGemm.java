package org.jgrad.backend;

/**
 * Float32 batched matrix product C[b] = A[b] @ B[b] over strided operands (row-major C).
 * This is the straightforward i-k-j kernel; a blocked, vectorised kernel replaces it.
 */
final class CpuGemm {
    private CpuGemm() {}

    static void batched(float[] a, int ao, int[] as, float[] b, int bo, int[] bs, float[] c, int co,
                        int batch, int m, int n, int k) {
        Parallel.forRange(batch * m, Math.max(1, 65536 / Math.max(1, n * Math.max(k, 1))), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int bi = r / m, i = r % m;
                int cRow = co + (bi * m + i) * n;
                java.util.Arrays.fill(c, cRow, cRow + n, 0f);
                for (int p = 0; p < k; p++) {
                    float av = a[ao + bi * as[0] + i * as[1] + p * as[2]];
                    int bRow = bo + bi * bs[0] + p * bs[1];
                    int sj = bs[2];
                    if (sj == 1) {
                        for (int j = 0; j < n; j++) c[cRow + j] += av * b[bRow + j];
                    } else {
                        for (int j = 0; j < n; j++) c[cRow + j] += av * b[bRow + j * sj];
                    }
                }
            }
        });
    }
}
