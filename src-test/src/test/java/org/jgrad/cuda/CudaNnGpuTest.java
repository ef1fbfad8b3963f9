package org.jgrad.cuda;

import org.jgrad.backend.Backends;
import org.jgrad.backend.Backend;
import org.jgrad.ops.Concat;
import org.jgrad.ops.Convolution;
import org.jgrad.ops.Normalization;
import org.jgrad.ops.Pooling;
import org.jgrad.ops.Upsample;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.jgrad.cuda.GpuSupport.assertClose;
import static org.jgrad.cuda.GpuSupport.onGpu;
import static org.jgrad.cuda.GpuSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layer kernels of nn.ptx on a real GPU against the CPU backend, on fresh random inputs
 * at U-Net sizes (16 x 32 x 128 x 128 and its pooled / upsampled neighbours) and on awkward
 * ones, then a conv - batch norm - ReLU - pool - upsample - cat block through the ops with
 * autograd, which must copy nothing to the host.
 *
 * <p>Exact where the kernels reproduce the CPU's float operations in order (max-pool forward,
 * average pooling, upsampling, ReLU). The max-pool backward adds with atomics (any order) and
 * batch norm / the bias gradient sum in f64 in another order: relative tolerances of a few
 * float32 ulps there.
 */
@Tag("gpu")
class CudaNnGpuTest {
    private final Random rng = new Random(29);
    private final org.jgrad.backend.CpuBackend cpu = org.jgrad.backend.CpuBackend.INSTANCE; // the concrete type: the fused families are not on Backend

    private static Tensor emptyGpu(DType dt, int... shape) { return Tensor.empty(dt, GpuSupport.cuda(), shape); }

    private static Tensor emptyCpu(DType dt, int... shape) { return Tensor.empty(dt, Device.cpu(), shape); }

    private static int numel(int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    @Test
    void maxPoolAtUNetSize() {
        CudaBackend be = GpuSupport.backend();
        int[] xs = {16, 32, 128, 128};
        float[] x = random(rng, numel(xs));
        checkMaxPool(be, x, xs, new int[]{16, 32, 64, 64}, new int[]{2, 2}, new int[]{2, 2}, new int[]{0, 0}, new int[]{1, 1});
        // overlapping windows with padding: repeats in the backward
        checkMaxPool(be, x, xs, new int[]{16, 32, 64, 64}, new int[]{3, 3}, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1});
        int[] odd = {3, 5, 37, 29};
        float[] y = random(rng, numel(odd));
        for (int i = 0; i < y.length; i += 97) y[i] = Float.NaN;
        checkMaxPool(be, y, odd, new int[]{3, 5, 13, 14}, new int[]{3, 2}, new int[]{3, 2}, new int[]{1, 1}, new int[]{2, 1});
    }

    private void checkMaxPool(CudaBackend be, float[] x, int[] xs, int[] os, int[] k, int[] s, int[] p, int[] d) {
        Tensor xc = Tensor.fromArray(x, xs), xg = onGpu(x, xs);
        Tensor oc = emptyCpu(DType.FLOAT32, os), ic = emptyCpu(DType.INT64, os);
        Tensor og = emptyGpu(DType.FLOAT32, os), ig = emptyGpu(DType.INT64, os);
        float[] g = random(rng, numel(os));
        Tensor gxc = emptyCpu(DType.FLOAT32, xs), gxg = emptyGpu(DType.FLOAT32, xs);
        long copies = be.deviceToHostCopies();
        cpu.maxPool2dForward(xc.raw(), oc.raw(), ic.raw(), k, s, p, d);
        be.maxPool2dForward(xg.raw(), og.raw(), ig.raw(), k, s, p, d);
        cpu.maxPool2dBackward(Tensor.fromArray(g, os).raw(), ic.raw(), gxc.raw());
        be.maxPool2dBackward(onGpu(g, os).raw(), ig.raw(), gxg.raw());
        assertEquals(copies, be.deviceToHostCopies(), "max pool copied to the host");
        assertArrayEquals(oc.toFloatArray(), og.toFloatArray(), "max pool values");
        assertArrayEquals(ic.toLongArray(), ig.toLongArray(), "max pool indices");
        assertClose(gxc.toFloatArray(), gxg.toFloatArray(), 1e-6, "max pool gradX");
    }

    @Test
    void avgPoolAndUpsampleAreExact() {
        CudaBackend be = GpuSupport.backend();
        int[] xs = {16, 32, 64, 64};
        float[] x = random(rng, numel(xs));
        for (boolean include : new boolean[]{true, false}) {
            int[] os = {16, 32, 33, 22};
            int[] k = {3, 4}, s = {2, 3}, p = {1, 2};
            Tensor oc = emptyCpu(DType.FLOAT32, os), og = emptyGpu(DType.FLOAT32, os);
            cpu.avgPool2dForward(Tensor.fromArray(x, xs).raw(), oc.raw(), k, s, p, include);
            be.avgPool2dForward(onGpu(x, xs).raw(), og.raw(), k, s, p, include);
            assertArrayEquals(oc.toFloatArray(), og.toFloatArray(), "avg pool forward, countIncludePad " + include);
            float[] g = random(rng, numel(os));
            Tensor gc = emptyCpu(DType.FLOAT32, xs), gg = emptyGpu(DType.FLOAT32, xs);
            cpu.avgPool2dBackward(Tensor.fromArray(g, os).raw(), gc.raw(), k, s, p, include);
            be.avgPool2dBackward(onGpu(g, os).raw(), gg.raw(), k, s, p, include);
            assertArrayEquals(gc.toFloatArray(), gg.toFloatArray(), "avg pool backward, countIncludePad " + include);
        }
        // U-Net decoder: 64 -> 128 by factor 2, and an awkward size
        int[][] outs = {{128, 128}, {97, 71}};
        for (int[] o : outs) {
            float sh = o[0] == 128 ? 0.5f : (float) xs[2] / o[0], sw = o[1] == 128 ? 0.5f : (float) xs[3] / o[1];
            int[] os = {16, 32, o[0], o[1]};
            Tensor oc = emptyCpu(DType.FLOAT32, os), og = emptyGpu(DType.FLOAT32, os);
            cpu.upsampleNearest2dForward(Tensor.fromArray(x, xs).raw(), oc.raw(), sh, sw);
            be.upsampleNearest2dForward(onGpu(x, xs).transpose(2, 3).contiguous().transpose(2, 3).raw(), og.raw(), sh, sw);
            assertArrayEquals(oc.toFloatArray(), og.toFloatArray(), "upsample forward to " + o[0] + "x" + o[1]);
            float[] g = random(rng, numel(os));
            Tensor gc = emptyCpu(DType.FLOAT32, xs), gg = emptyGpu(DType.FLOAT32, xs);
            cpu.upsampleNearest2dBackward(Tensor.fromArray(g, os).raw(), gc.raw(), sh, sw);
            be.upsampleNearest2dBackward(onGpu(g, os).raw(), gg.raw(), sh, sw);
            assertArrayEquals(gc.toFloatArray(), gg.toFloatArray(), "upsample backward from " + o[0] + "x" + o[1]);
        }
    }

    @Test
    void batchNormAtUNetSize() {
        CudaBackend be = GpuSupport.backend();
        checkBatchNorm(be, 16, 32, 128 * 128, 0f, true);
        checkBatchNorm(be, 16, 32, 128 * 128, 50f, true);   // an offset mean: the sums must not cancel
        checkBatchNorm(be, 256, 10, 1, 0f, true);           // [N, C] (BatchNorm1d)
        checkBatchNorm(be, 5, 7, 33 * 31, 0f, false);       // eval
    }

    private void checkBatchNorm(CudaBackend be, int n, int c, int s, float offset, boolean training) {
        float[] x = random(rng, n * c * s);
        for (int i = 0; i < x.length; i++) x[i] = x[i] * 3 + offset;
        float[] w = random(rng, c), b = random(rng, c), rm = random(rng, c), rv = random(rng, c);
        for (int i = 0; i < c; i++) { rv[i] = Math.abs(rv[i]) + 0.5f; rm[i] += offset; }
        Tensor rmc = Tensor.fromArray(rm, c), rvc = Tensor.fromArray(rv, c), rmg = onGpu(rm, c), rvg = onGpu(rv, c);
        Tensor xc = Tensor.fromArray(x, n, c, s), xg = onGpu(x, n, c, s);
        Tensor oc = emptyCpu(DType.FLOAT32, n, c, s), og = emptyGpu(DType.FLOAT32, n, c, s);
        Tensor smc = emptyCpu(DType.FLOAT32, c), sic = emptyCpu(DType.FLOAT32, c), smg = emptyGpu(DType.FLOAT32, c), sig = emptyGpu(DType.FLOAT32, c);
        cpu.batchNormForward(xc.raw(), rmc.raw(), rvc.raw(), Tensor.fromArray(w, c).raw(), Tensor.fromArray(b, c).raw(), training, 0.1, 1e-5, oc.raw(), smc.raw(), sic.raw());
        be.batchNormForward(xg.raw(), rmg.raw(), rvg.raw(), onGpu(w, c).raw(), onGpu(b, c).raw(), training, 0.1, 1e-5, og.raw(), smg.raw(), sig.raw());
        float[] g = random(rng, n * c * s);
        Tensor gic = emptyCpu(DType.FLOAT32, n, c, s), gwc = emptyCpu(DType.FLOAT32, c), gbc = emptyCpu(DType.FLOAT32, c);
        Tensor gig = emptyGpu(DType.FLOAT32, n, c, s), gwg = emptyGpu(DType.FLOAT32, c), gbg = emptyGpu(DType.FLOAT32, c);
        cpu.batchNormBackward(Tensor.fromArray(g, n, c, s).raw(), xc.raw(), Tensor.fromArray(w, c).raw(), smc.raw(), sic.raw(), training, gic.raw(), gwc.raw(), gbc.raw());
        be.batchNormBackward(onGpu(g, n, c, s).raw(), xg.raw(), onGpu(w, c).raw(), smg.raw(), sig.raw(), training, gig.raw(), gwg.raw(), gbg.raw());
        String what = "batch norm [" + n + ", " + c + ", " + s + "] offset " + offset + (training ? " training" : " eval");
        assertClose(smc.toFloatArray(), smg.toFloatArray(), 1e-6, what + ": saveMean");
        assertClose(sic.toFloatArray(), sig.toFloatArray(), 1e-6, what + ": saveInvStd");
        assertClose(rmc.toFloatArray(), rmg.toFloatArray(), 1e-6, what + ": runningMean");
        assertClose(rvc.toFloatArray(), rvg.toFloatArray(), 1e-6, what + ": runningVar");
        // an ulp of scale or shift moves out by a few ulps of |x * scale| + |shift| (about |offset| / 3 + 3 here)
        assertClose(oc.toFloatArray(), og.toFloatArray(), 1e-6 * (Math.abs(offset) + 3), what + ": out");
        assertClose(gwc.toFloatArray(), gwg.toFloatArray(), 1e-5, what + ": gradWeight");
        assertClose(gbc.toFloatArray(), gbg.toFloatArray(), 1e-5, what + ": gradBias");
        assertClose(gic.toFloatArray(), gig.toFloatArray(), 1e-5, what + ": gradInput");
    }

    @Test
    void biasGradientAndFusedReluBackward() {
        CudaBackend be = GpuSupport.backend();
        int[] shape = {16, 32, 128, 128};
        float[] g = random(rng, numel(shape));
        Tensor gbc = emptyCpu(DType.FLOAT32, 32), gbg = emptyGpu(DType.FLOAT32, 32);
        cpu.conv2dBiasBackward(Tensor.fromArray(g, shape).raw(), gbc.raw());
        be.conv2dBiasBackward(onGpu(g, shape).raw(), gbg.raw());
        // the CPU sums in float32 vector lanes within rows, the kernel in f64: compare both with an exact-ish f64 sum
        float[] got = gbg.toFloatArray(), viaCpu = gbc.toFloatArray();
        int plane = 128 * 128;
        for (int ch = 0; ch < 32; ch++) {
            double exact = 0;
            for (int i = 0; i < 16; i++) for (int q = 0; q < plane; q++) exact += g[(i * 32 + ch) * plane + q];
            assertEquals(exact, got[ch], Math.ulp((float) exact), "bias gradient channel " + ch + " (f64 sum rounded once)");
            assertEquals(exact, viaCpu[ch], 1e-5 * Math.sqrt(16.0 * plane), "CPU bias gradient channel " + ch);
        }
        float[] out = random(rng, g.length);
        for (int i = 0; i < out.length; i += 5) out[i] = 0;
        for (int i = 0; i < g.length; i += 1001) g[i] = Float.NaN;
        Tensor ric = emptyCpu(DType.FLOAT32, shape), rig = emptyGpu(DType.FLOAT32, shape);
        assertTrue(cpu.reluBackwardFused(Tensor.fromArray(g, shape).raw(), Tensor.fromArray(out, shape).raw(), ric.raw()));
        assertTrue(be.reluBackwardFused(onGpu(g, shape).raw(), onGpu(out, shape).raw(), rig.raw()));
        float[] e = ric.toFloatArray(), a = rig.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            if (Float.floatToIntBits(e[i]) != Float.floatToIntBits(a[i])) {
                throw new AssertionError("relu backward element " + i + ": expected " + e[i] + " got " + a[i]);
            }
        }
    }

    /** conv - batch norm - ReLU - max pool - upsample - cat, forward and backward through the ops, on both devices. */
    @Test
    void uNetBlockTrainsOnTheGpuWithoutHostCopies() {
        Device gpu = GpuSupport.cuda();
        CudaBackend be = GpuSupport.backend();
        int n = 4, cin = 3, c = 8, h = 34, w = 30;
        float[] x = random(rng, n * cin * h * w), k = random(rng, c * cin * 9), bias = random(rng, c);
        float[] gamma = random(rng, c), beta = random(rng, c), gOut = random(rng, n * 2 * c * h * w);
        Tensor[] onCpu = block(Device.cpu(), x, k, bias, gamma, beta, gOut, n, cin, c, h, w, -1);
        long copies = be.deviceToHostCopies();
        Tensor[] onGpu = block(gpu, x, k, bias, gamma, beta, gOut, n, cin, c, h, w, copies);
        String[] names = {"out", "x.grad", "w.grad", "bias.grad", "gamma.grad", "beta.grad", "runningMean", "runningVar"};
        for (int i = 0; i < names.length; i++) {
            assertClose(onCpu[i].toFloatArray(), onGpu[i].toFloatArray(), 2e-4, "U-Net block " + names[i]);
        }
    }

    private Tensor[] block(Device dev, float[] x, float[] k, float[] bias, float[] gamma, float[] beta, float[] gOut,
                           int n, int cin, int c, int h, int w, long copiesBefore) {
        Tensor xt = Tensor.fromArray(x, n, cin, h, w).to(dev).requiresGrad(true);
        Tensor kt = Tensor.fromArray(k, c, cin, 3, 3).to(dev).requiresGrad(true);
        Tensor bt = Tensor.fromArray(bias, c).to(dev).requiresGrad(true);
        Tensor gt = Tensor.fromArray(gamma, c).to(dev).requiresGrad(true);
        Tensor betat = Tensor.fromArray(beta, c).to(dev).requiresGrad(true);
        Tensor rm = Tensor.zeros(DType.FLOAT32, dev, c), rv = Tensor.ones(DType.FLOAT32, dev, c);
        Tensor go = Tensor.fromArray(gOut, n, 2 * c, h, w).to(dev);
        Tensor conv = Convolution.conv2d(xt, kt, bt, 1, 1);
        Tensor act = Normalization.batchNorm(conv, rm, rv, gt, betat, true, 0.1, 1e-5).relu();
        Tensor pooled = Pooling.maxPool2d(act, 2);
        Tensor up = Upsample.nearest2d(pooled, 2.0, 2.0);
        Tensor out = Concat.cat(1, up, act);
        out.backward(go);
        if (copiesBefore >= 0) {
            assertEquals(copiesBefore, ((CudaBackend) Backends.of(dev)).deviceToHostCopies(), "the block's forward and backward copied to the host");
        }
        return new Tensor[]{out, xt.grad(), kt.grad(), bt.grad(), gt.grad(), betat.grad(), rm, rv};
    }
}
