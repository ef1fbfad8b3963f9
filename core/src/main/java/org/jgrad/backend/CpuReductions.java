package org.jgrad.backend;

/**
 * Float32 sums over contiguous data, the two layouts that dominate training: trailing dims
 * (a full sum, a mean over H×W) and leading dims (a bias gradient over the batch). Partial sums
 * are combined in a fixed order, so results do not depend on thread timing.
 */
final class CpuReductions {
    private static final int CHUNK = 1 << 16;

    private CpuReductions() {}

    /** out[o] = sum of x[o*inner .. (o+1)*inner), accumulated in double. */
    static void sumRows(float[] x, int xo, int outer, int inner, float[] out, int oo) {
        if (outer >= 2 * Parallel.threads() || inner < 2 * CHUNK) {
            Parallel.forRange(outer, Math.max(1, CHUNK / Math.max(inner, 1)), (lo, hi) -> {
                for (int o = lo; o < hi; o++) out[oo + o] = (float) sum(x, xo + o * inner, inner);
            });
            return;
        }
        // few long rows: split each row into fixed chunks, sum chunks in parallel, add partials in order
        int chunks = (inner + CHUNK - 1) / CHUNK;
        double[] partial = new double[outer * chunks];
        Parallel.forRange(outer * chunks, 1, (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int o = t / chunks, c = t % chunks;
                int start = c * CHUNK, len = Math.min(CHUNK, inner - start);
                partial[t] = sum(x, xo + o * inner + start, len);
            }
        });
        for (int o = 0; o < outer; o++) {
            double s = 0;
            for (int c = 0; c < chunks; c++) s += partial[o * chunks + c];
            out[oo + o] = (float) s;
        }
    }

    /** out[j] = sum over i of x[i*cols + j] for i in [0, rows). */
    static void sumColumns(float[] x, int xo, int rows, int cols, float[] out, int oo) {
        int grain = Math.max(16, CHUNK / Math.max(rows, 1));
        Parallel.forRange(cols, grain, (lo, hi) -> {
            double[] acc = new double[hi - lo];
            for (int i = 0; i < rows; i++) {
                int base = xo + i * cols + lo;
                for (int j = 0; j < acc.length; j++) acc[j] += x[base + j];
            }
            for (int j = 0; j < acc.length; j++) out[oo + lo + j] = (float) acc[j];
        });
    }

    /** Four independent accumulators break the add latency chain. */
    private static double sum(float[] x, int from, int len) {
        double a = 0, b = 0, c = 0, d = 0;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            a += x[from + i];
            b += x[from + i + 1];
            c += x[from + i + 2];
            d += x[from + i + 3];
        }
        for (; i < len; i++) a += x[from + i];
        return (a + b) + (c + d);
    }
}
