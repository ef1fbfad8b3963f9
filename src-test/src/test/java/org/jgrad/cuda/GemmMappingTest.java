package org.jgrad.cuda;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The row-major to column-major GEMM mapping, checked by executing the cuBLAS call's
 * column-major semantics in Java on the very buffers and strides it would receive, against
 * a naive row-major product. Covers transposed views, padded rows, broadcast batches, size-1 dims.
 */
class GemmMappingTest {

    /** What cublasSgemmStridedBatched computes, element by element (column-major, alpha = 1, beta = 0). */
    static void cublasModel(GemmMapping.Call c, float[] aBuf, int aOff, float[] bBuf, int bOff, float[] cBuf, int cOff) {
        for (int p = 0; p < c.batch(); p++) {
            for (int j = 0; j < c.n(); j++) {
                for (int i = 0; i < c.m(); i++) {
                    double acc = 0;
                    for (int l = 0; l < c.k(); l++) {
                        // op(A)(i,l): A is m x k (N) or stored k x m (T)
                        int ai = c.transa() == Cublas.OP_N ? i + l * c.lda() : l + i * c.lda();
                        int bi = c.transb() == Cublas.OP_N ? l + j * c.ldb() : j + l * c.ldb();
                        acc += aBuf[(int) (aOff + p * c.strideA() + ai)] * bBuf[(int) (bOff + p * c.strideB() + bi)];
                    }
                    cBuf[(int) (cOff + p * c.strideC() + i + (long) j * c.ldc())] = (float) acc;
                }
            }
        }
        if (c.lda() < Math.max(1, c.transa() == Cublas.OP_N ? c.m() : c.k())) throw new AssertionError("lda too small: " + c);
        if (c.ldb() < Math.max(1, c.transb() == Cublas.OP_N ? c.k() : c.n())) throw new AssertionError("ldb too small: " + c);
        if (c.ldc() < Math.max(1, c.m())) throw new AssertionError("ldc too small: " + c);
    }

    /** A strided view: buffer, offset, strides (batch, row, col). */
    record View(float[] buf, int off, int sb, int sr, int sc) {
        float get(int b, int r, int c) { return buf[off + b * sb + r * sr + c * sc]; }
    }

    private static final Random RNG = new Random(42);

    /** A batch x rows x cols view laid out as requested: transposed storage and/or padded rows. */
    static View make(int batch, int rows, int cols, boolean transposed, int pad, boolean broadcastBatch) {
        int inner = transposed ? rows + pad : cols + pad;
        int outer = transposed ? cols : rows;
        int per = inner * outer;
        int nb = broadcastBatch ? 1 : batch;
        float[] buf = new float[3 + nb * per];
        for (int i = 0; i < buf.length; i++) buf[i] = RNG.nextFloat() * 2 - 1;
        int sb = broadcastBatch ? 0 : per;
        return transposed ? new View(buf, 3, sb, 1, inner) : new View(buf, 3, sb, inner, 1);
    }

    private static void check(int batch, int m, int n, int k, boolean ta, boolean tb, int padA, int padB, int padC, boolean bcastA, boolean bcastB) {
        View a = make(batch, m, k, ta, padA, bcastA);
        View b = make(batch, k, n, tb, padB, bcastB);
        int ldc = n + padC;
        float[] cBuf = new float[5 + batch * m * ldc];
        GemmMapping.Call call = GemmMapping.map(batch, m, n, k, a.sb, a.sr, a.sc, b.sb, b.sr, b.sc, (long) m * ldc, ldc, 1);
        // cuBLAS's first operand is B's buffer, its second A's
        cublasModel(call, b.buf, b.off, a.buf, a.off, cBuf, 5);
        for (int p = 0; p < batch; p++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double ref = 0;
                    for (int l = 0; l < k; l++) ref += a.get(p, i, l) * b.get(p, l, j);
                    float got = cBuf[5 + p * m * ldc + i * ldc + j];
                    assertEquals(ref, got, 1e-4, "batch " + p + " (" + i + "," + j + ") of " + call);
                }
            }
        }
    }

    @Test
    void plainRowMajorIsNoTransposeWithSwappedOperands() {
        GemmMapping.Call c = GemmMapping.map(1, 3, 5, 7, 0, 7, 1, 0, 5, 1, 0, 5, 1);
        assertEquals(Cublas.OP_N, c.transa());
        assertEquals(Cublas.OP_N, c.transb());
        assertEquals(5, c.m());
        assertEquals(3, c.n());
        assertEquals(5, c.lda());
        assertEquals(7, c.ldb());
        assertEquals(5, c.ldc());
        check(1, 3, 5, 7, false, false, 0, 0, 0, false, false);
    }

    @Test
    void transposedViewsMapToOpTWithoutCopies() {
        GemmMapping.Call c = GemmMapping.map(1, 4, 6, 5, 0, 1, 4, 0, 1, 5, 0, 6, 1);
        assertEquals(Cublas.OP_T, c.transa(), "B^T view");
        assertEquals(Cublas.OP_T, c.transb(), "A^T view");
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                check(1, 4, 6, 5, ta, tb, 0, 0, 0, false, false);
            }
        }
    }

    @Test
    void oddSizesPaddedRowsAndBatches() {
        int[][] sizes = {{1, 1, 1}, {1, 7, 3}, {7, 1, 3}, {5, 3, 1}, {17, 13, 11}, {2, 33, 65}};
        for (int[] s : sizes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    check(3, s[0], s[1], s[2], ta, tb, 2, 1, 3, false, false);
                }
            }
        }
    }

    @Test
    void broadcastBatchUsesStrideZero() {
        check(4, 5, 6, 7, false, true, 0, 0, 0, true, false);
        check(4, 5, 6, 7, true, false, 1, 0, 0, false, true);
    }

    @Test
    void unmappableViewsAreReported() {
        assertFalse(GemmMapping.mappable(3, 4, 8, 2), "two non-unit strides");
        assertTrue(GemmMapping.mappable(1, 4, 999, 1));
        assertTrue(GemmMapping.mappable(3, 1, 5, 77), "a single column: any column stride");
        assertFalse(GemmMapping.outputMappable(3, 4, 1, 3), "a transposed output cannot be written by cuBLAS directly");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GemmMapping.map(1, 3, 4, 5, 0, 10, 2, 0, 4, 1, 0, 4, 1));
        assertTrue(e.getMessage().contains("A (3x5, strides 10,2) is not mappable"), e.getMessage());
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
                () -> GemmMapping.map(2, 3, 4, 5, 15, 5, 1, 20, 4, 1, 4, 4, 1));
        assertTrue(overlap.getMessage().contains("must not overlap"), overlap.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GemmMapping.map(1, 0, 4, 5, 0, 5, 1, 0, 4, 1, 0, 4, 1));
    }
}
