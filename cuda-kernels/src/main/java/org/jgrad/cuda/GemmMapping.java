package org.jgrad.cuda;

/**
 * Maps a row-major batched product {@code C[b] (M×N) = A[b] (M×K) · B[b] (K×N)} on strided
 * views onto one column-major cuBLAS call, without copying when the strides allow.
 *
 * <p>Why it works: a row-major M×N matrix with row stride {@code ld} and unit column stride is,
 * read as column-major, the N×M matrix C^T with leading dimension {@code ld}. So cuBLAS is asked
 * for {@code C^T = B^T · A^T}: its first operand is B's buffer, its second A's, m = N, n = M.
 * An operand whose rows are unit-stride (a transposed view) is the untransposed matrix in
 * column-major terms and gets {@code OP_T} instead. Anything else (two non-unit strides,
 * overlapping rows, a broadcast output) must be made contiguous first: {@link #mappable}.
 */
public final class GemmMapping {
    private GemmMapping() {}

    /** One cuBLAS call: column-major arguments, strides in elements. */
    public record Call(int transa, int transb, int m, int n, int k, int lda, int ldb, int ldc,
                       long strideA, long strideB, long strideC, int batch) {
        @Override
        public String toString() {
            return "(transa=" + (transa == Cublas.OP_T ? "T" : "N") + ", transb=" + (transb == Cublas.OP_T ? "T" : "N")
                    + ", m=" + m + ", n=" + n + ", k=" + k + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc
                    + (batch > 1 ? ", strideA=" + strideA + ", strideB=" + strideB + ", strideC=" + strideC + ", batch=" + batch : "") + ")";
        }
    }

    /**
     * True when a rows×cols input view with strides (rowStride, colStride) can be handed to
     * cuBLAS as is, either as stored (unit column stride) or transposed (unit row stride).
     */
    public static boolean mappable(int rows, int cols, long rowStride, long colStride) {
        return ldAsStored(rows, cols, rowStride, colStride) > 0 || ldTransposed(rows, cols, rowStride, colStride) > 0;
    }

    /** True when a rows×cols output view can receive cuBLAS's result in place (unit column stride). */
    public static boolean outputMappable(int rows, int cols, long rowStride, long colStride) {
        return ldAsStored(rows, cols, rowStride, colStride) > 0;
    }

    /**
     * The cuBLAS call for C = A·B, every operand given by its batch, row and column strides
     * (elements). Inputs must be {@link #mappable}, the output {@link #outputMappable};
     * a batch stride of 0 repeats an input matrix. Throws IllegalArgumentException otherwise.
     */
    public static Call map(int batch, int m, int n, int k,
                           long aBatch, long aRow, long aCol,
                           long bBatch, long bRow, long bCol,
                           long cBatch, long cRow, long cCol) {
        if (batch < 1 || m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("gemm sizes must be >= 1 (empty products are handled by the caller), got batch=" + batch
                    + " m=" + m + " n=" + n + " k=" + k);
        }
        // cuBLAS operand X = B (K×N row-major) must yield op(X) = B^T (N×K).
        int transX, ldX;
        long asIs = ldAsStored(k, n, bRow, bCol);
        if (asIs > 0) { transX = Cublas.OP_N; ldX = toInt(asIs, "ldb"); }
        else {
            long tr = ldTransposed(k, n, bRow, bCol);
            if (tr <= 0) throw new IllegalArgumentException("B (" + k + "x" + n + ", strides " + bRow + "," + bCol + ") is not mappable; make it contiguous");
            transX = Cublas.OP_T; ldX = toInt(tr, "ldb");
        }
        // Operand Y = A (M×K row-major) must yield op(Y) = A^T (K×M).
        int transY, ldY;
        asIs = ldAsStored(m, k, aRow, aCol);
        if (asIs > 0) { transY = Cublas.OP_N; ldY = toInt(asIs, "lda"); }
        else {
            long tr = ldTransposed(m, k, aRow, aCol);
            if (tr <= 0) throw new IllegalArgumentException("A (" + m + "x" + k + ", strides " + aRow + "," + aCol + ") is not mappable; make it contiguous");
            transY = Cublas.OP_T; ldY = toInt(tr, "lda");
        }
        long ldC = ldAsStored(m, n, cRow, cCol);
        if (ldC <= 0) throw new IllegalArgumentException("C (" + m + "x" + n + ", strides " + cRow + "," + cCol + ") needs unit column stride and row stride >= " + n);
        // Inputs may repeat across batches (stride 0); outputs of different batches must not overlap.
        if (batch > 1 && (aBatch < 0 || bBatch < 0 || cBatch < outputSpan(m, n, ldC))) {
            throw new IllegalArgumentException("batch strides A=" + aBatch + " B=" + bBatch + " C=" + cBatch
                    + " are not usable for " + batch + " batches of " + m + "x" + n + " (C batches must not overlap)");
        }
        return new Call(transX, transY, n, m, k, ldX, ldY, toInt(ldC, "ldc"),
                batch > 1 ? bBatch : 0, batch > 1 ? aBatch : 0, batch > 1 ? cBatch : 0, batch);
    }

    /** Elements one batch's output spans: rows at stride ldC, n columns in the last. */
    private static long outputSpan(int m, int n, long ldC) {
        return (long) (m - 1) * ldC + n;
    }

    /**
     * Leading dimension when the rows×cols view is, read column-major, its transpose stored
     * densely along columns: unit column stride, row stride >= cols. 0 when impossible.
     * Dimensions of size 1 accept any stride, so they never force a copy.
     */
    static long ldAsStored(int rows, int cols, long rowStride, long colStride) {
        if (cols > 1 && colStride != 1) return 0;
        if (rows == 1) return Math.max(1, cols);
        return rowStride >= Math.max(1, cols) ? rowStride : 0;
    }

    /** Leading dimension when the view is the column-major matrix itself: unit row stride, column stride >= rows. */
    static long ldTransposed(int rows, int cols, long rowStride, long colStride) {
        if (rows > 1 && rowStride != 1) return 0;
        if (cols == 1) return Math.max(1, rows);
        return colStride >= Math.max(1, rows) ? colStride : 0;
    }

    private static int toInt(long v, String what) {
        if (v > Integer.MAX_VALUE) throw new IllegalArgumentException(what + " = " + v + " exceeds cuBLAS's 32-bit limit");
        return (int) v;
    }
}
