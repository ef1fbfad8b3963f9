package org.jgrad.backend;

import org.jgrad.tensor.View;

/**
 * The CPU's layer kernels, mixed into {@link CpuBackend}: the required convolution, pooling and
 * upsampling primitives of {@link Backend} and the whole {@link FusedNn} family (softmax aside,
 * which lives with the reductions in {@code CpuBackend}).
 */
interface CpuNn extends Backend, FusedNn {

    @Override
    default boolean reluBackwardFused(View gradOut, View out, View gradIn) {
        if (gradOut.dtype() != org.jgrad.tensor.DType.FLOAT32 || out.dtype() != org.jgrad.tensor.DType.FLOAT32
                || !CpuBackend.dense(gradOut) || !CpuBackend.dense(out) || !CpuBackend.dense(gradIn)) {
            return false;
        }
        CpuFloatKernels.reluBackward(CpuBackend.st(gradOut).f32(), gradOut.offset(), CpuBackend.st(out).f32(), out.offset(),
                CpuBackend.st(gradIn).f32(), gradIn.offset(), gradIn.numel());
        return true;
    }

    // One task per channel: each streams its N*S elements twice (statistics, then output).
    @Override
    default void batchNormForward(View x, View runningMean, View runningVar, View weight, View bias,
                                  boolean training, double momentum, double eps,
                                  View out, View saveMean, View saveInvStd) {
        int[] sh = x.shape();
        int n = sh[0], c = sh[1], s = sh[2];
        CpuStorage xs = CpuBackend.st(x), os = CpuBackend.st(out);
        CpuStorage ms = CpuBackend.st(saveMean), is = CpuBackend.st(saveInvStd);
        CpuStorage rm = runningMean == null ? null : CpuBackend.st(runningMean);
        CpuStorage rv = runningVar == null ? null : CpuBackend.st(runningVar);
        CpuStorage ws = weight == null ? null : CpuBackend.st(weight);
        CpuStorage bs = bias == null ? null : CpuBackend.st(bias);
        int xo = x.offset(), oo = out.offset();
        long m = (long) n * s;
        Parallel.forRange(c, 1, (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++) {
                double mean, invStd;
                if (training) {
                    double sum = 0;
                    for (int i = 0; i < n; i++) sum += rowSum(xs, xo + (i * c + ch) * s, s);
                    mean = sum / m;
                    double sq = 0; // two passes: no cancellation for large means
                    for (int i = 0; i < n; i++) sq += rowSquaredDeviation(xs, xo + (i * c + ch) * s, s, mean);
                    double var = sq / m;
                    invStd = 1 / Math.sqrt(var + eps);
                    if (rm != null) {
                        int ro = runningMean.offset() + ch * runningMean.strides()[0];
                        rm.set(ro, (1 - momentum) * rm.get(ro) + momentum * mean);
                    }
                    if (rv != null) {
                        int ro = runningVar.offset() + ch * runningVar.strides()[0];
                        double unbiased = m > 1 ? sq / (m - 1) : Double.NaN;
                        rv.set(ro, (1 - momentum) * rv.get(ro) + momentum * unbiased);
                    }
                } else {
                    mean = rm.get(runningMean.offset() + ch * runningMean.strides()[0]);
                    invStd = 1 / Math.sqrt(rv.get(runningVar.offset() + ch * runningVar.strides()[0]) + eps);
                }
                ms.set(saveMean.offset() + ch, mean);
                is.set(saveInvStd.offset() + ch, invStd);
                double w = ws == null ? 1 : ws.get(weight.offset() + ch * weight.strides()[0]);
                double b = bs == null ? 0 : bs.get(bias.offset() + ch * bias.strides()[0]);
                double scale = w * invStd, shift = b - mean * scale;
                for (int i = 0; i < n; i++) affineRow(xs, xo + (i * c + ch) * s, os, oo + (i * c + ch) * s, s, scale, shift);
            }
        });
    }

    @Override
    default void batchNormBackward(View gradOut, View x, View weight, View saveMean, View saveInvStd,
                                   boolean training, View gradInput, View gradWeight, View gradBias) {
        int[] sh = x.shape();
        int n = sh[0], c = sh[1], s = sh[2];
        CpuStorage gs = CpuBackend.st(gradOut), xs = CpuBackend.st(x);
        CpuStorage ms = CpuBackend.st(saveMean), is = CpuBackend.st(saveInvStd);
        CpuStorage ws = weight == null ? null : CpuBackend.st(weight);
        CpuStorage gi = gradInput == null ? null : CpuBackend.st(gradInput);
        CpuStorage gw = gradWeight == null ? null : CpuBackend.st(gradWeight);
        CpuStorage gb = gradBias == null ? null : CpuBackend.st(gradBias);
        int go = gradOut.offset(), xo = x.offset(), io = gradInput == null ? 0 : gradInput.offset();
        long m = (long) n * s;
        Parallel.forRange(c, 1, (lo, hi) -> {
            for (int ch = lo; ch < hi; ch++) {
                double mean = ms.get(saveMean.offset() + ch), invStd = is.get(saveInvStd.offset() + ch);
                double sumG = 0, sumGX = 0; // sum(g), sum(g * xhat)
                for (int i = 0; i < n; i++) {
                    int gbase = go + (i * c + ch) * s, xbase = xo + (i * c + ch) * s;
                    sumG += rowSum(gs, gbase, s);
                    sumGX += rowDot(gs, gbase, xs, xbase, s, mean) * invStd;
                }
                if (gw != null) gw.set(gradWeight.offset() + ch, sumGX);
                if (gb != null) gb.set(gradBias.offset() + ch, sumG);
                if (gi == null) continue;
                double w = ws == null ? 1 : ws.get(weight.offset() + ch * weight.strides()[0]);
                double k = w * invStd;
                // training: dx = w*invstd * (g - mean(g) - xhat * mean(g*xhat)); eval: dx = w*invstd*g
                double meanG = training ? sumG / m : 0, meanGX = training ? sumGX / m : 0;
                // dx = a*g + b*(x - mean) + d, the centring done first so a large mean cancels exactly
                double a = k, b = -k * meanGX * invStd, d = -k * meanG;
                for (int i = 0; i < n; i++) {
                    int gbase = go + (i * c + ch) * s, xbase = xo + (i * c + ch) * s, ibase = io + (i * c + ch) * s;
                    combineRow(gs, gbase, xs, xbase, gi, ibase, s, a, b, mean, d);
                }
            }
        });
    }

    /** t itself when contiguous, else a contiguous copy; close the result either way. */
    static Scratch dense(View t) {
        if (t.isContiguous()) return Scratch.borrowed(t);
        return CpuBackend.contiguousCopy(t);
    }

    @Override
    default void conv2dForward(View x, View w, View out, int[] stride, int[] padding, int[] dilation, int groups) {
        CpuConv.forward(x, w, out, stride, padding, dilation, groups);
    }

    @Override
    default void conv2dBackwardData(View gradOut, View w, View gradX, int[] stride, int[] padding, int[] dilation, int groups) {
        CpuConv.backwardData(gradOut, w, gradX, stride, padding, dilation, groups);
    }

    @Override
    default void conv2dBackwardFilter(View x, View gradOut, View gradW, int[] stride, int[] padding, int[] dilation, int groups) {
        CpuConv.backwardFilter(x, gradOut, gradW, stride, padding, dilation, groups);
    }

    @Override
    default void conv2dBiasAdd(View out, View bias) {
        CpuConv.addChannelBias(out, bias);
    }

    @Override
    default void conv2dBiasBackward(View gradOut, View gradBias) {
        CpuConv.channelBiasGrad(gradOut, gradBias);
    }

    @Override
    default void maxPool2dForward(View x, View out, View indices, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        CpuPool.maxForward(x, out, indices, kernel, stride, padding, dilation);
    }

    @Override
    default void maxPool2dBackward(View gradOut, View indices, View gradX) {
        CpuPool.maxBackward(gradOut, indices, gradX);
    }

    @Override
    default void avgPool2dForward(View x, View out, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        CpuPool.avgForward(x, out, kernel, stride, padding, countIncludePad);
    }

    @Override
    default void avgPool2dBackward(View gradOut, View gradX, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        CpuPool.avgBackward(gradOut, gradX, kernel, stride, padding, countIncludePad);
    }

    @Override
    default void upsampleNearest2dForward(View x, View out, float scaleH, float scaleW) {
        CpuPool.upsampleForward(x, out, scaleH, scaleW);
    }

    @Override
    default void upsampleNearest2dBackward(View gradOut, View gradX, float scaleH, float scaleW) {
        CpuPool.upsampleBackward(gradOut, gradX, scaleH, scaleW);
    }

    // Row helpers: float32 arrays take tight loops; other dtypes the generic path. The float32 sums
    // run eight double accumulators (element j into accumulator j % 8, combined pairwise in a fixed
    // order, then the tail in order): one chain of dependent double adds was latency bound. The
    // order is fixed, so results repeat run to run; it differs from a left-to-right sum.

    /** ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)): the fixed combination of the eight lanes. */
    private static double combine(double s0, double s1, double s2, double s3, double s4, double s5, double s6, double s7) {
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    private static double rowSum(CpuStorage st, int off, int len) {
        if (st.dtype() == org.jgrad.tensor.DType.FLOAT32) {
            float[] a = st.f32();
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int j = 0;
            for (; j <= len - 8; j += 8) {
                int o = off + j;
                s0 += a[o]; s1 += a[o + 1]; s2 += a[o + 2]; s3 += a[o + 3];
                s4 += a[o + 4]; s5 += a[o + 5]; s6 += a[o + 6]; s7 += a[o + 7];
            }
            double acc = combine(s0, s1, s2, s3, s4, s5, s6, s7);
            for (; j < len; j++) acc += a[off + j];
            return acc;
        }
        double acc = 0;
        for (int j = 0; j < len; j++) acc += st.get(off + j);
        return acc;
    }

    private static double rowSquaredDeviation(CpuStorage st, int off, int len, double mean) {
        double acc = 0;
        if (st.dtype() == org.jgrad.tensor.DType.FLOAT32) {
            float[] a = st.f32();
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int j = 0;
            for (; j <= len - 8; j += 8) {
                int o = off + j;
                double d0 = a[o] - mean, d1 = a[o + 1] - mean, d2 = a[o + 2] - mean, d3 = a[o + 3] - mean;
                double d4 = a[o + 4] - mean, d5 = a[o + 5] - mean, d6 = a[o + 6] - mean, d7 = a[o + 7] - mean;
                s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
                s4 += d4 * d4; s5 += d5 * d5; s6 += d6 * d6; s7 += d7 * d7;
            }
            acc = combine(s0, s1, s2, s3, s4, s5, s6, s7);
            for (; j < len; j++) {
                double d = a[off + j] - mean;
                acc += d * d;
            }
            return acc;
        }
        for (int j = 0; j < len; j++) {
            double d = st.get(off + j) - mean;
            acc += d * d;
        }
        return acc;
    }

    /** sum_j g[j] * (x[j] - mean). */
    private static double rowDot(CpuStorage g, int go, CpuStorage x, int xo, int len, double mean) {
        double acc = 0;
        if (g.dtype() == org.jgrad.tensor.DType.FLOAT32 && x.dtype() == org.jgrad.tensor.DType.FLOAT32) {
            float[] ga = g.f32(), xa = x.f32();
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int j = 0;
            for (; j <= len - 8; j += 8) {
                int a = go + j, b = xo + j;
                s0 += ga[a] * (xa[b] - mean); s1 += ga[a + 1] * (xa[b + 1] - mean);
                s2 += ga[a + 2] * (xa[b + 2] - mean); s3 += ga[a + 3] * (xa[b + 3] - mean);
                s4 += ga[a + 4] * (xa[b + 4] - mean); s5 += ga[a + 5] * (xa[b + 5] - mean);
                s6 += ga[a + 6] * (xa[b + 6] - mean); s7 += ga[a + 7] * (xa[b + 7] - mean);
            }
            acc = combine(s0, s1, s2, s3, s4, s5, s6, s7);
            for (; j < len; j++) acc += ga[go + j] * (xa[xo + j] - mean);
            return acc;
        }
        for (int j = 0; j < len; j++) acc += g.get(go + j) * (x.get(xo + j) - mean);
        return acc;
    }

    /** out[j] = x[j] * scale + shift. */
    private static void affineRow(CpuStorage x, int xo, CpuStorage out, int oo, int len, double scale, double shift) {
        if (x.dtype() == org.jgrad.tensor.DType.FLOAT32 && out.dtype() == org.jgrad.tensor.DType.FLOAT32) {
            float[] xa = x.f32(), oa = out.f32();
            float sc = (float) scale, sh = (float) shift;
            for (int j = 0; j < len; j++) oa[oo + j] = xa[xo + j] * sc + sh;
            return;
        }
        for (int j = 0; j < len; j++) out.set(oo + j, x.get(xo + j) * scale + shift);
    }

    /** out[j] = a * g[j] + b * (x[j] - mean) + d. */
    private static void combineRow(CpuStorage g, int go, CpuStorage x, int xo, CpuStorage out, int oo, int len,
                                   double a, double b, double mean, double d) {
        if (g.dtype() == org.jgrad.tensor.DType.FLOAT32 && x.dtype() == org.jgrad.tensor.DType.FLOAT32
                && out.dtype() == org.jgrad.tensor.DType.FLOAT32) {
            float[] ga = g.f32(), xa = x.f32(), oa = out.f32();
            float fa = (float) a, fb = (float) b, fm = (float) mean, fd = (float) d;
            for (int j = 0; j < len; j++) oa[oo + j] = fa * ga[go + j] + fb * (xa[xo + j] - fm) + fd;
            return;
        }
        for (int j = 0; j < len; j++) out.set(oo + j, a * g.get(go + j) + b * (x.get(xo + j) - mean) + d);
    }
}
