package org.jgrad.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 matrix products C = A @ B (or C += A @ B) over strided operands, blocked the way
 * BLIS/GotoBLAS do it: B is packed in kc x NR column panels, A in MR x kc row panels, so the
 * micro-kernel streams both from contiguous memory whatever the operands' strides (a transposed
 * view costs only its packing). The micro-kernel keeps an MR x NR tile of C in vector registers
 * (MR rows of two {@link FloatVector}s) and updates it with fused multiply-adds.
 *
 * <p>Work is split into independent (batch, row block, column block) tasks run through
 * {@link Parallel}; each task packs what it reads, so tasks share nothing but C's disjoint tiles.
 */
final class CpuGemm {
    private CpuGemm() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Micro-tile: MR rows by NR = 2 vectors of columns (the packed panels' layout). */
    static final int MR = 8, NR = 2 * L;
    /**
     * Rows of the tile one pass of the k loop updates. The accumulators (2 per row), the two B
     * vectors and the A broadcasts must all stay in vector registers: with 16 (AVX2, and SSE) an
     * 8-row pass needs 16 accumulators alone, and C2 spills four of them to the stack, so every
     * iteration waits on a load-fma-store chain through memory; 4 rows need 8 + 2 + the
     * broadcasts. (6 rows, 12 + 2 + 1, would fit, but C2 schedules three broadcasts ahead and
     * spills one accumulator.) With AVX-512's 32 registers the 8-row pass fits as it is.
     */
    static final int PASS_ROWS = S.vectorBitSize() >= 512 ? MR : 4;
    /** Cache blocks: an A block (MC x KC) stays in L2, a B micro-panel (KC x NR) in L1. */
    static final int KC = Integer.getInteger("jgrad.gemm.kc", 256), MC = Integer.getInteger("jgrad.gemm.mc", 96),
            NC = Integer.getInteger("jgrad.gemm.nc", 1024);
    /** Below this many multiply-adds, packing costs more than it saves. */
    private static final long SMALL = 8 * 1024;

    private static final ThreadLocal<float[][]> BUFFERS =
            ThreadLocal.withInitial(() -> new float[][]{new float[MC * KC], new float[KC * NC], new float[MR * NR]});

    /** C[b] = A[b] @ B[b] with row-major contiguous C [batch, m, n]; a and b have strides {batch, row, col}. */
    static void batched(float[] a, int ao, int[] as, float[] b, int bo, int[] bs, float[] c, int co,
                        int batch, int m, int n, int k) {
        if (batch <= 0 || m <= 0 || n <= 0) return;
        if (k == 0) {
            java.util.Arrays.fill(c, co, co + batch * m * n, 0f);
            return;
        }
        // Split each product into a grid of column strips x row ranges, at least two tasks per
        // thread in all, choosing the grid that packs least: A is packed once per column strip
        // and B once per row range, so the cost is nSplit * m + mSplit * n (times k).
        int want = (2 * Parallel.threads() + batch - 1) / batch;
        int maxN = (n + NR - 1) / NR, maxM = (m + MR - 1) / MR;
        int nSplit = (n + NC - 1) / NC, mSplit = 1;
        long bestCost = Long.MAX_VALUE;
        for (int ns = (n + NC - 1) / NC; ns <= Math.max((n + NC - 1) / NC, Math.min(want, maxN)); ns++) {
            int ms = Math.min(maxM, Math.max(1, (want + ns - 1) / ns));
            long cost = (long) ns * m + (long) ms * n;
            if (cost < bestCost) {
                bestCost = cost;
                nSplit = ns;
                mSplit = ms;
            }
        }
        int nb = ((n + nSplit - 1) / nSplit + NR - 1) / NR * NR;
        nSplit = (n + nb - 1) / nb;
        int mb = ((m + mSplit - 1) / mSplit + MR - 1) / MR * MR;
        mSplit = (m + mb - 1) / mb;
        int perBatch = mSplit * nSplit, tasks = batch * perBatch;
        long flopsPerTask = (long) Math.min(m, mb) * Math.min(n, nb) * k;
        int grain = (int) Math.max(1, (1L << 18) / Math.max(1, flopsPerTask));
        int mbF = mb, nbF = nb, nSplitF = nSplit;
        Parallel.forRange(tasks, grain, (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int bi = t / perBatch, r = t % perBatch;
                int i0 = (r / nSplitF) * mbF, j0 = (r % nSplitF) * nbF;
                block(a, ao + bi * as[0] + i0 * as[1], as[1], as[2],
                        b, bo + bi * bs[0] + j0 * bs[2], bs[1], bs[2],
                        c, co + (bi * m + i0) * n + j0, n,
                        Math.min(mbF, m - i0), Math.min(nbF, n - j0), k, false);
            }
        });
    }

    /**
     * One product C (m x n, row stride ldc) = or += A (m x k) @ B (k x n), run on the calling
     * thread (callers that loop over images parallelise outside).
     */
    static void gemm(float[] a, int ao, int ars, int acs, float[] b, int bo, int brs, int bcs,
                     float[] c, int co, int ldc, int m, int n, int k, boolean accumulate) {
        if (m <= 0 || n <= 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, co + i * ldc, co + i * ldc + n, 0f);
            return;
        }
        for (int j0 = 0; j0 < n; j0 += NC) {
            block(a, ao, ars, acs, b, bo + j0 * bcs, brs, bcs, c, co + j0, ldc, m, Math.min(NC, n - j0), k, accumulate);
        }
    }

    /** C strip (any m, n <= NC) over the whole k: per KC slice, B is packed once and every MC row block sweeps it. */
    private static void block(float[] a, int ao, int ars, int acs, float[] b, int bo, int brs, int bcs,
                              float[] c, int co, int ldc, int m, int n, int k, boolean accumulate) {
        if ((long) m * n * k < SMALL) {
            naive(a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc, m, n, k, accumulate);
            return;
        }
        float[][] buf = BUFFERS.get();
        float[] pa = buf[0], pb = buf[1], tile = buf[2];
        int nPanels = (n + NR - 1) / NR;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            packB(b, bo + p0 * brs, brs, bcs, pb, kc, n);
            boolean add = accumulate || p0 > 0;
            for (int i0 = 0; i0 < m; i0 += MC) {
                int mc = Math.min(MC, m - i0);
                packA(a, ao + i0 * ars + p0 * acs, ars, acs, pa, mc, kc);
                int mPanels = (mc + MR - 1) / MR;
                for (int jp = 0; jp < nPanels; jp++) {
                    int j = jp * NR, nr = Math.min(NR, n - j);
                    for (int ip = 0; ip < mPanels; ip++) {
                        int i = i0 + ip * MR, mr = Math.min(MR, m - i);
                        kernelEdge(pa, ip * MR * kc, pb, jp * NR * kc, kc, c, co + i * ldc + j, ldc, mr, nr, add, tile);
                    }
                }
            }
        }
    }

    /** A (m x kc) into MR-row panels: panel ip holds, for each p, MR consecutive values (zero beyond m). */
    private static void packA(float[] a, int ao, int ars, int acs, float[] pa, int m, int kc) {
        int mPanels = (m + MR - 1) / MR;
        for (int ip = 0; ip < mPanels; ip++) {
            int base = ip * MR * kc, i0 = ip * MR, mr = Math.min(MR, m - i0);
            if (acs == 1) {
                for (int r = 0; r < mr; r++) {
                    int src = ao + (i0 + r) * ars;
                    for (int p = 0; p < kc; p++) pa[base + p * MR + r] = a[src + p];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = ao + p * acs + i0 * ars, dst = base + p * MR;
                    for (int r = 0; r < mr; r++) pa[dst + r] = a[src + r * ars];
                }
            }
            if (mr < MR) {
                for (int p = 0; p < kc; p++) for (int r = mr; r < MR; r++) pa[base + p * MR + r] = 0f;
            }
        }
    }

    /** B (kc x n) into NR-column panels: panel jp holds, for each p, NR consecutive values (zero beyond n). */
    private static void packB(float[] b, int bo, int brs, int bcs, float[] pb, int kc, int n) {
        int nPanels = (n + NR - 1) / NR;
        for (int jp = 0; jp < nPanels; jp++) {
            int base = jp * NR * kc, j0 = jp * NR, nr = Math.min(NR, n - j0);
            if (bcs == 1) {
                for (int p = 0; p < kc; p++) {
                    int src = bo + p * brs + j0, dst = base + p * NR;
                    if (nr == NR) {
                        // two vector moves: cheaper than an arraycopy call for 32 floats
                        FloatVector.fromArray(S, b, src).intoArray(pb, dst);
                        FloatVector.fromArray(S, b, src + L).intoArray(pb, dst + L);
                    } else {
                        System.arraycopy(b, src, pb, dst, nr);
                        java.util.Arrays.fill(pb, dst + nr, dst + NR, 0f);
                    }
                }
            } else if (brs == 1) {
                // B^T stored row-major (e.g. a column matrix read transposed): read each of the nr
                // source rows contiguously and scatter into the panel, which stays in L1 (kc x NR floats)
                for (int q = 0; q < nr; q++) {
                    int src = bo + (j0 + q) * bcs, dst = base + q;
                    for (int p = 0; p < kc; p++) pb[dst + p * NR] = b[src + p];
                }
                if (nr < NR) {
                    for (int p = 0; p < kc; p++) java.util.Arrays.fill(pb, base + p * NR + nr, base + (p + 1) * NR, 0f);
                }
            } else {
                // rows of the panel are written contiguously; the nr source lines each serve 16 rows from L1
                int src0 = bo + j0 * bcs;
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * NR, src = src0 + p * brs;
                    for (int q = 0; q < nr; q++) pb[dst + q] = b[src + q * bcs];
                    for (int q = nr; q < NR; q++) pb[dst + q] = 0f;
                }
            }
        }
    }

    /**
     * The MR x NR micro-kernel: C tile (row stride ldc) = or += packed A panel @ packed B panel.
     * Every element of the tile is one fused multiply-add chain over p, in order, from zero, then
     * added into (or stored to) C; splitting the rows into passes does not change any chain.
     */
    static void kernel(float[] pa, int ai, float[] pb, int bi, int kc, float[] c, int co, int ldc, boolean add) {
        if (PASS_ROWS == MR) {
            kernelRows8(pa, ai, pb, bi, kc, c, co, ldc, add);
        } else {
            kernelRows4(pa, ai, pb, bi, kc, c, co, ldc, add);
            kernelRows4(pa, ai + 4, pb, bi, kc, c, co + 4 * ldc, ldc, add);
        }
    }

    /**
     * Rows 0-3 of the tile whose packed A panel starts at ai (rows 4-7 with ai + 4): 8 accumulators,
     * 2 B vectors and the broadcasts, all in registers. Zen 3 measured one core at 84-93 GFLOP/s with
     * this on L1-resident panels against 46-50 for the single 8-row pass.
     */
    static void kernelRows4(float[] pa, int ai, float[] pb, int bi, int kc, float[] c, int co, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * NR, ap = ai + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, pb, bp);
            FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector x = FloatVector.broadcast(S, pa[ap]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ap + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ap + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ap + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
        }
        // Stores use receivers of a statically known species (fromArray/zero), never the loop-carried
        // accumulators themselves, so C2 keeps every vector in a register instead of boxing it.
        if (add) {
            int o = co;
            FloatVector.fromArray(S, c, o).add(c00).intoArray(c, o); FloatVector.fromArray(S, c, o + L).add(c01).intoArray(c, o + L); o += ldc;
            FloatVector.fromArray(S, c, o).add(c10).intoArray(c, o); FloatVector.fromArray(S, c, o + L).add(c11).intoArray(c, o + L); o += ldc;
            FloatVector.fromArray(S, c, o).add(c20).intoArray(c, o); FloatVector.fromArray(S, c, o + L).add(c21).intoArray(c, o + L); o += ldc;
            FloatVector.fromArray(S, c, o).add(c30).intoArray(c, o); FloatVector.fromArray(S, c, o + L).add(c31).intoArray(c, o + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            int o = co;
            z.add(c00).intoArray(c, o); z.add(c01).intoArray(c, o + L); o += ldc;
            z.add(c10).intoArray(c, o); z.add(c11).intoArray(c, o + L); o += ldc;
            z.add(c20).intoArray(c, o); z.add(c21).intoArray(c, o + L); o += ldc;
            z.add(c30).intoArray(c, o); z.add(c31).intoArray(c, o + L);
        }
    }

    /** One pass over all MR rows: 2 * MR accumulators, for 32-register machines (see {@link #PASS_ROWS}). */
    static void kernelRows8(float[] pa, int ai, float[] pb, int bi, int kc, float[] c, int co, int ldc, boolean add) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * NR, ap = ai + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, pb, bp);
            FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
            FloatVector x = FloatVector.broadcast(S, pa[ap]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ap + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ap + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ap + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, pa[ap + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, pa[ap + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, pa[ap + 6]);
            c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, pa[ap + 7]);
            c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        // Stores use receivers of a statically known species (fromArray/zero), never the loop-carried
        // accumulators themselves, so C2 keeps every vector in a register instead of boxing it.
        if (add) {
            int o = co;
            FloatVector.fromArray(S, c, o).add(c00).intoArray(c, o); FloatVector.fromArray(S, c, o + L).add(c01).intoArray(c, o + L); o += ldc;
            FloatVector.fromArray(S, c, o).add(c10).intoArray(c, o); FloatVector.fromArray(S, c, o + L).add(c11).intoArray(c, o + L); o += ldc;
            FloatVector.fromArray(S, c, o).add(c20).intoArray(c, o); FloatVector.fromArray(S, c, o + L).add(c21).intoArray(c, o + L); o += ldc;
            FloatVector.fromArray(S, c, o).add(c30).intoArray(c, o); FloatVector.fromArray(S, c, o + L).add(c31).intoArray(c, o + L); o += ldc;
            FloatVector.fromArray(S, c, o).add(c40).intoArray(c, o); FloatVector.fromArray(S, c, o + L).add(c41).intoArray(c, o + L); o += ldc;
            FloatVector.fromArray(S, c, o).add(c50).intoArray(c, o); FloatVector.fromArray(S, c, o + L).add(c51).intoArray(c, o + L); o += ldc;
            FloatVector.fromArray(S, c, o).add(c60).intoArray(c, o); FloatVector.fromArray(S, c, o + L).add(c61).intoArray(c, o + L); o += ldc;
            FloatVector.fromArray(S, c, o).add(c70).intoArray(c, o); FloatVector.fromArray(S, c, o + L).add(c71).intoArray(c, o + L);
        } else {
            FloatVector z = FloatVector.zero(S);
            int o = co;
            z.add(c00).intoArray(c, o); z.add(c01).intoArray(c, o + L); o += ldc;
            z.add(c10).intoArray(c, o); z.add(c11).intoArray(c, o + L); o += ldc;
            z.add(c20).intoArray(c, o); z.add(c21).intoArray(c, o + L); o += ldc;
            z.add(c30).intoArray(c, o); z.add(c31).intoArray(c, o + L); o += ldc;
            z.add(c40).intoArray(c, o); z.add(c41).intoArray(c, o + L); o += ldc;
            z.add(c50).intoArray(c, o); z.add(c51).intoArray(c, o + L); o += ldc;
            z.add(c60).intoArray(c, o); z.add(c61).intoArray(c, o + L); o += ldc;
            z.add(c70).intoArray(c, o); z.add(c71).intoArray(c, o + L);
        }
    }

    /**
     * The micro-kernel on a tile of which only mr x nr lies inside C (at the right and bottom
     * edges): a whole tile goes straight to C; a partial one is computed into {@code tile}
     * (MR x NR scratch) and its inside part stored into or added to C. Same sums either way.
     */
    static void kernelEdge(float[] pa, int ai, float[] pb, int bi, int kc, float[] c, int co, int ldc,
                           int mr, int nr, boolean add, float[] tile) {
        if (mr == MR && nr == NR) {
            kernel(pa, ai, pb, bi, kc, c, co, ldc, add);
            return;
        }
        kernel(pa, ai, pb, bi, kc, tile, 0, NR, false);
        for (int r = 0; r < mr; r++) {
            int row = co + r * ldc;
            if (add) for (int q = 0; q < nr; q++) c[row + q] += tile[r * NR + q];
            else System.arraycopy(tile, r * NR, c, row, nr);
        }
    }

    /** Plain loops for products too small to pack. */
    static void naive(float[] a, int ao, int ars, int acs, float[] b, int bo, int brs, int bcs,
                      float[] c, int co, int ldc, int m, int n, int k, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int row = co + i * ldc;
            if (!accumulate) java.util.Arrays.fill(c, row, row + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = a[ao + i * ars + p * acs];
                int br = bo + p * brs;
                if (bcs == 1) {
                    for (int j = 0; j < n; j++) c[row + j] += av * b[br + j];
                } else {
                    for (int j = 0; j < n; j++) c[row + j] += av * b[br + j * bcs];
                }
            }
        }
    }
}
