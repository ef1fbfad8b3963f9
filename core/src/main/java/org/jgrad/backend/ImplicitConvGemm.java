package org.jgrad.backend;

/**
 * Float32 convolution as an implicit GEMM: the column matrix of im2col is never built. Its
 * values are packed straight from the input image into the micro-panels that
 * {@link CpuGemm#kernel} reads (kc x NR, one L1-resident panel at a time), and the weights are
 * packed once per call for every image. Compared with im2col + {@link CpuGemm#gemm}, this saves
 * writing and re-reading the K x P column matrix (K = in-channels x kernel area, P = output
 * pixels), its allocation, and the per-image repacking of the weights.
 *
 * <p>Summation order: the same micro-kernel over the same KC slices of the reduction, slices
 * added in order, as {@link CpuGemm#gemm} does for the lowered products (forward and filter
 * gradient are therefore bit-identical to the lowered path they replace).
 */
final class ImplicitConvGemm {
    private ImplicitConvGemm() {}

    static final int MR = CpuGemm.MR, NR = CpuGemm.NR, KC = CpuGemm.KC, L = CpuGemm.L;

    /**
     * Per-thread panel buffers: one packed B panel (KC x NR, plus one vector of slack for the
     * packing's overhanging stores), one A block for the filter gradient, one edge tile.
     */
    private static final ThreadLocal<float[][]> BUFFERS =
            ThreadLocal.withInitial(() -> new float[][]{new float[KC * NR + L], new float[0], new float[MR * NR]});

    /**
     * Where row k = (c, i, j) of the column matrix reads the input: the channel's plane offset,
     * the row offset i*dh - ph and the column offset j*dw - pw.
     */
    record Rows(int[] plane, int[] rowOff, int[] colOff) {
        static Rows of(CpuConv.Geom g) {
            int k = g.k(), kk = g.kh() * g.kw(), hw = g.h() * g.w();
            int[] plane = new int[k], ro = new int[k], co = new int[k];
            for (int r = 0; r < k; r++) {
                int c = r / kk, rem = r % kk, i = rem / g.kw(), j = rem % g.kw();
                plane[r] = c * hw;
                ro[r] = i * g.dh() - g.ph();
                co[r] = j * g.dw() - g.pw();
            }
            return new Rows(plane, ro, co);
        }
    }

    /**
     * A (m x k, element (r, p) at a[ao + r*ars + p]) packed for every KC slice: slice p0 starts at
     * p0 * mPad (mPad = m rounded up to MR), its MR-row panel ip at + ip*MR*kc, element (r, p) of
     * the panel at + p*MR + r; rows beyond m are zero.
     */
    static float[] packWeights(float[] a, int ao, int ars, int m, int k) {
        int mPad = (m + MR - 1) / MR * MR;
        float[] pa = new float[mPad * k];
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            for (int ip = 0; ip < mPad / MR; ip++) {
                int base = p0 * mPad + ip * MR * kc, i0 = ip * MR, mr = Math.min(MR, m - i0);
                for (int r = 0; r < mr; r++) {
                    int src = ao + (i0 + r) * ars + p0;
                    for (int p = 0; p < kc; p++) pa[base + p * MR + r] = a[src + p];
                }
            }
        }
        return pa;
    }

    /**
     * out[oBase + r*P + p] (r < m, p in [pLo, pHi)) = sum over k of pa(r, k) * col(k, p), the
     * column matrix col of geometry g read straight from the image at x[xBase...].
     */
    static void forwardRange(CpuConv.Geom g, Rows rows, float[] pa, int m, float[] x, int xBase,
                             float[] out, int oBase, int pLo, int pHi) {
        float[][] buf = BUFFERS.get();
        float[] pb = buf[0], tile = buf[2];
        int K = g.k(), P = g.plane(), mPad = (m + MR - 1) / MR * MR, mPanels = mPad / MR;
        for (int j = pLo; j < pHi; j += NR) {
            int nr = Math.min(NR, pHi - j);
            for (int p0 = 0; p0 < K; p0 += KC) {
                int kc = Math.min(KC, K - p0);
                packColumns(g, rows, x, xBase, p0, kc, j, nr, pb);
                boolean add = p0 > 0;
                for (int ip = 0; ip < mPanels; ip++) {
                    int i = ip * MR;
                    CpuGemm.kernelEdge(pa, p0 * mPad + ip * MR * kc, pb, 0, kc, out, oBase + i * P + j, P,
                            Math.min(MR, m - i), nr, add, tile);
                }
            }
        }
    }

    /**
     * One B panel: pb[kk*NR + q] = col(p0 + kk, j + q) for q < nr, zero for q in [nr, NR). A panel
     * within one output row reads a contiguous (stride-1) or strided run of an input row.
     */
    static void packColumns(CpuConv.Geom g, Rows rows, float[] x, int xBase, int p0, int kc, int j, int nr, float[] pb) {
        int ow = g.ow(), oh0 = j / ow, ow0 = j % ow, sh = g.sh(), sw = g.sw(), h = g.h(), w = g.w();
        int[] plane = rows.plane(), rowOff = rows.rowOff(), colOff = rows.colOff();
        // the common case first: a whole unit-stride panel inside one output row, two vector moves per row of the panel
        boolean oneRow = sw == 1 && nr == NR && ow0 + NR <= ow;
        for (int kk = 0; kk < kc; kk++) {
            int k = p0 + kk, dst = kk * NR;
            int src0 = xBase + plane[k], ro = rowOff[k], co = colOff[k];
            if (oneRow) {
                int ih = oh0 * sh + ro, iw0 = ow0 + co, src = src0 + ih * w + iw0;
                if (ih < 0 || ih >= h) {
                    java.util.Arrays.fill(pb, dst, dst + NR, 0f);
                    continue;
                }
                if (src >= 0 && src + NR <= x.length) {
                    jdk.incubator.vector.FloatVector.fromArray(CpuGemm.S, x, src).intoArray(pb, dst);
                    jdk.incubator.vector.FloatVector.fromArray(CpuGemm.S, x, src + L).intoArray(pb, dst + L);
                    if (iw0 < 0 || iw0 + NR > w) { // over the row's left or right edge: padding is zero
                        for (int t = 0; t < -iw0 && t < NR; t++) pb[dst + t] = 0f;
                        for (int t = Math.max(0, w - iw0); t < NR; t++) pb[dst + t] = 0f;
                    }
                    continue;
                }
            }
            // the panel's pixels, one output row (run) at a time
            for (int q = 0, oh = oh0, o = ow0; q < nr; o = 0, oh++) {
                int run = Math.min(nr - q, ow - o), d = dst + q, ih = oh * sh + ro;
                q += run;
                if (ih < 0 || ih >= h) {
                    java.util.Arrays.fill(pb, d, d + run, 0f);
                    continue;
                }
                int iw0 = o * sw + co, src = src0 + ih * w + iw0;
                if (sw == 1 && run == NR && src >= 0 && src + NR <= x.length) {
                    jdk.incubator.vector.FloatVector.fromArray(CpuGemm.S, x, src).intoArray(pb, d);
                    jdk.incubator.vector.FloatVector.fromArray(CpuGemm.S, x, src + L).intoArray(pb, d + L);
                    // a panel hanging over the row's left or right edge read neighbouring pixels there: padding is zero
                    for (int t = 0; t < -iw0 && t < NR; t++) pb[d + t] = 0f;
                    for (int t = Math.max(0, w - iw0); t < NR; t++) pb[d + t] = 0f;
                    continue;
                }
                // pixels whose input column lies inside the row: [lo, hi)
                int lo = insideLo(iw0, sw, run), hi = insideHi(iw0, sw, w, run, lo);
                if (sw == 1) {
                    // whole vectors: the lanes past the run land on places written later (the next
                    // run, the zero tail, the next row of the panel, or the buffer's slack)
                    int t = lo;
                    for (; t < hi && src + t + L <= x.length; t += L) {
                        jdk.incubator.vector.FloatVector.fromArray(CpuGemm.S, x, src + t).intoArray(pb, d + t);
                    }
                    for (; t < hi; t++) pb[d + t] = x[src + t];
                } else {
                    for (int t = lo; t < hi; t++) pb[d + t] = x[src + t * sw];
                }
                for (int t = 0; t < lo; t++) pb[d + t] = 0f;
                for (int t = hi; t < run; t++) pb[d + t] = 0f;
            }
            for (int q = nr; q < NR; q++) pb[dst + q] = 0f;
        }
    }

    /**
     * acc[r*K + k] (r < m, k in [jLo, jHi), jLo a multiple of NR) += sum over p of
     * gOut[gBase + r*P + p] * col(k, p): the filter gradient of one image and group (a strip of
     * its columns), the column matrix read straight from the image. Same
     * blocking as {@link CpuGemm#gemm} with accumulate (KC slices of p in order, one A block of
     * the output gradient per slice), so the sums are those of the lowered product.
     */
    static void filterGrad(CpuConv.Geom g, Rows rows, float[] gOut, int gBase, int m, float[] x, int xBase, float[] acc, int aBase,
                           int jLo, int jHi) {
        float[][] buf = BUFFERS.get();
        float[] pb = buf[0], tile = buf[2];
        int K = g.k(), P = g.plane(), mPad = (m + MR - 1) / MR * MR, mPanels = mPad / MR;
        if (buf[1].length < mPad * KC) buf[1] = new float[mPad * KC];
        float[] pa = buf[1];
        for (int p0 = 0; p0 < P; p0 += KC) {
            int kc = Math.min(KC, P - p0);
            // A = gOut rows, slice [p0, p0 + kc): panel ip, element (r, p) at ip*MR*kc + p*MR + r
            for (int ip = 0; ip < mPanels; ip++) {
                int base = ip * MR * kc, i0 = ip * MR, mr = Math.min(MR, m - i0);
                for (int r = 0; r < mr; r++) {
                    int src = gBase + (i0 + r) * P + p0;
                    for (int p = 0; p < kc; p++) pa[base + p * MR + r] = gOut[src + p];
                }
                for (int r = mr; r < MR; r++) for (int p = 0; p < kc; p++) pa[base + p * MR + r] = 0f;
            }
            for (int j = jLo; j < jHi; j += NR) {
                int nr = Math.min(NR, jHi - j);
                packColumnsTransposed(g, rows, x, xBase, p0, kc, j, nr, pb);
                for (int ip = 0; ip < mPanels; ip++) {
                    int i = ip * MR;
                    CpuGemm.kernelEdge(pa, ip * MR * kc, pb, 0, kc, acc, aBase + i * K + j, K, Math.min(MR, m - i), nr, true, tile);
                }
            }
        }
    }

    /** pb[pp*NR + q] = col(j + q, p0 + pp) for pp < kc, q < nr; zero for q in [nr, NR). */
    static void packColumnsTransposed(CpuConv.Geom g, Rows rows, float[] x, int xBase, int p0, int kc, int j, int nr, float[] pb) {
        int ow = g.ow(), oh0 = p0 / ow, ow0 = p0 % ow;
        int[] plane = rows.plane(), rowOff = rows.rowOff(), colOff = rows.colOff();
        for (int q = 0; q < nr; q++) {
            int k = j + q, src0 = xBase + plane[k], ro = rowOff[k], co = colOff[k];
            int oh = oh0, o = ow0, pp = 0;
            while (pp < kc) {
                // one output row (or what is left of the slice in it)
                int run = Math.min(kc - pp, ow - o);
                int ih = oh * g.sh() + ro;
                int d = pp * NR + q;
                if (ih < 0 || ih >= g.h()) {
                    for (int t = 0; t < run; t++, d += NR) pb[d] = 0f;
                } else {
                    int rowBase = src0 + ih * g.w();
                    // output columns whose input column lies inside the row: [lo, hi) relative to o
                    int iw0 = o * g.sw() + co;
                    int lo = insideLo(iw0, g.sw(), run), hi = insideHi(iw0, g.sw(), g.w(), run, lo);
                    int t = 0;
                    for (; t < lo; t++, d += NR) pb[d] = 0f;
                    if (g.sw() == 1) {
                        for (int s = rowBase + iw0 + t; t < hi; t++, d += NR, s++) pb[d] = x[s];
                    } else {
                        for (; t < hi; t++, d += NR) pb[d] = x[rowBase + iw0 + t * g.sw()];
                    }
                    for (; t < run; t++, d += NR) pb[d] = 0f;
                }
                pp += run;
                o = 0;
                oh++;
            }
        }
        if (nr < NR) {
            for (int pp = 0; pp < kc; pp++) java.util.Arrays.fill(pb, pp * NR + nr, (pp + 1) * NR, 0f);
        }
    }

    /** First of {@code run} pixels (input columns iw0, iw0 + sw, ...) inside the row; no division for unit strides. */
    private static int insideLo(int iw0, int sw, int run) {
        if (iw0 >= 0) return 0;
        return Math.min(run, sw == 1 ? -iw0 : (-iw0 + sw - 1) / sw);
    }

    /** One past the last of {@code run} pixels inside a row of width w (never below lo). */
    private static int insideHi(int iw0, int sw, int w, int run, int lo) {
        if (w - 1 - iw0 < 0) return lo;
        return Math.max(lo, Math.min(run, sw == 1 ? w - iw0 : (w - 1 - iw0) / sw + 1));
    }
}
