package org.jgrad.backend;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.View;

/**
 * 2-D convolution on the CPU. Float32 runs as implicit GEMM ({@link ImplicitConvGemm}): the
 * forward pass and the filter gradient pack the column matrix straight from the image into the
 * micro-panels of {@link CpuGemm#kernel}, never building it; the data gradient of a unit-stride
 * convolution is the forward of gradOut with transposed, flipped filters. Output rows that do
 * not split into whole micro-panels (the small CNN's 28- and 14-wide planes) pack whole
 * column-matrix rows per strip of pixels instead ({@link PanelIm2colGemm}). Strided data
 * gradients keep GEMM + col2im, and products too small to pack the plain loops of
 * {@link CpuGemm#gemm} over an im2col matrix. Images (and strips of output pixels) run in
 * parallel. Float64 (gradient checks) takes direct loops, which also serve as an independent
 * cross-check of the float32 paths.
 */
final class CpuConv {
    private CpuConv() {}

    /** Geometry of one convolution, from x [N,C,H,W], w [Cout,C/g,KH,KW] and out [N,Cout,OH,OW]. */
    record Geom(int n, int c, int h, int w, int cout, int kh, int kw, int oh, int ow,
                int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        static Geom of(int[] x, int[] wt, int[] out, int[] s, int[] p, int[] d, int groups) {
            return new Geom(x[0], x[1], x[2], x[3], wt[0], wt[2], wt[3], out[2], out[3],
                    s[0], s[1], p[0], p[1], d[0], d[1], groups);
        }

        int cg() { return c / groups; }

        int coutG() { return cout / groups; }

        /** Rows of the column matrix: one per (input channel of the group, kernel row, kernel column). */
        int k() { return cg() * kh * kw; }

        int plane() { return oh * ow; }

        boolean pointwise() { return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0; }
    }

    static void forward(View x, View w, View out, int[] s, int[] p, int[] d, int groups) {
        Geom g = Geom.of(x.shape(), w.shape(), out.shape(), s, p, d, groups);
        try (Scratch xcS = CpuNn.dense(x); Scratch wcS = CpuNn.dense(w)) {
            View xc = xcS.view(), wc = wcS.view();
            if (x.dtype() == DType.FLOAT32) forward32(g, xc, wc, out);
            else forward64(g, xc, wc, out);
        }
    }

    static void backwardData(View gradOut, View w, View gradX, int[] s, int[] p, int[] d, int groups) {
        Geom g = Geom.of(gradX.shape(), w.shape(), gradOut.shape(), s, p, d, groups);
        try (Scratch gcS = CpuNn.dense(gradOut); Scratch wcS = CpuNn.dense(w)) {
            View gc = gcS.view(), wc = wcS.view();
            if (w.dtype() == DType.FLOAT32) backwardData32(g, gc, wc, gradX);
            else backwardData64(g, gc, wc, gradX);
        }
    }

    static void backwardFilter(View x, View gradOut, View gradW, int[] s, int[] p, int[] d, int groups) {
        Geom g = Geom.of(x.shape(), gradW.shape(), gradOut.shape(), s, p, d, groups);
        try (Scratch xcS = CpuNn.dense(x); Scratch gcS = CpuNn.dense(gradOut)) {
            View xc = xcS.view(), gc = gcS.view();
            if (x.dtype() == DType.FLOAT32) backwardFilter32(g, xc, gc, gradW);
            else backwardFilter64(g, xc, gc, gradW);
        }
    }

    // ------------------------------------------------------------------ bias

    static void addChannelBias(View out, View bias) {
        int[] sh = out.shape();
        int n = sh[0], c = sh[1], plane = out.numel() / Math.max(1, n * c);
        CpuStorage o = CpuBackend.st(out);
        try (Scratch bcS = CpuNn.dense(bias)) {
            View bc = bcS.view();
            CpuStorage b = CpuBackend.st(bc);
            int oo = out.offset(), bo = bc.offset();
            boolean f32 = out.dtype() == DType.FLOAT32;
            Parallel.forRange(n * c, Math.max(1, 16384 / Math.max(1, plane)), (lo, hi) -> {
                for (int t = lo; t < hi; t++) {
                    int base = oo + t * plane;
                    if (f32) {
                        float[] of = o.f32();
                        float v = b.f32()[bo + t % c];
                        for (int i = 0; i < plane; i++) of[base + i] += v;
                    } else {
                        double[] od = o.f64();
                        double v = b.f64()[bo + t % c];
                        for (int i = 0; i < plane; i++) od[base + i] += v;
                    }
                }
            });
        }
    }

    static void channelBiasGrad(View gradOut, View gradBias) {
        try (Scratch gcS = CpuNn.dense(gradOut)) {
            View gc = gcS.view();
            int[] sh = gc.shape();
            int n = sh[0], c = sh[1], plane = gc.numel() / Math.max(1, n * c);
            CpuStorage g = CpuBackend.st(gc), gb = CpuBackend.st(gradBias);
            int go = gc.offset(), bo = gradBias.offset();
            boolean f32 = gc.dtype() == DType.FLOAT32;
            Parallel.forRange(c, 1, (lo, hi) -> {
                for (int ch = lo; ch < hi; ch++) {
                    double s = 0; // double accumulation: the sum runs over N * H * W terms
                    for (int i = 0; i < n; i++) {
                        int base = go + (i * c + ch) * plane;
                        if (f32) {
                            s += sum(g.f32(), base, plane);
                        } else {
                            double[] gd = g.f64();
                            for (int q = 0; q < plane; q++) s += gd[base + q];
                        }
                    }
                    gb.set(bo + ch, s);
                }
            });
        }
    }

    /** Sum of a[from, from + n): lanes of a vector accumulate independently (a scalar float sum is latency bound). */
    static float sum(float[] a, int from, int n) {
        jdk.incubator.vector.FloatVector acc = jdk.incubator.vector.FloatVector.zero(CpuGemm.S);
        int i = 0, l = CpuGemm.L;
        for (; i <= n - l; i += l) acc = acc.add(jdk.incubator.vector.FloatVector.fromArray(CpuGemm.S, a, from + i));
        // lanes added in a fixed order: reduceLanes(ADD) leaves the float order to the implementation, and the
        // interpreted and the JIT-compiled forms differ, which made two runs with the same seed diverge
        float s = 0;
        for (float v : acc.toArray()) s += v;
        for (; i < n; i++) s += a[from + i];
        return s;
    }

    // ------------------------------------------------------------------ float32: lowered to GEMM

    /** Below this many multiply-adds per product, the lowered path's plain loops beat packing (as in CpuGemm). */
    private static final long SMALL = 8 * 1024;

    /** Whether every NC-column strip of an m x n x k product goes through packing in {@link CpuGemm#gemm}. */
    private static boolean packed(int m, int n, int k) {
        int last = n % CpuGemm.NC == 0 ? Math.min(n, CpuGemm.NC) : n % CpuGemm.NC;
        return (long) m * Math.min(n, CpuGemm.NC) * k >= SMALL && (long) m * last * k >= SMALL;
    }

    /**
     * Whether output rows of this width split into whole micro-panels (NR pixels), so every panel
     * of the implicit GEMM packs from one input row with two vector moves. Narrower or ragged
     * planes (the small CNN's 28 and 14) pack faster from whole shifted rows
     * ({@link PanelIm2colGemm}); their filter gradient keeps im2col + GEMM.
     */
    private static boolean rowAligned(int width) { return width % CpuGemm.NR == 0; }

    /**
     * Whether planes that are not row-aligned run the implicit forward (and unit-stride data
     * gradient) through {@link PanelIm2colGemm} instead of im2col + GEMM (+ col2im); the
     * property {@code jgrad.conv.panels=false} restores the lowered path for comparisons.
     */
    static final boolean PANELS = !"false".equals(System.getProperty("jgrad.conv.panels"));

    private static void forward32(Geom g, View x, View w, View out) {
        float[] X = CpuBackend.st(x).f32(), W = CpuBackend.st(w).f32(), O = CpuBackend.st(out).f32();
        if ((rowAligned(g.ow) || !g.pointwise() && PANELS) && packed(g.coutG(), g.plane(), g.k())) {
            float[][] pa = new float[g.groups][];
            for (int gr = 0; gr < g.groups; gr++) pa[gr] = ImplicitConvGemm.packWeights(W, w.offset() + gr * g.coutG() * g.k(), g.k(), g.coutG(), g.k());
            implicitForward(g, pa, X, x.offset(), O, out.offset());
            return;
        }
        loweredForward(g, X, x.offset(), W, w.offset(), O, out.offset());
    }

    /**
     * Every image, group and strip of output pixels is one task (at least two per thread, so a
     * small batch still fills many cores); each output element is summed by one task in a fixed
     * order, so the result does not depend on the thread count.
     */
    private static void implicitForward(Geom g, float[][] pa, float[] X, int xo, float[] O, int oo) {
        ImplicitConvGemm.Rows rows = ImplicitConvGemm.Rows.of(g);
        int P = g.plane(), coutG = g.coutG(), cg = g.cg(), hw = g.h * g.w, NR = CpuGemm.NR;
        int panels = (P + NR - 1) / NR, images = g.n * g.groups;
        boolean aligned = rowAligned(g.ow);
        int strips = Math.min(panels, Math.max(1, (2 * Parallel.threads() + images - 1) / images));
        if (!aligned) strips = Math.max(strips, (P + PanelIm2colGemm.stripPixels(g.k(), P) - 1) / PanelIm2colGemm.stripPixels(g.k(), P));
        int stripLen = (panels + strips - 1) / strips * NR;
        int stripsF = (P + stripLen - 1) / stripLen;
        Parallel.forRange(images * stripsF, 1, (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int img = t / stripsF, st = t % stripsF, n = img / g.groups, gr = img % g.groups;
                int xBase = xo + (n * g.c + gr * cg) * hw;
                int oBase = oo + (n * g.cout + gr * coutG) * P;
                int pLo = st * stripLen, pHi = Math.min(P, pLo + stripLen);
                if (aligned) ImplicitConvGemm.forwardRange(g, rows, pa[gr], coutG, X, xBase, O, oBase, pLo, pHi);
                else PanelIm2colGemm.forwardStrip(g, rows, pa[gr], coutG, X, xBase, O, oBase, pLo, pHi);
            }
        });
    }

    private static void loweredForward(Geom g, float[] X, int xo, float[] W, int wo, float[] O, int oo) {
        int K = g.k(), P = g.plane(), coutG = g.coutG(), cg = g.cg(), hw = g.h * g.w;
        Parallel.forRange(g.n * g.groups, 1, (lo, hi) -> {
            float[] col = g.pointwise() ? null : new float[K * P];
            for (int t = lo; t < hi; t++) {
                int n = t / g.groups, gr = t % g.groups;
                int xBase = xo + (n * g.c + gr * cg) * hw;
                int oBase = oo + (n * g.cout + gr * coutG) * P;
                if (col == null) {
                    CpuGemm.gemm(W, wo + gr * coutG * K, K, 1, X, xBase, hw, 1, O, oBase, P, coutG, P, K, false);
                } else {
                    im2col(g, X, xBase, col);
                    CpuGemm.gemm(W, wo + gr * coutG * K, K, 1, col, 0, P, 1, O, oBase, P, coutG, P, K, false);
                }
            }
        });
    }

    /**
     * With unit strides the data gradient is itself a convolution: of gradOut with the filters
     * transposed (in and out channels swapped) and flipped in both spatial axes, dilation kept,
     * padding d*(k-1) - p. It then runs as the implicit-GEMM forward, with no column matrix and
     * no col2im scatter. Summation order: each input-gradient element sums its (out channel,
     * kernel row, kernel column) terms in that order, by KC slices, with fused multiply-adds
     * (the lowered path summed over out channels in a GEMM, then over kernel positions in col2im).
     */
    private static boolean implicitBackwardData(Geom g, float[] G, int go, float[] W, int wo, float[] X, int xo) {
        if (g.sh != 1 || g.sw != 1) return false;
        int cg = g.cg(), coutG = g.coutG(), kk = g.kh * g.kw, k2 = coutG * kk;
        if (!(rowAligned(g.w) || PANELS) || !packed(cg, g.h * g.w, k2)) return false;
        Geom t = new Geom(g.n, g.cout, g.oh, g.ow, g.c, g.kh, g.kw, g.h, g.w, 1, 1,
                g.dh * (g.kh - 1) - g.ph, g.dw * (g.kw - 1) - g.pw, g.dh, g.dw, g.groups);
        float[][] pa = new float[g.groups][];
        float[] flipped = new float[cg * k2];
        for (int gr = 0; gr < g.groups; gr++) {
            for (int c = 0; c < cg; c++) {
                for (int co = 0; co < coutG; co++) {
                    int src = wo + ((gr * coutG + co) * cg + c) * kk, dst = c * k2 + co * kk;
                    for (int q = 0; q < kk; q++) flipped[dst + q] = W[src + kk - 1 - q];
                }
            }
            pa[gr] = ImplicitConvGemm.packWeights(flipped, 0, k2, cg, k2);
        }
        implicitForward(t, pa, G, go, X, xo);
        return true;
    }

    private static void backwardData32(Geom g, View gradOut, View w, View gradX) {
        float[] G = CpuBackend.st(gradOut).f32(), W = CpuBackend.st(w).f32(), X = CpuBackend.st(gradX).f32();
        int go = gradOut.offset(), wo = w.offset(), xo = gradX.offset();
        if (implicitBackwardData(g, G, go, W, wo, X, xo)) return;
        int K = g.k(), P = g.plane(), coutG = g.coutG(), cg = g.cg(), hw = g.h * g.w;
        Parallel.forRange(g.n * g.groups, 1, (lo, hi) -> {
            float[] col = g.pointwise() ? null : new float[K * P];
            for (int t = lo; t < hi; t++) {
                int n = t / g.groups, gr = t % g.groups;
                int xBase = xo + (n * g.c + gr * cg) * hw;
                int gBase = go + (n * g.cout + gr * coutG) * P;
                // col (K x P) = W_g^T (K x coutG) @ gradOut_g (coutG x P); W_g^T is W_g read with swapped strides
                if (col == null) {
                    CpuGemm.gemm(W, wo + gr * coutG * K, 1, K, G, gBase, P, 1, X, xBase, hw, K, P, coutG, false);
                } else {
                    CpuGemm.gemm(W, wo + gr * coutG * K, 1, K, G, gBase, P, 1, col, 0, P, K, P, coutG, false);
                    java.util.Arrays.fill(X, xBase, xBase + cg * hw, 0f);
                    col2im(g, col, X, xBase);
                }
            }
        });
    }

    private static void backwardFilter32(Geom g, View x, View gradOut, View gradW) {
        float[] X = CpuBackend.st(x).f32(), G = CpuBackend.st(gradOut).f32(), GW = CpuBackend.st(gradW).f32();
        int xo = x.offset(), go = gradOut.offset(), wo = gradW.offset();
        int K = g.k(), P = g.plane(), coutG = g.coutG(), cg = g.cg(), hw = g.h * g.w;
        int size = g.cout * K;
        // each chunk of images sums into its own partial filter gradient; the partials are added at the end
        int chunks = Math.min(g.n, Parallel.threads() * 2);
        float[][] partial = new float[chunks][];
        // the column matrix is read straight from the image when the product is packed anyway
        boolean implicit = !g.pointwise() && rowAligned(g.ow) && K >= coutG && packed(coutG, K, P);
        if (implicit) {
            // tasks: (chunk of images, strip of filter columns); a strip's sums run as in one whole product
            ImplicitConvGemm.Rows rows = ImplicitConvGemm.Rows.of(g);
            int NR = CpuGemm.NR, kPanels = (K + NR - 1) / NR;
            int strips = Math.min(kPanels, Math.max(1, (2 * Parallel.threads() + chunks - 1) / chunks));
            int stripLen = (kPanels + strips - 1) / strips * NR, stripsF = (K + stripLen - 1) / stripLen;
            for (int ch = 0; ch < chunks; ch++) partial[ch] = new float[size];
            Parallel.forRange(chunks * stripsF, 1, (lo, hi) -> {
                for (int t = lo; t < hi; t++) {
                    int ch = t / stripsF, jLo = (t % stripsF) * stripLen, jHi = Math.min(K, jLo + stripLen);
                    int n0 = (int) ((long) g.n * ch / chunks), n1 = (int) ((long) g.n * (ch + 1) / chunks);
                    for (int n = n0; n < n1; n++) {
                        for (int gr = 0; gr < g.groups; gr++) {
                            int xBase = xo + (n * g.c + gr * cg) * hw, gBase = go + (n * g.cout + gr * coutG) * P;
                            ImplicitConvGemm.filterGrad(g, rows, G, gBase, coutG, X, xBase, partial[ch], gr * coutG * K, jLo, jHi);
                        }
                    }
                }
            });
        } else Parallel.forRange(chunks, 1, (lo, hi) -> {
            float[] col = g.pointwise() ? null : new float[K * P];
            float[] tmp = new float[K * coutG];
            for (int ch = lo; ch < hi; ch++) {
                float[] acc = new float[size];
                int n0 = (int) ((long) g.n * ch / chunks), n1 = (int) ((long) g.n * (ch + 1) / chunks);
                for (int n = n0; n < n1; n++) {
                    for (int gr = 0; gr < g.groups; gr++) {
                        int xBase = xo + (n * g.c + gr * cg) * hw;
                        int gBase = go + (n * g.cout + gr * coutG) * P;
                        // gradW_g (coutG x K) += gradOut_g (coutG x P) @ col^T (P x K)
                        if (col == null) {
                            CpuGemm.gemm(G, gBase, P, 1, X, xBase, 1, hw, acc, gr * coutG * K, K, coutG, K, P, true);
                        } else if (K >= coutG) {
                            im2col(g, X, xBase, col);
                            CpuGemm.gemm(G, gBase, P, 1, col, 0, 1, P, acc, gr * coutG * K, K, coutG, K, P, true);
                        } else {
                            // few columns (e.g. one input channel): gradW_g^T (K x coutG) = col @ gradOut_g^T keeps the
                            // narrow side in the micro-tile's rows (8) instead of padding it to a 32-wide column panel
                            im2col(g, X, xBase, col);
                            CpuGemm.gemm(col, 0, P, 1, G, gBase, 1, P, tmp, 0, coutG, K, coutG, P, false);
                            int a0 = gr * coutG * K;
                            for (int kk = 0; kk < K; kk++) {
                                for (int co = 0; co < coutG; co++) acc[a0 + co * K + kk] += tmp[kk * coutG + co];
                            }
                        }
                    }
                }
                partial[ch] = acc;
            }
        });
        for (int i = 0; i < size; i++) {
            float s = 0;
            for (float[] acc : partial) s += acc[i];
            GW[wo + i] = s;
        }
    }

    /** First output column whose input column {@code ow*sw + colOff} lies inside the image. */
    private static int insideLo(Geom g, int colOff) {
        return colOff >= 0 ? 0 : Math.min(g.ow, (-colOff + g.sw - 1) / g.sw);
    }

    /** One past the last output column whose input column lies inside the image (never below {@code lo}). */
    private static int insideHi(Geom g, int colOff, int lo) {
        if (g.w - 1 - colOff < 0) return lo;
        return Math.max(lo, Math.min(g.ow, (g.w - 1 - colOff) / g.sw + 1));
    }

    /** Unit strides and an output as wide as the input ("same" padding): rows of the column matrix are shifted planes. */
    private static boolean sameWidth(Geom g) { return g.sw == 1 && g.sh == 1 && g.ow == g.w; }

    /** col[(c*KH + i)*KW + j][oh*OW + ow] = x[c][oh*sh - ph + i*dh][ow*sw - pw + j*dw] (0 outside the image). */
    static void im2col(Geom g, float[] x, int xBase, float[] col) {
        int P = g.plane(), hw = g.h * g.w;
        for (int c = 0; c < g.cg(); c++) {
            for (int i = 0; i < g.kh; i++) {
                for (int j = 0; j < g.kw; j++) {
                    int row = ((c * g.kh + i) * g.kw + j) * P;
                    int colOff = j * g.dw - g.pw;
                    int owLo = insideLo(g, colOff), owHi = insideHi(g, colOff, owLo);
                    if (sameWidth(g)) {
                        // one bulk copy of the shifted plane, then zero the rows and columns that fall outside the image
                        int rowOff = i * g.dh - g.ph, ohLo = Math.max(0, -rowOff), ohHi = Math.min(g.oh, g.h - rowOff);
                        if (ohHi <= ohLo) {
                            java.util.Arrays.fill(col, row, row + P, 0f);
                            continue;
                        }
                        java.util.Arrays.fill(col, row, row + ohLo * g.ow, 0f);
                        java.util.Arrays.fill(col, row + ohHi * g.ow, row + P, 0f);
                        int src = xBase + c * hw + (ohLo + rowOff) * g.w + colOff, dst = row + ohLo * g.ow, len = (ohHi - ohLo) * g.ow;
                        // elements clipped at the array's ends lie in columns outside the image, zeroed below
                        int skip = Math.max(0, -src), end = Math.min(len, x.length - src);
                        if (end > skip) System.arraycopy(x, src + skip, col, dst + skip, end - skip);
                        if (owLo > 0 || owHi < g.ow) {
                            for (int oh = ohLo; oh < ohHi; oh++) {
                                int d = row + oh * g.ow;
                                java.util.Arrays.fill(col, d, d + owLo, 0f);
                                java.util.Arrays.fill(col, d + owHi, d + g.ow, 0f);
                            }
                        }
                        continue;
                    }
                    for (int oh = 0; oh < g.oh; oh++) {
                        int ih = oh * g.sh - g.ph + i * g.dh;
                        int dst = row + oh * g.ow;
                        if (ih < 0 || ih >= g.h) {
                            java.util.Arrays.fill(col, dst, dst + g.ow, 0f);
                            continue;
                        }
                        int src = xBase + c * hw + ih * g.w + colOff;
                        for (int ow = 0; ow < owLo; ow++) col[dst + ow] = 0f;
                        if (g.sw == 1) {
                            System.arraycopy(x, src + owLo, col, dst + owLo, owHi - owLo);
                        } else {
                            for (int ow = owLo; ow < owHi; ow++) col[dst + ow] = x[src + ow * g.sw];
                        }
                        for (int ow = owHi; ow < g.ow; ow++) col[dst + ow] = 0f;
                    }
                }
            }
        }
    }

    /** The adjoint of {@link #im2col}: x[c][ih][iw] += col[...] for every window position that read it. */
    static void col2im(Geom g, float[] col, float[] x, int xBase) {
        int P = g.plane(), hw = g.h * g.w;
        for (int c = 0; c < g.cg(); c++) {
            for (int i = 0; i < g.kh; i++) {
                for (int j = 0; j < g.kw; j++) {
                    int row = ((c * g.kh + i) * g.kw + j) * P;
                    int colOff = j * g.dw - g.pw;
                    int owLo = insideLo(g, colOff), owHi = insideHi(g, colOff, owLo);
                    if (sameWidth(g)) {
                        // zero the entries that read padding (col is scratch), then one bulk add of the shifted plane
                        int rowOff = i * g.dh - g.ph, ohLo = Math.max(0, -rowOff), ohHi = Math.min(g.oh, g.h - rowOff);
                        if (ohHi <= ohLo) continue;
                        if (owLo > 0 || owHi < g.ow) {
                            for (int oh = ohLo; oh < ohHi; oh++) {
                                int d = row + oh * g.ow;
                                java.util.Arrays.fill(col, d, d + owLo, 0f);
                                java.util.Arrays.fill(col, d + owHi, d + g.ow, 0f);
                            }
                        }
                        int dst = xBase + c * hw + (ohLo + rowOff) * g.w + colOff, src = row + ohLo * g.ow, len = (ohHi - ohLo) * g.ow;
                        // clip to this image group's channels: the clipped entries are zeros, and other
                        // threads may be writing just outside them
                        int lo = Math.max(0, xBase - dst), hi = Math.min(len, xBase + g.cg() * hw - dst);
                        for (int q = lo; q < hi; q++) x[dst + q] += col[src + q];
                        continue;
                    }
                    for (int oh = 0; oh < g.oh; oh++) {
                        int ih = oh * g.sh - g.ph + i * g.dh;
                        if (ih < 0 || ih >= g.h) continue;
                        int src = row + oh * g.ow;
                        int dst = xBase + c * hw + ih * g.w + colOff;
                        if (g.sw == 1) {
                            for (int ow = owLo; ow < owHi; ow++) x[dst + ow] += col[src + ow];
                        } else {
                            for (int ow = owLo; ow < owHi; ow++) x[dst + ow * g.sw] += col[src + ow];
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ float64: direct loops

    private static void forward64(Geom g, View x, View w, View out) {
        double[] X = CpuBackend.st(x).f64(), W = CpuBackend.st(w).f64(), O = CpuBackend.st(out).f64();
        int xo = x.offset(), wo = w.offset(), oo = out.offset();
        int cg = g.cg(), coutG = g.coutG();
        Parallel.forRange(g.n * g.cout, 1, (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int n = t / g.cout, co = t % g.cout, gr = co / coutG;
                for (int oh = 0; oh < g.oh; oh++) {
                    for (int ow = 0; ow < g.ow; ow++) {
                        double s = 0;
                        for (int c = 0; c < cg; c++) {
                            int xc = xo + (n * g.c + gr * cg + c) * g.h * g.w;
                            int wc = wo + (co * cg + c) * g.kh * g.kw;
                            for (int i = 0; i < g.kh; i++) {
                                int ih = oh * g.sh - g.ph + i * g.dh;
                                if (ih < 0 || ih >= g.h) continue;
                                for (int j = 0; j < g.kw; j++) {
                                    int iw = ow * g.sw - g.pw + j * g.dw;
                                    if (iw < 0 || iw >= g.w) continue;
                                    s += X[xc + ih * g.w + iw] * W[wc + i * g.kw + j];
                                }
                            }
                        }
                        O[oo + (t * g.oh + oh) * g.ow + ow] = s;
                    }
                }
            }
        });
    }

    private static void backwardData64(Geom g, View gradOut, View w, View gradX) {
        double[] G = CpuBackend.st(gradOut).f64(), W = CpuBackend.st(w).f64(), X = CpuBackend.st(gradX).f64();
        int go = gradOut.offset(), wo = w.offset(), xo = gradX.offset();
        int cg = g.cg(), coutG = g.coutG();
        Parallel.forRange(g.n, 1, (lo, hi) -> {
            for (int n = lo; n < hi; n++) {
                java.util.Arrays.fill(X, xo + n * g.c * g.h * g.w, xo + (n + 1) * g.c * g.h * g.w, 0);
                for (int co = 0; co < g.cout; co++) {
                    int gr = co / coutG;
                    for (int oh = 0; oh < g.oh; oh++) {
                        for (int ow = 0; ow < g.ow; ow++) {
                            double v = G[go + ((n * g.cout + co) * g.oh + oh) * g.ow + ow];
                            for (int c = 0; c < cg; c++) {
                                int xc = xo + (n * g.c + gr * cg + c) * g.h * g.w;
                                int wc = wo + (co * cg + c) * g.kh * g.kw;
                                for (int i = 0; i < g.kh; i++) {
                                    int ih = oh * g.sh - g.ph + i * g.dh;
                                    if (ih < 0 || ih >= g.h) continue;
                                    for (int j = 0; j < g.kw; j++) {
                                        int iw = ow * g.sw - g.pw + j * g.dw;
                                        if (iw < 0 || iw >= g.w) continue;
                                        X[xc + ih * g.w + iw] += v * W[wc + i * g.kw + j];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    private static void backwardFilter64(Geom g, View x, View gradOut, View gradW) {
        double[] X = CpuBackend.st(x).f64(), G = CpuBackend.st(gradOut).f64(), GW = CpuBackend.st(gradW).f64();
        int xo = x.offset(), go = gradOut.offset(), wo = gradW.offset();
        int cg = g.cg(), coutG = g.coutG();
        Parallel.forRange(g.cout, 1, (lo, hi) -> {
            for (int co = lo; co < hi; co++) {
                int gr = co / coutG;
                for (int c = 0; c < cg; c++) {
                    for (int i = 0; i < g.kh; i++) {
                        for (int j = 0; j < g.kw; j++) {
                            double s = 0;
                            for (int n = 0; n < g.n; n++) {
                                int xc = xo + (n * g.c + gr * cg + c) * g.h * g.w;
                                int gc = go + (n * g.cout + co) * g.oh * g.ow;
                                for (int oh = 0; oh < g.oh; oh++) {
                                    int ih = oh * g.sh - g.ph + i * g.dh;
                                    if (ih < 0 || ih >= g.h) continue;
                                    for (int ow = 0; ow < g.ow; ow++) {
                                        int iw = ow * g.sw - g.pw + j * g.dw;
                                        if (iw < 0 || iw >= g.w) continue;
                                        s += G[gc + oh * g.ow + ow] * X[xc + ih * g.w + iw];
                                    }
                                }
                            }
                            GW[wo + ((co * cg + c) * g.kh + i) * g.kw + j] = s;
                        }
                    }
                }
            }
        });
    }
}
