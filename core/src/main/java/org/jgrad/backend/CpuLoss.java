package org.jgrad.backend;

import org.jgrad.tensor.View;

/** The CPU's {@link FusedLoss} family, mixed into {@link CpuBackend}. */
interface CpuLoss extends FusedLoss {

    @Override
    default void softmaxCrossEntropyForward(View logits, View target, View weight, long ignoreIndex,
                                            View logProbs, View terms) {
        int[] sh = logits.shape();
        int n = sh[0], c = sh[1], s = sh[2];
        CpuStorage xs = CpuBackend.st(logits), lp = CpuBackend.st(logProbs), ts = CpuBackend.st(terms);
        long[] tg = CpuBackend.st(target).i64();
        double[] w = weights(weight, c);
        int xo = logits.offset(), lo0 = logProbs.offset(), to = target.offset(), oo = terms.offset();
        int plane = n * s;
        // validate first so that no partial result is left behind an error
        for (int i = 0; i < plane; i++) {
            long t = tg[to + i];
            if (t != ignoreIndex && (t < 0 || t >= c)) {
                throw new IndexOutOfBoundsException("cross_entropy: target " + t + " is out of bounds for " + c + " classes"
                        + " (at flat position " + i + "; valid targets are 0.." + (c - 1) + " or ignore_index " + ignoreIndex + ")");
            }
        }
        if (logits.dtype() == org.jgrad.tensor.DType.FLOAT32 && logProbs.dtype() == org.jgrad.tensor.DType.FLOAT32) {
            forwardF32(xs.f32(), xo, lp.f32(), lo0, tg, to, w, ignoreIndex, ts, oo, n, c, s);
            return;
        }
        Parallel.forRange(plane, Math.max(1, 4096 / Math.max(c, 1)), (a, b) -> {
            for (int r = a; r < b; r++) {
                int ni = r / s, si = r % s;
                int base = ni * c * s + si;
                double mx = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) mx = Math.max(mx, xs.get(xo + base + k * s));
                double sum = 0;
                for (int k = 0; k < c; k++) sum += Math.exp(xs.get(xo + base + k * s) - mx);
                double lse = mx + Math.log(sum);
                long t = tg[to + r];
                boolean ignored = t == ignoreIndex;
                double smooth = 0, nll = 0, wt = 0;
                for (int k = 0; k < c; k++) {
                    double v = xs.get(xo + base + k * s) - lse;
                    lp.set(lo0 + base + k * s, v);
                    smooth -= (w == null ? 1 : w[k]) * v;
                    if (k == t) {
                        wt = w == null ? 1 : w[k];
                        nll = -wt * v;
                    }
                }
                ts.set(oo + r, ignored ? 0 : nll);
                ts.set(oo + plane + r, ignored ? 0 : smooth);
                ts.set(oo + 2 * plane + r, ignored ? 0 : wt);
            }
        });
    }

    @Override
    default void softmaxCrossEntropyBackward(View gradTerms, View logProbs, View target, View weight, long ignoreIndex,
                                             View gradLogits) {
        int[] sh = logProbs.shape();
        int n = sh[0], c = sh[1], s = sh[2];
        CpuStorage gs = CpuBackend.st(gradTerms), lp = CpuBackend.st(logProbs), gl = CpuBackend.st(gradLogits);
        long[] tg = CpuBackend.st(target).i64();
        double[] w = weights(weight, c);
        double wSum = 0;
        for (int k = 0; k < c; k++) wSum += w == null ? 1 : w[k];
        final double totalW = wSum;
        int go = gradTerms.offset(), lo0 = logProbs.offset(), to = target.offset(), oo = gradLogits.offset();
        int plane = n * s;
        if (logProbs.dtype() == org.jgrad.tensor.DType.FLOAT32 && gradLogits.dtype() == org.jgrad.tensor.DType.FLOAT32) {
            float[] lpa = lp.f32(), gla = gl.f32();
            Parallel.forRange(plane, Math.max(1, 4096 / Math.max(c, 1)), (a, b) -> {
                for (int r = a; r < b; r++) {
                    int base = (r / s) * c * s + r % s;
                    long t = tg[to + r];
                    if (t == ignoreIndex) {
                        for (int k = 0; k < c; k++) gla[oo + base + k * s] = 0;
                        continue;
                    }
                    double g0 = gs.get(go + r), g1 = gs.get(go + plane + r);
                    double wt = w == null ? 1 : w[(int) t];
                    for (int k = 0; k < c; k++) {
                        double p = Math.exp(lpa[lo0 + base + k * s]);
                        double wk = w == null ? 1 : w[k];
                        gla[oo + base + k * s] = (float) (g0 * wt * (p - (k == t ? 1 : 0)) + g1 * (p * totalW - wk));
                    }
                }
            });
            return;
        }
        Parallel.forRange(plane, Math.max(1, 4096 / Math.max(c, 1)), (a, b) -> {
            for (int r = a; r < b; r++) {
                int ni = r / s, si = r % s;
                int base = ni * c * s + si;
                long t = tg[to + r];
                if (t == ignoreIndex) {
                    for (int k = 0; k < c; k++) gl.set(oo + base + k * s, 0);
                    continue;
                }
                double g0 = gs.get(go + r), g1 = gs.get(go + plane + r);
                double wt = w == null ? 1 : w[(int) t];
                for (int k = 0; k < c; k++) {
                    double p = Math.exp(lp.get(lo0 + base + k * s));
                    double wk = w == null ? 1 : w[k];
                    double v = g0 * wt * (p - (k == t ? 1 : 0)) + g1 * (p * totalW - wk);
                    gl.set(oo + base + k * s, v);
                }
            }
        });
    }

    /** The float32 forward: the same arithmetic (in double) on the raw arrays. */
    private static void forwardF32(float[] x, int xo, float[] lp, int lo0, long[] tg, int to, double[] w, long ignoreIndex,
                                   CpuStorage ts, int oo, int n, int c, int s) {
        int plane = n * s;
        Parallel.forRange(plane, Math.max(1, 4096 / Math.max(c, 1)), (a, b) -> {
            for (int r = a; r < b; r++) {
                int base = (r / s) * c * s + r % s;
                double mx = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) mx = Math.max(mx, x[xo + base + k * s]);
                double sum = 0;
                for (int k = 0; k < c; k++) sum += Math.exp(x[xo + base + k * s] - mx);
                double lse = mx + Math.log(sum);
                long t = tg[to + r];
                double smooth = 0, nll = 0, wt = 0;
                for (int k = 0; k < c; k++) {
                    double v = x[xo + base + k * s] - lse;
                    lp[lo0 + base + k * s] = (float) v;
                    smooth -= (w == null ? 1 : w[k]) * v;
                    if (k == t) {
                        wt = w == null ? 1 : w[k];
                        nll = -wt * v;
                    }
                }
                boolean ignored = t == ignoreIndex;
                ts.set(oo + r, ignored ? 0 : nll);
                ts.set(oo + plane + r, ignored ? 0 : smooth);
                ts.set(oo + 2 * plane + r, ignored ? 0 : wt);
            }
        });
    }

    private static double[] weights(View weight, int c) {
        if (weight == null) return null;
        CpuStorage ws = CpuBackend.st(weight);
        double[] w = new double[c];
        for (int k = 0; k < c; k++) w[k] = ws.get(weight.offset() + k * weight.strides()[0]);
        return w;
    }
}
