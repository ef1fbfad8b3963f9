package org.jgrad.backend;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.View;

/**
 * Max/average pooling and nearest upsampling on the CPU, one (image, channel) plane per task.
 * Float32 has its own loops (the training path); float64 (gradient checks) goes through
 * {@link CpuStorage#get}/{@link CpuStorage#set}.
 */
final class CpuPool {
    private CpuPool() {}

    private static int planeGrain(int planeElems) { return Math.max(1, 16384 / Math.max(1, planeElems)); }

    static void maxForward(View x, View out, View indices, int[] k, int[] s, int[] p, int[] d) {
        try (Scratch xcS = CpuNn.dense(x)) {
            View xc = xcS.view();
            int[] xs = xc.shape(), os = out.shape();
            int planes = xs[0] * xs[1], h = xs[2], w = xs[3], oh = os[2], ow = os[3];
            CpuStorage X = CpuBackend.st(xc), O = CpuBackend.st(out);
            long[] I = CpuBackend.st(indices).i64();
            int xo = xc.offset(), oo = out.offset(), io = indices.offset();
            boolean f32 = xc.dtype() == DType.FLOAT32;
            float[] xf = f32 ? X.f32() : null, of = f32 ? O.f32() : null;
            if (f32 && p[0] == 0 && p[1] == 0 && d[0] == 1 && d[1] == 1
                    && (oh - 1) * s[0] + k[0] <= h && (ow - 1) * s[1] + k[1] <= w) {
                maxForwardF32(xf, xo, of, oo, I, io, planes, h, w, oh, ow, k, s);
                return;
            }
            Parallel.forRange(planes, planeGrain(h * w), (lo, hi) -> {
                for (int pl = lo; pl < hi; pl++) {
                    int xb = xo + pl * h * w, ob = pl * oh * ow;
                    for (int y = 0; y < oh; y++) {
                        for (int xq = 0; xq < ow; xq++) {
                            int h0 = y * s[0] - p[0], w0 = xq * s[1] - p[1];
                            double best = Double.NEGATIVE_INFINITY;
                            int bi = -1;
                            for (int i = 0; i < k[0]; i++) {
                                int ih = h0 + i * d[0];
                                if (ih < 0 || ih >= h) continue;
                                for (int j = 0; j < k[1]; j++) {
                                    int iw = w0 + j * d[1];
                                    if (iw < 0 || iw >= w) continue;
                                    int idx = ih * w + iw;
                                    double v = f32 ? xf[xb + idx] : X.get(xb + idx);
                                    // first maximum wins; a NaN wins over numbers, as in PyTorch
                                    if (bi < 0 || v > best || Double.isNaN(v)) {
                                        best = v;
                                        bi = idx;
                                    }
                                }
                            }
                            int o = ob + y * ow + xq;
                            if (f32) of[oo + o] = (float) best;
                            else O.set(oo + o, best);
                            I[io + o] = bi;
                        }
                    }
                }
            });
        }
    }

    /**
     * Float32 windows that lie wholly inside the image (no padding, no dilation): no bounds
     * tests and float compares, with the rule of the general loop (the first maximum wins, a
     * later NaN replaces whatever came before).
     */
    private static void maxForwardF32(float[] xf, int xo, float[] of, int oo, long[] I, int io,
                                      int planes, int h, int w, int oh, int ow, int[] k, int[] s) {
        int kh = k[0], kw = k[1], sh = s[0], sw = s[1];
        Parallel.forRange(planes, planeGrain(h * w), (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++) {
                int xb = xo + pl * h * w, ob = pl * oh * ow;
                if (kh == 2 && kw == 2 && sh == 2 && sw == 2) {
                    pool2x2(xf, xb, of, oo + ob, I, io + ob, w, oh, ow);
                    continue;
                }
                for (int y = 0; y < oh; y++) {
                    for (int xq = 0; xq < ow; xq++) {
                        int bi = y * sh * w + xq * sw;
                        float best = xf[xb + bi];
                        for (int i = 0; i < kh; i++) {
                            int row = (y * sh + i) * w + xq * sw;
                            for (int j = i == 0 ? 1 : 0; j < kw; j++) {
                                float v = xf[xb + row + j];
                                // bit selects rather than a branch, which mispredicts on random data
                                int take = -((v > best ? 1 : 0) | (v != v ? 1 : 0));
                                best = Float.intBitsToFloat((Float.floatToRawIntBits(v) & take)
                                        | (Float.floatToRawIntBits(best) & ~take));
                                bi = ((row + j) & take) | (bi & ~take);
                            }
                        }
                        int o = ob + y * ow + xq;
                        of[oo + o] = best;
                        I[io + o] = bi;
                    }
                }
            }
        });
    }

    /** The 2x2, stride-2 window of most CNNs, unrolled; same rule as {@link #maxForwardF32}. */
    private static void pool2x2(float[] xf, int xb, float[] of, int ob, long[] I, int ib, int w, int oh, int ow) {
        for (int y = 0; y < oh; y++) {
            int r0 = 2 * y * w, o = y * ow;
            for (int xq = 0; xq < ow; xq++) {
                int i0 = r0 + 2 * xq, i1 = i0 + 1, i2 = i0 + w, i3 = i2 + 1;
                float best = xf[xb + i0];
                int bi = i0;
                float v = xf[xb + i1];
                int take = -((v > best ? 1 : 0) | (v != v ? 1 : 0));
                best = Float.intBitsToFloat((Float.floatToRawIntBits(v) & take) | (Float.floatToRawIntBits(best) & ~take));
                bi = (i1 & take) | (bi & ~take);
                v = xf[xb + i2];
                take = -((v > best ? 1 : 0) | (v != v ? 1 : 0));
                best = Float.intBitsToFloat((Float.floatToRawIntBits(v) & take) | (Float.floatToRawIntBits(best) & ~take));
                bi = (i2 & take) | (bi & ~take);
                v = xf[xb + i3];
                take = -((v > best ? 1 : 0) | (v != v ? 1 : 0));
                best = Float.intBitsToFloat((Float.floatToRawIntBits(v) & take) | (Float.floatToRawIntBits(best) & ~take));
                bi = (i3 & take) | (bi & ~take);
                of[ob + o + xq] = best;
                I[ib + o + xq] = bi;
            }
        }
    }

    static void maxBackward(View gradOut, View indices, View gradX) {
        try (Scratch gcS = CpuNn.dense(gradOut); Scratch icS = CpuNn.dense(indices)) {
            View gc = gcS.view(), ic = icS.view();
            int[] xs = gradX.shape(), os = gc.shape();
            int planes = xs[0] * xs[1], hw = xs[2] * xs[3], ohw = os[2] * os[3];
            CpuStorage G = CpuBackend.st(gc), X = CpuBackend.st(gradX);
            long[] I = CpuBackend.st(ic).i64();
            int go = gc.offset(), xo = gradX.offset(), io = ic.offset();
            boolean f32 = gc.dtype() == DType.FLOAT32;
            Parallel.forRange(planes, planeGrain(hw), (lo, hi) -> {
                for (int pl = lo; pl < hi; pl++) {
                    int xb = xo + pl * hw, ob = pl * ohw;
                    if (f32) {
                        float[] xf = X.f32(), gf = G.f32();
                        java.util.Arrays.fill(xf, xb, xb + hw, 0f);
                        for (int o = 0; o < ohw; o++) {
                            int idx = (int) I[io + ob + o];
                            if (idx >= 0) xf[xb + idx] += gf[go + ob + o];
                        }
                    } else {
                        for (int i = 0; i < hw; i++) X.set(xb + i, 0);
                        for (int o = 0; o < ohw; o++) {
                            int idx = (int) I[io + ob + o];
                            if (idx >= 0) X.set(xb + idx, X.get(xb + idx) + G.get(go + ob + o));
                        }
                    }
                }
            });
        }
    }

    /** PyTorch's divisor for the window starting at (h0, w0) (before clipping). */
    private static int divisor(int h0, int w0, int h, int w, int[] k, int[] p, boolean countIncludePad) {
        int h1 = Math.min(h0 + k[0], h + p[0]), w1 = Math.min(w0 + k[1], w + p[1]);
        int pool = (h1 - h0) * (w1 - w0);
        if (countIncludePad) return pool;
        int hs = Math.max(h0, 0), ws = Math.max(w0, 0), he = Math.min(h1, h), we = Math.min(w1, w);
        return (he - hs) * (we - ws);
    }

    static void avgForward(View x, View out, int[] k, int[] s, int[] p, boolean countIncludePad) {
        try (Scratch xcS = CpuNn.dense(x)) {
            View xc = xcS.view();
            int[] xs = xc.shape(), os = out.shape();
            int planes = xs[0] * xs[1], h = xs[2], w = xs[3], oh = os[2], ow = os[3];
            CpuStorage X = CpuBackend.st(xc), O = CpuBackend.st(out);
            int xo = xc.offset(), oo = out.offset();
            Parallel.forRange(planes, planeGrain(h * w), (lo, hi) -> {
                for (int pl = lo; pl < hi; pl++) {
                    int xb = xo + pl * h * w, ob = oo + pl * oh * ow;
                    for (int y = 0; y < oh; y++) {
                        for (int xq = 0; xq < ow; xq++) {
                            int h0 = y * s[0] - p[0], w0 = xq * s[1] - p[1];
                            int div = divisor(h0, w0, h, w, k, p, countIncludePad);
                            double sum = 0;
                            for (int ih = Math.max(h0, 0); ih < Math.min(h0 + k[0], h); ih++) {
                                for (int iw = Math.max(w0, 0); iw < Math.min(w0 + k[1], w); iw++) sum += X.get(xb + ih * w + iw);
                            }
                            O.set(ob + y * ow + xq, sum / div);
                        }
                    }
                }
            });
        }
    }

    static void avgBackward(View gradOut, View gradX, int[] k, int[] s, int[] p, boolean countIncludePad) {
        try (Scratch gcS = CpuNn.dense(gradOut)) {
            View gc = gcS.view();
            int[] xs = gradX.shape(), os = gc.shape();
            int planes = xs[0] * xs[1], h = xs[2], w = xs[3], oh = os[2], ow = os[3];
            CpuStorage G = CpuBackend.st(gc), X = CpuBackend.st(gradX);
            int go = gc.offset(), xo = gradX.offset();
            Parallel.forRange(planes, planeGrain(h * w), (lo, hi) -> {
                for (int pl = lo; pl < hi; pl++) {
                    int xb = xo + pl * h * w, ob = go + pl * oh * ow;
                    for (int i = 0; i < h * w; i++) X.set(xb + i, 0);
                    for (int y = 0; y < oh; y++) {
                        for (int xq = 0; xq < ow; xq++) {
                            int h0 = y * s[0] - p[0], w0 = xq * s[1] - p[1];
                            double g = G.get(ob + y * ow + xq) / divisor(h0, w0, h, w, k, p, countIncludePad);
                            for (int ih = Math.max(h0, 0); ih < Math.min(h0 + k[0], h); ih++) {
                                for (int iw = Math.max(w0, 0); iw < Math.min(w0 + k[1], w); iw++) {
                                    X.set(xb + ih * w + iw, X.get(xb + ih * w + iw) + g);
                                }
                            }
                        }
                    }
                }
            });
        }
    }

    /** PyTorch's nearest source index: identity when sizes match, else min(floor(dst * scale), in - 1) in float32. */
    static int[] nearestIndex(int in, int out, float scale) {
        int[] idx = new int[out];
        for (int i = 0; i < out; i++) {
            idx[i] = in == out ? i : Math.min((int) Math.floor((float) i * scale), in - 1);
        }
        return idx;
    }

    static void upsampleForward(View x, View out, float scaleH, float scaleW) {
        try (Scratch xcS = CpuNn.dense(x)) {
            View xc = xcS.view();
            int[] xs = xc.shape(), os = out.shape();
            int planes = xs[0] * xs[1], h = xs[2], w = xs[3], oh = os[2], ow = os[3];
            int[] rows = nearestIndex(h, oh, scaleH), cols = nearestIndex(w, ow, scaleW);
            CpuStorage X = CpuBackend.st(xc), O = CpuBackend.st(out);
            int xo = xc.offset(), oo = out.offset();
            boolean f32 = xc.dtype() == DType.FLOAT32;
            Parallel.forRange(planes, planeGrain(oh * ow), (lo, hi) -> {
                for (int pl = lo; pl < hi; pl++) {
                    int xb = xo + pl * h * w, ob = oo + pl * oh * ow;
                    for (int y = 0; y < oh; y++) {
                        int src = xb + rows[y] * w, dst = ob + y * ow;
                        if (f32) {
                            float[] xf = X.f32(), of = O.f32();
                            for (int q = 0; q < ow; q++) of[dst + q] = xf[src + cols[q]];
                        } else {
                            for (int q = 0; q < ow; q++) O.set(dst + q, X.get(src + cols[q]));
                        }
                    }
                }
            });
        }
    }

    static void upsampleBackward(View gradOut, View gradX, float scaleH, float scaleW) {
        try (Scratch gcS = CpuNn.dense(gradOut)) {
            View gc = gcS.view();
            int[] xs = gradX.shape(), os = gc.shape();
            int planes = xs[0] * xs[1], h = xs[2], w = xs[3], oh = os[2], ow = os[3];
            int[] rows = nearestIndex(h, oh, scaleH), cols = nearestIndex(w, ow, scaleW);
            CpuStorage G = CpuBackend.st(gc), X = CpuBackend.st(gradX);
            int go = gc.offset(), xo = gradX.offset();
            Parallel.forRange(planes, planeGrain(oh * ow), (lo, hi) -> {
                for (int pl = lo; pl < hi; pl++) {
                    int xb = xo + pl * h * w, gb = go + pl * oh * ow;
                    for (int i = 0; i < h * w; i++) X.set(xb + i, 0);
                    for (int y = 0; y < oh; y++) {
                        for (int q = 0; q < ow; q++) {
                            int t = xb + rows[y] * w + cols[q];
                            X.set(t, X.get(t) + G.get(gb + y * ow + q));
                        }
                    }
                }
            });
        }
    }
}
