package org.jgrad.cuda;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Storage;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layer primitives of {@link CudaBackend} (nn.ptx through {@link CudaNn}) on the simulated
 * device against the CPU backend, the reference: pooling, nearest upsampling, batch norm, the
 * conv bias gradient and ReLU's fused backward, on small awkward shapes (odd sizes, stride
 * above the kernel, padding, dilation, windows hanging over the edge, N = 1, strided views of
 * inputs and outputs, empty tensors). Both backends get the same logical input: the same
 * values in storages of the same layout, viewed with the same shape, strides and offset.
 *
 * <p>Where the kernel reproduces the CPU's order of float operations (max pooling, average
 * pooling both ways, upsampling both ways, ReLU) results must be equal bit for bit. The
 * max-pool backward adds with atomics, whose order a GPU does not fix, and batch norm and the
 * bias gradient sum in f64 in another order than the CPU: those get tolerances of a few
 * float32 ulps of the magnitudes involved.
 */
class CudaNnSimTest extends SimulatedBackendTest {
    CudaNnSimTest() {
        super(71, 32 << 20);
    }

    // ------------------------------------------------------------------ operands

    /** The same data on both backends, viewed alike. */
    private record Pair(Tensor cpu, Tensor sim) {}

    private Pair pair(float[] data, int[] shape, int[] strides, int offset) {
        // the host tensor stays reachable until the view holds its storage: else the Cleaner may free it first
        try (Tensor host = Tensor.fromArray(data, data.length)) {
            Storage s = gpu.fromHost(data, DType.FLOAT32);
            return new Pair(new Tensor(host.storage(), shape, strides, offset), new Tensor(s, shape, strides, offset));
        }
    }

    private Pair dense(float[] data, int... shape) { return pair(data, shape, contiguousStrides(shape), 0); }

    /** A view of shape {@code shape} whose last two dims are transposed in memory and which starts 3 elements in. */
    private Pair transposed(int[] shape) {
        int r = shape.length;
        int[] mem = shape.clone();
        mem[r - 1] = shape[r - 2];
        mem[r - 2] = shape[r - 1];
        int[] ms = contiguousStrides(mem);
        int[] st = ms.clone();
        st[r - 1] = ms[r - 2];
        st[r - 2] = ms[r - 1];
        int n = numel(shape);
        return pair(random(n + 3), shape, st, 3);
    }

    private Pair empty(DType dt, int... shape) {
        return new Pair(Tensor.empty(dt, Device.cpu(), shape), new Tensor(gpu.allocate(dt, numel(shape)), shape));
    }

    /**
     * An output the device sees as a view with a gap after every row (not contiguous, garbage
     * around it); the CPU reference gets a contiguous one, the primitives' contract for it.
     */
    private Pair gappedOutput(int... shape) {
        Pair g = gapped(shape);
        return new Pair(Tensor.empty(DType.FLOAT32, Device.cpu(), shape), g.sim());
    }

    private Pair gapped(int... shape) {
        int r = shape.length;
        int[] st = new int[r];
        int s = 1;
        for (int d = r - 1; d >= 0; d--) {
            st[d] = s;
            s *= d == r - 1 ? shape[d] + 2 : shape[d];
        }
        float[] junk = new float[s + 1];
        Arrays.fill(junk, 12345f);
        return pair(junk, shape, st, 1);
    }

    private static int[] contiguousStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) { st[d] = s; s *= shape[d]; }
        return st;
    }

    private float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextFloat() * 4 - 2;
        return v;
    }

    /** Values from a small set, so windows have ties (the first maximum must win). */
    private float[] coarse(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextInt(5) - 2;
        return v;
    }

    private float[] simFloats(Tensor t) {
        float[] out = new float[t.numel()];
        gpu.toHost(t.raw(), out);
        return out;
    }

    private long[] simLongs(Tensor t) {
        long[] out = new long[t.numel()];
        gpu.toHost(t.raw(), out);
        return out;
    }

    private static void assertClose(float[] expected, float[] actual, double rel, double abs, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) && Float.isNaN(a)) continue;
            if (!(Math.abs(e - a) <= abs + rel * Math.abs(e))) {
                throw new AssertionError(what + ": element " + i + " expected " + e + " got " + a + " (rel " + rel + ", abs " + abs + ")");
            }
        }
    }

    // ------------------------------------------------------------------ max pooling

    private void checkMaxPool(Pair x, int[] outShape, int[] k, int[] s, int[] p, int[] d, String what) {
        Pair out = empty(DType.FLOAT32, outShape), idx = empty(DType.INT64, outShape);
        long copies = gpu.deviceToHostCopies();
        cpu.maxPool2dForward(x.cpu().raw(), out.cpu().raw(), idx.cpu().raw(), k, s, p, d);
        gpu.maxPool2dForward(x.sim().raw(), out.sim().raw(), idx.sim().raw(), k, s, p, d);
        // backward from a fresh gradient, into a gapped (non-contiguous) gradX
        Pair g = transposed(outShape);
        Pair gx = gappedOutput(x.cpu().shape());
        cpu.maxPool2dBackward(g.cpu().raw(), idx.cpu().raw(), gx.cpu().raw());
        gpu.maxPool2dBackward(g.sim().raw(), idx.sim().raw(), gx.sim().raw());
        assertEquals(copies, gpu.deviceToHostCopies(), what + ": the primitives copied to the host");
        assertArrayEquals(out.cpu().toFloatArray(), simFloats(out.sim()), what + ": values");
        assertArrayEquals(idx.cpu().toLongArray(), simLongs(idx.sim()), what + ": indices");
        // atomics: the GPU may add repeats in any order
        assertClose(gx.cpu().toFloatArray(), simFloats(gx.sim()), 1e-6, 1e-6, what + ": gradX");
        float[] whole = simFloats(new Tensor(gx.sim().storage(), (int) gx.sim().storage().numel()));
        assertEquals(12345f, whole[0], what + ": the gap before gradX was written");
    }

    @Test
    void maxPoolWithPaddingDilationAndStrideAboveKernel() {
        int[] shape = {1, 3, 7, 9};
        Pair x = dense(coarse(numel(shape)), shape);
        checkMaxPool(x, new int[]{1, 3, 4, 3}, new int[]{3, 2}, new int[]{2, 3}, new int[]{1, 1}, new int[]{1, 2}, "pad + dilation");
        checkMaxPool(x, new int[]{1, 3, 2, 2}, new int[]{2, 2}, new int[]{4, 5}, new int[]{0, 0}, new int[]{1, 1}, "stride > kernel");
        // ceil-mode shape: the last window hangs over the bottom/right edge
        checkMaxPool(x, new int[]{1, 3, 4, 5}, new int[]{2, 2}, new int[]{2, 2}, new int[]{0, 0}, new int[]{1, 1}, "ceil-mode windows");
        checkMaxPool(x, new int[]{1, 3, 3, 4}, new int[]{3, 3}, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1}, "3x3 s2 p1");
        // windows wholly in the padding (the primitive allows it; the op does not): -inf and index -1, no gradient
        checkMaxPool(x, new int[]{1, 3, 5, 6}, new int[]{1, 1}, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1}, "padding-only windows");
    }

    @Test
    void maxPoolOnStridedInputWithNaNsAndInfinities() {
        int[] shape = {2, 3, 5, 6};
        Pair x = transposed(shape);
        // poison a few values through the CPU view and the same spots on the device
        float[] data = readAll(x.cpu());
        data[3 + 4] = Float.NaN;
        data[3 + 17] = Float.NEGATIVE_INFINITY;
        data[3 + 40] = Float.POSITIVE_INFINITY;
        data[3 + 41] = Float.NaN;
        Pair poisoned = pair(data, shape, x.cpu().strides(), 3);
        checkMaxPool(poisoned, new int[]{2, 3, 3, 3}, new int[]{2, 2}, new int[]{2, 2}, new int[]{1, 0}, new int[]{1, 1}, "NaN strided");
        checkMaxPool(poisoned, new int[]{2, 3, 2, 5}, new int[]{3, 2}, new int[]{2, 1}, new int[]{0, 1}, new int[]{1, 1}, "NaN overlapping");
    }

    private static float[] readAll(Tensor cpuView) {
        Tensor whole = new Tensor(cpuView.storage(), (int) cpuView.storage().numel());
        return whole.toFloatArray();
    }

    // ------------------------------------------------------------------ average pooling

    private void checkAvgPool(Pair x, int[] outShape, int[] k, int[] s, int[] p, boolean include, String what) {
        Pair out = empty(DType.FLOAT32, outShape);
        cpu.avgPool2dForward(x.cpu().raw(), out.cpu().raw(), k, s, p, include);
        gpu.avgPool2dForward(x.sim().raw(), out.sim().raw(), k, s, p, include);
        assertArrayEquals(out.cpu().toFloatArray(), simFloats(out.sim()), what + ": forward");
        Pair g = transposed(outShape);
        Pair gx = empty(DType.FLOAT32, x.cpu().shape());
        cpu.avgPool2dBackward(g.cpu().raw(), gx.cpu().raw(), k, s, p, include);
        gpu.avgPool2dBackward(g.sim().raw(), gx.sim().raw(), k, s, p, include);
        assertArrayEquals(gx.cpu().toFloatArray(), simFloats(gx.sim()), what + ": backward");
    }

    @Test
    void avgPoolDivisorsMatchTheCpuBitForBit() {
        int[] shape = {1, 3, 7, 9};
        Pair x = transposed(shape);
        for (boolean include : new boolean[]{true, false}) {
            checkAvgPool(x, new int[]{1, 3, 4, 5}, new int[]{3, 3}, new int[]{2, 2}, new int[]{1, 1}, include, "3x3 s2 p1 " + include);
            checkAvgPool(x, new int[]{1, 3, 2, 2}, new int[]{2, 3}, new int[]{4, 5}, new int[]{1, 1}, include, "stride > kernel " + include);
            // ceil-mode windows: past the padding too (divisor clipped to H + pH)
            checkAvgPool(x, new int[]{1, 3, 5, 6}, new int[]{2, 3}, new int[]{2, 2}, new int[]{1, 1}, include, "ceil " + include);
        }
        Pair x2 = dense(random(2 * 2 * 4 * 4), 2, 2, 4, 4);
        checkAvgPool(x2, new int[]{2, 2, 2, 2}, new int[]{2, 2}, new int[]{2, 2}, new int[]{0, 0}, false, "2x2");
    }

    // ------------------------------------------------------------------ nearest upsampling

    private void checkUpsample(Pair x, int oh, int ow, float sh, float sw, String what) {
        int[] xs = x.cpu().shape();
        int[] os = {xs[0], xs[1], oh, ow};
        Pair out = gappedOutput(os);
        cpu.upsampleNearest2dForward(x.cpu().raw(), out.cpu().raw(), sh, sw);
        gpu.upsampleNearest2dForward(x.sim().raw(), out.sim().raw(), sh, sw);
        assertArrayEquals(out.cpu().toFloatArray(), simFloats(out.sim()), what + ": forward");
        Pair g = transposed(os);
        Pair gx = empty(DType.FLOAT32, xs);
        cpu.upsampleNearest2dBackward(g.cpu().raw(), gx.cpu().raw(), sh, sw);
        gpu.upsampleNearest2dBackward(g.sim().raw(), gx.sim().raw(), sh, sw);
        assertArrayEquals(gx.cpu().toFloatArray(), simFloats(gx.sim()), what + ": backward");
    }

    @Test
    void nearestUpsampleUsesTheFloat32SourceRule() {
        Pair x = transposed(new int[]{1, 3, 5, 7});
        checkUpsample(x, 10, 14, 0.5f, 0.5f, "scale factor 2");
        checkUpsample(x, 7, 9, 5f / 7, 7f / 9, "to a size");
        checkUpsample(x, 3, 4, 5f / 3, 7f / 4, "down (some pixels get no gradient)");
        checkUpsample(x, 8, 7, (float) (1 / 1.7), 0.3f, "factor 1.7, identity columns whatever the scale");
        checkUpsample(x, 16, 23, (float) (1 / 3.3), (float) (1 / 3.3), "factor 3.3");
    }

    // ------------------------------------------------------------------ batch norm

    private Pair channel(int c, float base) {
        float[] v = random(c);
        for (int i = 0; i < c; i++) v[i] = base + Math.abs(v[i]);
        return dense(v, c);
    }

    /** A [C] view with stride 2 and offset 1 (so kernels must honour the vector's stride). */
    private Pair stridedChannel(int c, float base) {
        float[] v = random(2 * c + 1);
        for (int i = 0; i < v.length; i++) v[i] = base + Math.abs(v[i]);
        return pair(v, new int[]{c}, new int[]{2}, 1);
    }

    private void checkBatchNorm(int n, int c, int s, float offset, boolean weighted, boolean running, boolean training, String what) {
        float[] xv = random(n * c * s);
        for (int i = 0; i < xv.length; i++) xv[i] += offset;
        Pair x = dense(xv, n, c, s);
        Pair w = weighted ? stridedChannel(c, 0.5f) : null, b = weighted ? channel(c, -1f) : null;
        Pair rm = running ? stridedChannel(c, offset) : null, rv = running ? channel(c, 0.5f) : null;
        Pair out = empty(DType.FLOAT32, n, c, s), sm = empty(DType.FLOAT32, c), si = empty(DType.FLOAT32, c);
        double momentum = 0.1, eps = 1e-5;
        long copies = gpu.deviceToHostCopies();
        cpu.batchNormForward(x.cpu().raw(), rm == null ? null : rm.cpu().raw(), rv == null ? null : rv.cpu().raw(), w == null ? null : w.cpu().raw(),
                b == null ? null : b.cpu().raw(), training, momentum, eps, out.cpu().raw(), sm.cpu().raw(), si.cpu().raw());
        gpu.batchNormForward(x.sim().raw(), rm == null ? null : rm.sim().raw(), rv == null ? null : rv.sim().raw(), w == null ? null : w.sim().raw(),
                b == null ? null : b.sim().raw(), training, momentum, eps, out.sim().raw(), sm.sim().raw(), si.sim().raw());
        // backward: every subset of outputs that the op can ask for
        Pair g = dense(random(n * c * s), n, c, s);
        Pair gi = empty(DType.FLOAT32, n, c, s), gw = empty(DType.FLOAT32, c), gb = empty(DType.FLOAT32, c);
        cpu.batchNormBackward(g.cpu().raw(), x.cpu().raw(), w == null ? null : w.cpu().raw(), sm.cpu().raw(), si.cpu().raw(), training, gi.cpu().raw(), gw.cpu().raw(), gb.cpu().raw());
        gpu.batchNormBackward(g.sim().raw(), x.sim().raw(), w == null ? null : w.sim().raw(), sm.sim().raw(), si.sim().raw(), training, gi.sim().raw(), gw.sim().raw(), gb.sim().raw());
        Pair gi2 = empty(DType.FLOAT32, n, c, s);
        cpu.batchNormBackward(g.cpu().raw(), x.cpu().raw(), w == null ? null : w.cpu().raw(), sm.cpu().raw(), si.cpu().raw(), training, gi2.cpu().raw(), null, null);
        gpu.batchNormBackward(g.sim().raw(), x.sim().raw(), w == null ? null : w.sim().raw(), sm.sim().raw(), si.sim().raw(), training, gi2.sim().raw(), null, null);
        Pair gb2 = empty(DType.FLOAT32, c);
        cpu.batchNormBackward(g.cpu().raw(), x.cpu().raw(), w == null ? null : w.cpu().raw(), sm.cpu().raw(), si.cpu().raw(), training, null, null, gb2.cpu().raw());
        gpu.batchNormBackward(g.sim().raw(), x.sim().raw(), w == null ? null : w.sim().raw(), sm.sim().raw(), si.sim().raw(), training, null, null, gb2.sim().raw());
        assertEquals(copies, gpu.deviceToHostCopies(), what + ": the primitives copied to the host");

        // statistics: f64 sums in another order, rounded once to float32
        assertClose(sm.cpu().toFloatArray(), simFloats(sm.sim()), 1e-6, 1e-6, what + ": saveMean");
        assertClose(si.cpu().toFloatArray(), simFloats(si.sim()), 1e-6, 0, what + ": saveInvStd");
        if (running) {
            assertClose(rm.cpu().toFloatArray(), simFloats(rm.sim()), 1e-6, 1e-6, what + ": runningMean");
            assertClose(rv.cpu().toFloatArray(), simFloats(rv.sim()), 1e-6, 1e-6, what + ": runningVar");
        }
        // out = x * scale + shift (float32): where the f64 statistics round to a neighbouring float, scale or shift
        // move by an ulp, and out by a few ulps of |x * scale| and |shift|, which are about 3 * |offset| + 3 at most here
        assertClose(out.cpu().toFloatArray(), simFloats(out.sim()), 0, 8 * Math.ulp(3 * Math.abs(offset) + 3f), what + ": out");
        float[] gwc = gw.cpu().toFloatArray(), gbc = gb.cpu().toFloatArray();
        assertClose(gwc, simFloats(gw.sim()), 1e-5, 1e-5, what + ": gradWeight");
        assertClose(gbc, simFloats(gb.sim()), 1e-5, 1e-5, what + ": gradBias");
        assertClose(gb2.cpu().toFloatArray(), simFloats(gb2.sim()), 1e-5, 1e-5, what + ": gradBias alone");
        float[] gic = gi.cpu().toFloatArray();
        assertClose(gic, simFloats(gi.sim()), 1e-5, 1e-5, what + ": gradInput");
        assertClose(gi2.cpu().toFloatArray(), simFloats(gi2.sim()), 1e-5, 1e-5, what + ": gradInput alone");
    }

    @Test
    void batchNormTrainingMatchesTheCpu() {
        checkBatchNorm(2, 3, 35, 0f, true, true, true, "weighted, running stats");
        checkBatchNorm(1, 3, 17, 0f, false, false, true, "N = 1, no weight, no running stats");
        checkBatchNorm(7, 5, 1, 0f, true, true, true, "[N, C] input (S = 1)");
        // a mean far from zero: the one-pass shifted sums must not cancel
        checkBatchNorm(2, 2, 41, 1000f, true, true, true, "large mean");
    }

    @Test
    void batchNormTakesStridedInputAndGradient() {
        // the CPU reference reads x and gradOut as contiguous [N, C, S]; the device gets transposed views of the same values
        int n = 3, c = 4, s = 5;
        Pair x = transposed(new int[]{n, c, s}), g = transposed(new int[]{n, c, s});
        Tensor xc = x.cpu().contiguous(), gc = g.cpu().contiguous();
        Pair out = empty(DType.FLOAT32, n, c, s), sm = empty(DType.FLOAT32, c), si = empty(DType.FLOAT32, c);
        cpu.batchNormForward(xc.raw(), null, null, null, null, true, 0.1, 1e-5, out.cpu().raw(), sm.cpu().raw(), si.cpu().raw());
        gpu.batchNormForward(x.sim().raw(), null, null, null, null, true, 0.1, 1e-5, out.sim().raw(), sm.sim().raw(), si.sim().raw());
        assertClose(out.cpu().toFloatArray(), simFloats(out.sim()), 0, 8 * Math.ulp(3f), "strided x: out");
        Pair gi = gappedOutput(n, c, s), gw = empty(DType.FLOAT32, c);
        cpu.batchNormBackward(gc.raw(), xc.raw(), null, sm.cpu().raw(), si.cpu().raw(), true, gi.cpu().raw(), gw.cpu().raw(), null);
        gpu.batchNormBackward(g.sim().raw(), x.sim().raw(), null, sm.sim().raw(), si.sim().raw(), true, gi.sim().raw(), gw.sim().raw(), null);
        assertClose(gi.cpu().toFloatArray(), simFloats(gi.sim()), 1e-5, 1e-5, "strided gradOut: gradInput into a strided view");
        assertClose(gw.cpu().toFloatArray(), simFloats(gw.sim()), 1e-5, 1e-5, "strided gradOut: gradWeight");
    }

    @Test
    void batchNormOverSeveralBlocksPerChannel() {
        // N * S = 1350 > NnKernels.MIN_CHUNK: each channel is split over blocks (parts = 2 here)
        assertEquals(2, NnKernels.parts(2, 1350, rt.launcher().multiprocessors()));
        checkBatchNorm(3, 2, 450, 3f, true, true, true, "two parts per channel");
    }

    @Test
    void batchNormEvalUsesTheRunningStatistics() {
        checkBatchNorm(2, 3, 13, 0f, true, true, false, "eval, weighted");
        checkBatchNorm(3, 4, 1, 5f, false, true, false, "eval, [N, C]");
    }

    @Test
    void batchNormRunningVarianceIsUnbiased() {
        // hand-worked: channel values {1, 2, 3, 6}: mean 3, biased var 3.5, unbiased 14/3
        Pair x = dense(new float[]{1, 2, 3, 6}, 2, 1, 2);
        Pair rm = dense(new float[]{1}, 1), rv = dense(new float[]{2}, 1);
        Pair out = empty(DType.FLOAT32, 2, 1, 2), sm = empty(DType.FLOAT32, 1), si = empty(DType.FLOAT32, 1);
        gpu.batchNormForward(x.sim().raw(), rm.sim().raw(), rv.sim().raw(), null, null, true, 0.25, 1e-5, out.sim().raw(), sm.sim().raw(), si.sim().raw());
        assertEquals(3f, simFloats(sm.sim())[0]);
        assertEquals((float) (1 / Math.sqrt(3.5 + 1e-5)), simFloats(si.sim())[0]);
        assertEquals((float) (0.75 * 1 + 0.25 * 3), simFloats(rm.sim())[0]);
        assertEquals((float) (0.75 * 2 + 0.25 * 14.0 / 3), simFloats(rv.sim())[0]);
    }

    // ------------------------------------------------------------------ conv bias gradient

    @Test
    void biasGradientSumsOverBatchAndPixels() {
        int[] shape = {3, 4, 5, 7};
        Pair g = transposed(shape);
        Pair gb = empty(DType.FLOAT32, 4);
        cpu.conv2dBiasBackward(g.cpu().raw(), gb.cpu().raw());
        gpu.conv2dBiasBackward(g.sim().raw(), gb.sim().raw());
        assertClose(gb.cpu().toFloatArray(), simFloats(gb.sim()), 1e-6, 1e-6, "bias gradient");
        // several blocks per channel, into a strided gradBias
        Pair big = dense(random(2 * 2 * 30 * 40), 2, 2, 30, 40);
        Pair gb2 = new Pair(Tensor.empty(DType.FLOAT32, Device.cpu(), 2), pair(new float[5], new int[]{2}, new int[]{2}, 1).sim());
        cpu.conv2dBiasBackward(big.cpu().raw(), gb2.cpu().raw());
        gpu.conv2dBiasBackward(big.sim().raw(), gb2.sim().raw());
        assertClose(gb2.cpu().toFloatArray(), simFloats(gb2.sim()), 1e-6, 1e-6, "bias gradient, two parts");
        // and against an f64 sum: the kernel's f64 partials, rounded once, are within an ulp of it
        float[] bigData = big.cpu().toFloatArray(), got = simFloats(gb2.sim());
        for (int ch = 0; ch < 2; ch++) {
            double exact = 0;
            for (int i = 0; i < 2; i++) for (int q = 0; q < 1200; q++) exact += bigData[(i * 2 + ch) * 1200 + q];
            assertEquals(exact, got[ch], Math.ulp((float) exact), "channel " + ch + " against the f64 sum");
        }
    }

    // ------------------------------------------------------------------ ReLU

    @Test
    void fusedReluBackwardKeepsSignedZerosAndNaN() {
        float[] g = {1.5f, -2f, -3f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 4f, -0f, 0.25f, -7f};
        float[] o = {1f, 0f, -1f, 0f, 0f, 2f, Float.NaN, 3f, -0f, 5f};
        Pair go = dense(g, 2, 5), out = dense(o, 2, 5), gi = empty(DType.FLOAT32, 2, 5);
        assertTrue(cpu.reluBackwardFused(go.cpu().raw(), out.cpu().raw(), gi.cpu().raw()));
        assertTrue(gpu.reluBackwardFused(go.sim().raw(), out.sim().raw(), gi.sim().raw()));
        float[] expected = gi.cpu().toFloatArray(), got = simFloats(gi.sim());
        for (int i = 0; i < g.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]) == Float.floatToRawIntBits(got[i]) || Float.isNaN(expected[i]) && Float.isNaN(got[i]),
                    true, "element " + i + ": expected " + expected[i] + " got " + got[i]);
        }
        // independent of the CPU: -2 * 0 = -0, NaN * 0 = NaN, inf * 0 = NaN
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(got[1]));
        assertTrue(Float.isNaN(got[3]) && Float.isNaN(got[4]));
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(got[6]), "out NaN is not > 0: 4 * 0");
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(got[2]), "-3 * 0");
        assertEquals(-7f, got[9]);
        // strided operands: no fused form, as on the CPU (the op composes it)
        Pair t = transposed(new int[]{5, 2});
        assertFalse(gpu.reluBackwardFused(t.sim().raw(), out.sim().reshape(5, 2).raw(), empty(DType.FLOAT32, 5, 2).sim().raw()));
        Tensor f64 = new Tensor(gpu.allocate(DType.FLOAT64, 10), 2, 5);
        assertFalse(gpu.reluBackwardFused(f64.raw(), f64.raw(), f64.raw()));
    }

    // ------------------------------------------------------------------ edges and errors

    @Test
    void emptyTensorsAreFine() {
        Pair x = dense(new float[0], 0, 3, 4, 4);
        Pair out = empty(DType.FLOAT32, 0, 3, 2, 2), idx = empty(DType.INT64, 0, 3, 2, 2);
        gpu.maxPool2dForward(x.sim().raw(), out.sim().raw(), idx.sim().raw(), new int[]{2, 2}, new int[]{2, 2}, new int[]{0, 0}, new int[]{1, 1});
        gpu.avgPool2dBackward(out.sim().raw(), x.sim().raw(), new int[]{2, 2}, new int[]{2, 2}, new int[]{0, 0}, true);
        Pair bn = dense(new float[0], 2, 0, 3);
        gpu.batchNormForward(bn.sim().raw(), null, null, null, null, true, 0.1, 1e-5, empty(DType.FLOAT32, 2, 0, 3).sim().raw(),
                empty(DType.FLOAT32, 0).sim().raw(), empty(DType.FLOAT32, 0).sim().raw());
        // eval over an empty batch still writes the statistics it used
        Pair none = dense(new float[0], 0, 2, 3);
        Pair rm = dense(new float[]{1, 2}, 2), rv = dense(new float[]{3, 0}, 2), sm = empty(DType.FLOAT32, 2), si = empty(DType.FLOAT32, 2);
        gpu.batchNormForward(none.sim().raw(), rm.sim().raw(), rv.sim().raw(), null, null, false, 0.1, 0.25, empty(DType.FLOAT32, 0, 2, 3).sim().raw(), sm.sim().raw(), si.sim().raw());
        assertArrayEquals(new float[]{1, 2}, simFloats(sm.sim()));
        assertArrayEquals(new float[]{(float) (1 / Math.sqrt(3.25)), 2f}, simFloats(si.sim()));
    }

    @Test
    void badArgumentsAreNamed() {
        Pair x = dense(random(16), 1, 1, 4, 4);
        Pair out = empty(DType.FLOAT32, 1, 1, 2, 2);
        Tensor wrongIdx = new Tensor(gpu.allocate(DType.INT32, 4), 1, 1, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.maxPool2dForward(x.sim().raw(), out.sim().raw(), wrongIdx.raw(),
                new int[]{2, 2}, new int[]{2, 2}, new int[]{0, 0}, new int[]{1, 1}));
        assertTrue(e.getMessage().contains("indices") && e.getMessage().contains("INT32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpu.avgPool2dForward(x.sim().raw(), out.sim().raw(), new int[]{2, 0}, new int[]{2, 2},
                new int[]{0, 0}, true));
        assertTrue(e.getMessage().contains("kernel") && e.getMessage().contains("[2, 0]"), e.getMessage());
        Tensor f64 = new Tensor(gpu.allocate(DType.FLOAT64, 16), 1, 1, 4, 4);
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> gpu.upsampleNearest2dForward(f64.raw(), out.sim().raw(), 2f, 2f));
        assertTrue(u.getMessage().contains("FLOAT64"), u.getMessage());
        Pair bx = dense(random(6), 2, 3, 1);
        e = assertThrows(IllegalArgumentException.class, () -> gpu.batchNormForward(bx.sim().raw(), null, null, null, null, false, 0.1, 1e-5,
                empty(DType.FLOAT32, 2, 3, 1).sim().raw(), empty(DType.FLOAT32, 3).sim().raw(), empty(DType.FLOAT32, 3).sim().raw()));
        assertTrue(e.getMessage().contains("runningMean"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpu.batchNormForward(bx.sim().raw(), null, null, empty(DType.FLOAT32, 4).sim().raw(), null,
                true, 0.1, 1e-5, empty(DType.FLOAT32, 2, 3, 1).sim().raw(), empty(DType.FLOAT32, 3).sim().raw(), empty(DType.FLOAT32, 3).sim().raw()));
        assertTrue(e.getMessage().contains("weight") && e.getMessage().contains("[3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpu.conv2dBiasBackward(x.sim().raw(), empty(DType.FLOAT32, 2).sim().raw()));
        assertTrue(e.getMessage().contains("gradBias"), e.getMessage());
    }
}
