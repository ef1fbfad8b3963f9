package org.jgrad.cuda;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.jgrad.cuda.GpuSupport.assertClose;
import static org.jgrad.cuda.GpuSupport.onGpu;
import static org.jgrad.cuda.GpuSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** cuDNN convolutions against a naive Java reference, over strides, padding, dilation and groups. */
@Tag("gpu")
class CudaConvGpuTest {
    private final Random rng = new Random(5);

    /** y[n,k,p,q] = sum_{c in group, r, s} x[n, c, p*sh - ph + r*dh, q*sw - pw + s*dw] * w[k, c - g*Cg, r, s]. */
    static float[] forward(ConvGeometry g, float[] x, float[] w) {
        int P = g.outH(), Q = g.outW(), Cg = g.c() / g.groups(), Kg = g.k() / g.groups();
        float[] y = new float[g.n() * g.k() * P * Q];
        for (int n = 0; n < g.n(); n++)
            for (int k = 0; k < g.k(); k++)
                for (int p = 0; p < P; p++)
                    for (int q = 0; q < Q; q++) {
                        double acc = 0;
                        int grp = k / Kg;
                        for (int cc = 0; cc < Cg; cc++)
                            for (int r = 0; r < g.r(); r++)
                                for (int s = 0; s < g.s(); s++) {
                                    int h = p * g.stride()[0] - g.pad()[0] + r * g.dilation()[0];
                                    int ww = q * g.stride()[1] - g.pad()[1] + s * g.dilation()[1];
                                    if (h < 0 || h >= g.h() || ww < 0 || ww >= g.w()) continue;
                                    int c = grp * Cg + cc;
                                    acc += x[((n * g.c() + c) * g.h() + h) * g.w() + ww] * w[((k * Cg + cc) * g.r() + r) * g.s() + s];
                                }
                        y[((n * g.k() + k) * P + p) * Q + q] = (float) acc;
                    }
        return y;
    }

    /** dx and dw by scattering through the same index relation. */
    static float[][] backward(ConvGeometry g, float[] x, float[] w, float[] dy) {
        int P = g.outH(), Q = g.outW(), Cg = g.c() / g.groups(), Kg = g.k() / g.groups();
        double[] dx = new double[x.length], dw = new double[w.length];
        for (int n = 0; n < g.n(); n++)
            for (int k = 0; k < g.k(); k++)
                for (int p = 0; p < P; p++)
                    for (int q = 0; q < Q; q++) {
                        float gy = dy[((n * g.k() + k) * P + p) * Q + q];
                        int grp = k / Kg;
                        for (int cc = 0; cc < Cg; cc++)
                            for (int r = 0; r < g.r(); r++)
                                for (int s = 0; s < g.s(); s++) {
                                    int h = p * g.stride()[0] - g.pad()[0] + r * g.dilation()[0];
                                    int ww = q * g.stride()[1] - g.pad()[1] + s * g.dilation()[1];
                                    if (h < 0 || h >= g.h() || ww < 0 || ww >= g.w()) continue;
                                    int c = grp * Cg + cc;
                                    int xi = ((n * g.c() + c) * g.h() + h) * g.w() + ww, wi = ((k * Cg + cc) * g.r() + r) * g.s() + s;
                                    dx[xi] += gy * w[wi];
                                    dw[wi] += gy * x[xi];
                                }
                    }
        float[] fx = new float[dx.length], fw = new float[dw.length];
        for (int i = 0; i < dx.length; i++) fx[i] = (float) dx[i];
        for (int i = 0; i < dw.length; i++) fw[i] = (float) dw[i];
        return new float[][] {fx, fw};
    }

    private void check(int[] xs, int[] ws, int[] stride, int[] pad, int[] dil, int groups) {
        CudaBackend be = GpuSupport.backend();
        ConvGeometry g = ConvGeometry.of(xs, ws, stride, pad, dil, groups);
        float[] x = random(rng, g.n() * g.c() * g.h() * g.w()), w = random(rng, ws[0] * ws[1] * ws[2] * ws[3]);
        int[] ys = g.outputShape();
        float[] dy = random(rng, ys[0] * ys[1] * ys[2] * ys[3]);
        String what = g.toString();
        Tensor xg = onGpu(x, xs), wg = onGpu(w, ws), dyg = onGpu(dy, ys);
        Tensor y = Tensor.empty(DType.FLOAT32, xg.device(), ys);
        be.conv2dForward(xg.raw(), wg.raw(), y.raw(), stride, pad, dil, groups);
        assertClose(forward(g, x, w), y.toFloatArray(), 1e-4, what + " forward");
        float[][] ref = backward(g, x, w, dy);
        Tensor dx = Tensor.empty(DType.FLOAT32, xg.device(), xs), dw = Tensor.empty(DType.FLOAT32, xg.device(), ws);
        be.conv2dBackwardData(dyg.raw(), wg.raw(), dx.raw(), stride, pad, dil, groups);
        be.conv2dBackwardFilter(xg.raw(), dyg.raw(), dw.raw(), stride, pad, dil, groups);
        assertClose(ref[0], dx.toFloatArray(), 1e-4, what + " backward data");
        assertClose(ref[1], dw.toFloatArray(), 1e-3, what + " backward filter");
    }

    @Test
    void forwardAndBackwardMatchTheReference() {
        check(new int[] {2, 3, 9, 11}, new int[] {4, 3, 3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1);
        check(new int[] {3, 4, 10, 7}, new int[] {6, 4, 3, 2}, new int[] {2, 1}, new int[] {0, 1}, new int[] {1, 1}, 1);
        check(new int[] {1, 2, 13, 13}, new int[] {5, 2, 3, 3}, new int[] {1, 2}, new int[] {2, 2}, new int[] {2, 2}, 1);
        check(new int[] {2, 6, 8, 8}, new int[] {4, 3, 3, 3}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 2);
        check(new int[] {2, 8, 7, 9}, new int[] {8, 1, 3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, 8); // depthwise
        check(new int[] {1, 1, 5, 5}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1);
    }

    @Test
    void plansAreCachedPerShapeAndBiasAddBroadcasts() {
        CudaBackend be = GpuSupport.backend();
        int before = be.convPlanCount();
        int[] xs = {2, 3, 6, 6}, ws = {4, 3, 3, 3}, one = {1, 1}, zero = {0, 0};
        Tensor x = onGpu(random(rng, 2 * 3 * 36), xs), w = onGpu(random(rng, 4 * 27), ws);
        Tensor y = Tensor.empty(DType.FLOAT32, x.device(), 2, 4, 4, 4);
        for (int i = 0; i < 5; i++) be.conv2dForward(x.raw(), w.raw(), y.raw(), one, zero, one, 1);
        assertEquals(before + 1, be.convPlanCount(), "one plan for five calls of one shape");
        float[] bias = {1, 2, 3, 4};
        float[] plain = y.toFloatArray();
        be.conv2dBiasAdd(y.raw(), onGpu(bias, 4).raw());
        float[] biased = y.toFloatArray();
        for (int i = 0; i < plain.length; i++) assertEquals(plain[i] + bias[(i / 16) % 4], biased[i], 1e-5);
    }
}
