package org.jgrad.backend;

import jdk.incubator.vector.FloatVector;

/**
 * Float32 convolution forward for output planes whose rows do not split into whole micro-panels
 * (the small CNN's 28- and 14-wide planes), where {@link ImplicitConvGemm} packs slowly: one
 * strip of output pixels of one image at a time, every row of its column matrix is built once as
 * a contiguous run (a bulk copy of the shifted input plane, padding zeroed) and then scattered
 * into the NR-wide micro-panels of {@link CpuGemm#kernel} with two vector moves per panel, for
 * the whole reduction at once. The weights arrive packed once per call
 * ({@link ImplicitConvGemm#packWeights}). Against im2col + {@link CpuGemm#gemm} this saves the
 * per-image repacking of the weights and the column matrix's second copy; the strip keeps the
 * packed columns in L2.
 *
 * <p>Summation order: as {@link ImplicitConvGemm#forwardRange} and the lowered product, each
 * output element sums its reduction by KC slices in order with the same micro-kernel, so the
 * forward is bit-identical to the lowered path it replaces.
 */
final class PanelIm2colGemm {
    private PanelIm2colGemm() {}

    static final int MR = CpuGemm.MR, NR = CpuGemm.NR, KC = CpuGemm.KC, L = CpuGemm.L;

    /** Packed floats of one strip (K x strip pixels): 64 Ki floats, a quarter of a 1 MiB L2. */
    private static final int STRIP_FLOATS = 64 * 1024;

    /** Per-thread buffers: packed strip, one column-matrix row of a strip, one edge tile. */
    private static final ThreadLocal<float[][]> BUFFERS =
            ThreadLocal.withInitial(() -> new float[][]{new float[0], new float[0], new float[MR * NR]});

    /** Pixels per strip for a reduction of k rows: whole panels, at least one, about STRIP_FLOATS packed floats. */
    static int stripPixels(int k, int plane) {
        int panels = Math.max(1, STRIP_FLOATS / (Math.max(1, k) * NR));
        return Math.min(panels * NR, (plane + NR - 1) / NR * NR);
    }

    /**
     * out[oBase + r*P + p] (r < m, p in [pLo, pHi)) = sum over k of pa(r, k) * col(k, p), the
     * column matrix of geometry g read from the image at x[xBase...]; pLo is a multiple of NR.
     */
    static void forwardStrip(CpuConv.Geom g, ImplicitConvGemm.Rows rows, float[] pa, int m, float[] x, int xBase,
                             float[] out, int oBase, int pLo, int pHi) {
        float[][] buf = BUFFERS.get();
        int K = g.k(), P = g.plane(), len = pHi - pLo, panels = (len + NR - 1) / NR, padLen = panels * NR;
        if (buf[0].length < K * padLen) buf[0] = new float[K * padLen];
        if (buf[1].length < padLen) buf[1] = new float[padLen];
        float[] pb = buf[0], row = buf[1], tile = buf[2];
        pack(g, rows, x, xBase, pLo, pHi, panels, row, pb);
        int mPad = (m + MR - 1) / MR * MR, mPanels = mPad / MR;
        for (int p0 = 0; p0 < K; p0 += KC) {
            int kc = Math.min(KC, K - p0);
            boolean add = p0 > 0;
            for (int jp = 0; jp < panels; jp++) {
                int j = pLo + jp * NR, nr = Math.min(NR, pHi - j), bi = jp * NR * K + p0 * NR;
                for (int ip = 0; ip < mPanels; ip++) {
                    int i = ip * MR;
                    CpuGemm.kernelEdge(pa, p0 * mPad + ip * MR * kc, pb, bi, kc, out, oBase + i * P + j, P,
                            Math.min(MR, m - i), nr, add, tile);
                }
            }
        }
    }

    /**
     * pb[jp*NR*K + k*NR + q] = col(k, pLo + jp*NR + q) for every reduction row k, zero past pHi:
     * panel jp holds the whole reduction, so its KC slice p0 starts at jp*NR*K + p0*NR.
     */
    static void pack(CpuConv.Geom g, ImplicitConvGemm.Rows rows, float[] x, int xBase, int pLo, int pHi, int panels,
                     float[] row, float[] pb) {
        int K = g.k(), len = pHi - pLo, padLen = panels * NR;
        java.util.Arrays.fill(row, len, padLen, 0f);
        int[] plane = rows.plane(), rowOff = rows.rowOff(), colOff = rows.colOff();
        for (int k = 0; k < K; k++) {
            buildRow(g, x, xBase + plane[k], rowOff[k], colOff[k], pLo, pHi, row);
            int dst = k * NR;
            for (int jp = 0; jp < panels; jp++, dst += NR * K) {
                FloatVector.fromArray(CpuGemm.S, row, jp * NR).intoArray(pb, dst);
                FloatVector.fromArray(CpuGemm.S, row, jp * NR + L).intoArray(pb, dst + L);
            }
        }
    }

    /**
     * row[p - pLo] = x[src0 + ih*w + iw] for the pixels p in [pLo, pHi), ih = oh*sh + ro and
     * iw = ow*sw + co (p = oh*OW + ow), 0 where (ih, iw) lies outside the image.
     */
    static void buildRow(CpuConv.Geom g, float[] x, int src0, int ro, int co, int pLo, int pHi, float[] row) {
        int ow = g.ow(), h = g.h(), w = g.w(), sh = g.sh(), sw = g.sw();
        int ohLo = pLo / ow, ohHi = (pHi - 1) / ow + 1;
        if (sh == 1 && sw == 1 && ow == w) {
            // "same"-width rows: the pixels of rows whose input row exists are one contiguous run of the
            // input, shifted by (ro, co); copy it in bulk, then zero the rows and columns that fall outside
            int inLo = Math.max(ohLo, -ro), inHi = Math.min(ohHi, h - ro);
            int a = Math.max(pLo, inLo * ow), b = Math.min(pHi, inHi * ow);
            if (b <= a) {
                java.util.Arrays.fill(row, 0, pHi - pLo, 0f);
                return;
            }
            java.util.Arrays.fill(row, 0, a - pLo, 0f);
            java.util.Arrays.fill(row, b - pLo, pHi - pLo, 0f);
            int src = src0 + ro * w + co + a; // pixel p reads src0 + (oh + ro)*w + ow + co = src0 + ro*w + co + p
            // values clipped at the array's ends lie in columns outside the image, zeroed below
            int skip = Math.max(0, -src), end = Math.min(b - a, x.length - src);
            if (end > skip) System.arraycopy(x, src + skip, row, a - pLo + skip, end - skip);
            if (co != 0) {
                int lo = Math.min(ow, Math.max(0, -co)), hi = Math.max(lo, Math.min(ow, w - co));
                for (int oh = inLo; oh < inHi; oh++) {
                    int base = oh * ow - pLo;
                    for (int t = 0; t < lo; t++) if (base + t >= a - pLo && base + t < b - pLo) row[base + t] = 0f;
                    for (int t = hi; t < ow; t++) if (base + t >= a - pLo && base + t < b - pLo) row[base + t] = 0f;
                }
            }
            return;
        }
        for (int oh = ohLo; oh < ohHi; oh++) {
            int o0 = Math.max(pLo, oh * ow) - oh * ow, o1 = Math.min(pHi, (oh + 1) * ow) - oh * ow;
            int d = oh * ow - pLo, ih = oh * sh + ro;
            if (ih < 0 || ih >= h) {
                java.util.Arrays.fill(row, d + o0, d + o1, 0f);
                continue;
            }
            // output columns whose input column ow*sw + co lies inside the row: [lo, hi)
            int lo = co >= 0 ? 0 : Math.min(ow, (-co + sw - 1) / sw);
            int hi = w - 1 - co < 0 ? lo : Math.max(lo, Math.min(ow, (w - 1 - co) / sw + 1));
            lo = Math.max(lo, o0);
            hi = Math.max(lo, Math.min(hi, o1));
            for (int t = o0; t < lo; t++) row[d + t] = 0f;
            int src = src0 + ih * w + co;
            if (sw == 1) {
                if (hi > lo) System.arraycopy(x, src + lo, row, d + lo, hi - lo);
            } else {
                for (int t = lo; t < hi; t++) row[d + t] = x[src + t * sw];
            }
            for (int t = Math.max(hi, o0); t < o1; t++) row[d + t] = 0f;
        }
    }
}
