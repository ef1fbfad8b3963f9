package org.jgrad.backend;

/**
 * Walks an n-d index space over several strided operands, handing each innermost row to a
 * kernel as (offsets of the row's first element, row length, inner strides). Rows are split
 * across the shared pool when there are enough elements.
 */
final class StridedLoop {
    private StridedLoop() {}

    @FunctionalInterface
    interface RowKernel {
        /** offs[k] = flat index of the row's first element in operand k; inner[k] = its inner stride. */
        void row(int[] offs, int len, int[] inner);
    }

    static void run(int[] shape, int[][] strides, int[] offsets, RowKernel kernel) {
        int rank = shape.length;
        int ops = strides.length;
        if (rank == 0) {
            kernel.row(offsets.clone(), 1, new int[ops]);
            return;
        }
        long total = 1;
        for (int s : shape) total *= s;
        if (total == 0) return;
        int len = shape[rank - 1];
        int[] inner = new int[ops];
        for (int k = 0; k < ops; k++) inner[k] = strides[k][rank - 1];
        int rows = (int) (total / len);
        int grain = Math.max(1, 32768 / Math.max(len, 1));
        Parallel.forRange(rows, grain, (lo, hi) -> {
            int[] idx = new int[rank - 1];
            int[] offs = new int[ops];
            // position of row lo
            int r = lo;
            for (int d = rank - 2; d >= 0; d--) {
                idx[d] = r % shape[d];
                r /= shape[d];
            }
            for (int k = 0; k < ops; k++) {
                int o = offsets[k];
                for (int d = 0; d < rank - 1; d++) o += idx[d] * strides[k][d];
                offs[k] = o;
            }
            for (int row = lo; row < hi; row++) {
                kernel.row(offs, len, inner);
                for (int d = rank - 2; d >= 0; d--) { // odometer increment
                    idx[d]++;
                    for (int k = 0; k < ops; k++) offs[k] += strides[k][d];
                    if (idx[d] < shape[d]) break;
                    for (int k = 0; k < ops; k++) offs[k] -= strides[k][d] * shape[d];
                    idx[d] = 0;
                }
            }
        });
    }
}
