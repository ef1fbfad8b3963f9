package org.jgrad.cuda;

import org.jgrad.backend.Distribution;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * argReduce, softmax, gather, scatterAdd and random of {@link CudaBackend} on the simulated
 * device (the packaged PTX run by {@link PtxSimulator}) against the CPU backend, on small
 * awkward shapes: odd sizes, rows longer than a block, size-1 dimensions, transposed and
 * strided views on either side, NaN / -inf / +inf rows, ties. The device generator is checked
 * against an independent Philox4x32-10 ({@link Philox}) and its known-answer vectors.
 */
class CudaTensorKernelsSimTest extends SimulatedBackendTest {
    CudaTensorKernelsSimTest() {
        super(11, 16 << 20);
    }

    private float[] floats(Tensor t) {
        float[] out = new float[t.numel()];
        gpu.toHost(t.raw(), out);
        return out;
    }

    private long[] longs(Tensor t) {
        long[] out = new long[t.numel()];
        gpu.toHost(t.raw(), out);
        return out;
    }

    /** Values with many ties (small integers), a few NaN and infinities when asked. */
    private float[] data(int n, boolean specials) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextInt(7) - 3 + (rng.nextBoolean() ? 0 : rng.nextFloat());
        if (specials) {
            for (int i = 0; i < n / 11; i++) {
                int p = rng.nextInt(n);
                v[p] = switch (i % 3) { case 0 -> Float.NaN; case 1 -> Float.NEGATIVE_INFINITY; default -> Float.POSITIVE_INFINITY; };
            }
        }
        return v;
    }

    private static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) || Double.isNaN(a)) {
                assertTrue(Double.isNaN(e) && Double.isNaN(a), what + ": element " + i + " expected " + e + " got " + a);
                continue;
            }
            if (e == a) continue;
            assertTrue(Math.abs(e - a) <= tol * (1 + Math.abs(e)), what + ": element " + i + " expected " + e + " got " + a);
        }
    }

    // ------------------------------------------------------------------ argReduce

    /** x viewed through {@code view} on both devices; values and indices written through a permuted keepdim view on the device. */
    private void checkArg(float[] x, int[] shape, UnaryOperator<Tensor> view, int dim, String what) {
        Tensor xc = view.apply(Tensor.fromArray(x, shape)), xs = view.apply(onSim(x, shape));
        int[] keep = xc.shape();
        keep[dim] = 1;
        for (boolean max : new boolean[] {true, false}) {
            Tensor vc = Tensor.empty(DType.FLOAT32, Device.cpu(), keep), ic = Tensor.empty(DType.INT64, Device.cpu(), keep);
            cpu.argReduce(max, xc.raw(), dim, vc.raw(), ic.raw());
            // device outputs: reversed-dims buffers permuted back, so the kernel writes through strides
            int r = keep.length;
            int[] rev = new int[r], perm = new int[r];
            for (int d = 0; d < r; d++) { rev[d] = keep[r - 1 - d]; perm[d] = r - 1 - d; }
            Tensor vs = emptySim(DType.FLOAT32, rev).permute(perm), is = emptySim(DType.INT64, rev).permute(perm);
            gpu.argReduce(max, xs.raw(), dim, vs.raw(), is.raw());
            String w = what + (max ? " max" : " min") + " dim " + dim;
            assertArrayEquals(ic.toLongArray(), longs(is), w + " indices");
            assertArrayEquals(vc.toFloatArray(), floats(vs), w + " values");
        }
    }

    @Test
    void argReduceMatchesTheCpuWithTiesNaNAndStridedViews() {
        float[] a = data(5 * 7 * 3, true);
        for (int dim = 0; dim < 3; dim++) checkArg(a, new int[] {5, 7, 3}, t -> t, dim, "[5,7,3]");
        checkArg(a, new int[] {5, 7, 3}, t -> t.permute(2, 0, 1), 2, "permuted");
        checkArg(a, new int[] {5, 7, 3}, t -> t.slice(1, 1, 7, 2), 1, "sliced");
        // rows longer than 32 take the block kernel; 300 is longer than a block of 256
        float[] b = data(3 * 300, true);
        checkArg(b, new int[] {3, 300}, t -> t, 1, "[3,300]");
        checkArg(b, new int[] {3, 300}, t -> t.transpose(0, 1), 0, "[3,300]^T");
        float[] c = data(2 * 37, false);
        checkArg(c, new int[] {2, 37}, t -> t, 1, "[2,37]");
        checkArg(c, new int[] {2, 1, 37}, t -> t, 1, "size-1 dim");
        checkArg(data(2 * 40 * 130, true), new int[] {2, 40, 130}, t -> t, 1, "[2,40,130] thread per strided row");
        // a row of only -inf, a row of only NaN, ties at the extremes
        float ninf = Float.NEGATIVE_INFINITY, nan = Float.NaN;
        float[] s = {ninf, ninf, ninf, 2, 5, 5, 1, nan, nan, 3, 3, -1, -1};
        checkArg(Arrays.copyOf(s, 12), new int[] {4, 3}, t -> t, 1, "special rows");
        float[] wide = new float[2 * 40];
        Arrays.fill(wide, 0, 40, ninf);
        for (int i = 40; i < 80; i++) wide[i] = i % 5 == 3 ? nan : 1;
        checkArg(wide, new int[] {2, 40}, t -> t, 1, "special long rows");
        // 0-d
        Tensor v0 = emptySim(DType.FLOAT32), i0 = emptySim(DType.INT64);
        gpu.argReduce(true, onSim(new float[] {4.5f}).raw(), 0, v0.raw(), i0.raw());
        assertArrayEquals(new float[] {4.5f}, floats(v0));
        assertArrayEquals(new long[] {0}, longs(i0));
    }

    @Test
    void argReduceChecksItsArguments() {
        Tensor x = onSim(data(12, false), 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gpu.argReduce(true, x.raw(), 1, emptySim(DType.FLOAT32, 3, 1).raw(), emptySim(DType.INT32, 3, 1).raw()));
        assertTrue(e.getMessage().contains("indices must be INT64, got INT32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> gpu.argReduce(true, x.raw(), 1, emptySim(DType.FLOAT32, 3).raw(), emptySim(DType.INT64, 3, 1).raw()));
        assertTrue(e.getMessage().contains("values must have shape [3, 1], got [3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> gpu.argReduce(true, x.raw(), 2, emptySim(DType.FLOAT32, 3, 1).raw(), emptySim(DType.INT64, 3, 1).raw()));
        assertTrue(e.getMessage().contains("dim 2 out of range"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> gpu.argReduce(true, emptySim(DType.FLOAT32, 3, 0).raw(), 1, emptySim(DType.FLOAT32, 3, 1).raw(), emptySim(DType.INT64, 3, 1).raw()));
        assertTrue(e.getMessage().contains("dimension 1") && e.getMessage().contains("size 0"), e.getMessage());
    }

    // ------------------------------------------------------------------ softmax

    private void checkSoftmax(float[] x, int[] shape, UnaryOperator<Tensor> view, int dim, String what) {
        Tensor xc = view.apply(Tensor.fromArray(x, shape)), xs = view.apply(onSim(x, shape));
        int[] os = xc.shape();
        for (boolean log : new boolean[] {false, true}) {
            Tensor oc = Tensor.empty(DType.FLOAT32, Device.cpu(), os);
            cpu.softmax(xc.raw(), dim, log, oc.raw());
            // the device writes through a transposed destination when the rank allows
            Tensor o = os.length >= 2 ? emptySim(DType.FLOAT32, swapFirstTwo(os)).transpose(0, 1) : emptySim(DType.FLOAT32, os);
            gpu.softmax(xs.raw(), dim, log, o.raw());
            assertClose(oc.toFloatArray(), floats(o), 2e-6, what + (log ? " logSoftmax" : " softmax") + " dim " + dim);
        }
    }

    private static int[] swapFirstTwo(int[] s) {
        int[] o = s.clone();
        o[0] = s[1];
        o[1] = s[0];
        return o;
    }

    @Test
    void softmaxMatchesTheCpuOnAwkwardShapesAndSpecialRows() {
        float[] a = data(4 * 5 * 6, false);
        for (int dim = 0; dim < 3; dim++) checkSoftmax(a, new int[] {4, 5, 6}, t -> t, dim, "[4,5,6]");
        checkSoftmax(a, new int[] {4, 5, 6}, t -> t.permute(1, 2, 0), 0, "permuted");
        checkSoftmax(a, new int[] {4, 5, 6}, t -> t.slice(2, 1, 6, 2), 2, "sliced");
        checkSoftmax(a, new int[] {4, 5, 6, 1}, t -> t, 3, "size-1 dim");
        float[] b = data(3 * 300, false);
        checkSoftmax(b, new int[] {3, 300}, t -> t, 1, "[3,300]");
        checkSoftmax(b, new int[] {3, 300}, t -> t.transpose(0, 1), 0, "[3,300]^T");
        checkSoftmax(data(2 * 33, false), new int[] {2, 33}, t -> t, 1, "[2,33]");
        // long strided rows, enough of them for a thread each (the simulated GPU has one SM)
        checkSoftmax(data(2 * 40 * 130, false), new int[] {2, 40, 130}, t -> t, 1, "[2,40,130] thread per strided row");
        // stability: huge logits; rows with -inf entries; an all -inf row, a NaN row and a +inf row give NaN
        float ninf = Float.NEGATIVE_INFINITY;
        float[] s = {1000, 1001, 999, 0, ninf, 2, ninf, ninf, ninf, Float.NaN, 1, 2, 1, Float.POSITIVE_INFINITY, 0};
        checkSoftmax(s, new int[] {5, 3}, t -> t, 1, "special rows");
        float[] wide = new float[3 * 45];
        for (int i = 0; i < 45; i++) { wide[i] = 80 + i; wide[45 + i] = i % 2 == 0 ? ninf : i; wide[90 + i] = ninf; }
        checkSoftmax(wide, new int[] {3, 45}, t -> t, 1, "special long rows");
        // 0-d: one element, softmax 1 and log-softmax 0
        Tensor o0 = emptySim(DType.FLOAT32);
        gpu.softmax(onSim(new float[] {-7f}).raw(), 0, false, o0.raw());
        assertArrayEquals(new float[] {1f}, floats(o0));
    }

    @Test
    void softmaxChecksItsArguments() {
        Tensor x = onSim(data(12, false), 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.softmax(x.raw(), 1, false, emptySim(DType.FLOAT32, 4, 3).raw()));
        assertTrue(e.getMessage().contains("out must have shape [3, 4], got [4, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpu.softmax(x.raw(), -1, true, emptySim(DType.FLOAT32, 3, 4).raw()));
        assertTrue(e.getMessage().startsWith("logSoftmax: dim -1 out of range"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> gpu.softmax(x.raw(), 0, false, Tensor.empty(DType.FLOAT32, Device.cpu(), 3, 4).raw()));
    }

    // ------------------------------------------------------------------ gather / scatterAdd

    private long[] indices(int n, int bound) {
        long[] ix = new long[n];
        for (int i = 0; i < n; i++) ix[i] = rng.nextInt(bound);
        return ix;
    }

    @Test
    void gatherMatchesTheCpuForEveryDimAndStridedViews() {
        float[] src = data(4 * 5 * 6, true);
        int[] srcShape = {4, 5, 6};
        int[][] idxShapes = {{3, 5, 6}, {4, 7, 2}, {2, 3, 9}};
        for (int dim = 0; dim < 3; dim++) {
            int[] is = idxShapes[dim];
            long[] ix = indices(numel(is), srcShape[dim]);
            Tensor oc = Tensor.empty(DType.FLOAT32, Device.cpu(), is);
            cpu.gather(Tensor.fromArray(src, srcShape).raw(), dim, Tensor.fromArray(ix, is).raw(), oc.raw());
            Tensor os = emptySim(DType.FLOAT32, is);
            gpu.gather(onSim(src, srcShape).raw(), dim, onSim(ix, is).raw(), os.raw());
            assertArrayEquals(oc.toFloatArray(), floats(os), "gather dim " + dim);
        }
        // transposed src, transposed index, transposed out
        long[] ix = indices(5 * 3, 4);
        Tensor srcC = Tensor.fromArray(src, 4, 5, 6).select(2, 1).transpose(0, 1); // [5,4]
        Tensor srcS = onSim(src, 4, 5, 6).select(2, 1).transpose(0, 1);
        Tensor oc = Tensor.empty(DType.FLOAT32, Device.cpu(), 5, 3);
        cpu.gather(srcC.raw(), 1, Tensor.fromArray(ix, 3, 5).transpose(0, 1).raw(), oc.raw());
        Tensor os = emptySim(DType.FLOAT32, 3, 5).transpose(0, 1);
        gpu.gather(srcS.raw(), 1, onSim(ix, 3, 5).transpose(0, 1).raw(), os.raw());
        assertArrayEquals(oc.toFloatArray(), floats(os), "gather over views");
        // an empty index writes nothing and launches nothing
        long launches = rt.launches;
        gpu.gather(srcS.raw(), 1, emptySim(DType.INT64, 0, 2).raw(), emptySim(DType.FLOAT32, 0, 2).raw());
        assertEquals(launches, rt.launches);
    }

    @Test
    void scatterAddMatchesTheCpuIncludingRepeatedIndices() {
        int[] dstShape = {4, 5, 6};
        float[] dst0 = new float[numel(dstShape)];
        for (int i = 0; i < dst0.length; i++) dst0[i] = rng.nextInt(9) - 4; // small integers: sums exact in any order
        int[][] idxShapes = {{7, 5, 6}, {4, 9, 2}, {3, 2, 11}};
        for (int dim = 0; dim < 3; dim++) {
            int[] is = idxShapes[dim];
            long[] ix = indices(numel(is), dstShape[dim]);
            float[] src = new float[numel(is) + 7];
            for (int i = 0; i < src.length; i++) src[i] = rng.nextInt(11) - 5;
            int[] srcShape = is.clone();
            srcShape[0] += 1; // src larger than index: only index's extent is read
            float[] srcBig = Arrays.copyOf(src, numel(srcShape));
            Tensor dc = Tensor.fromArray(dst0.clone(), dstShape);
            cpu.scatterAdd(dc.raw(), dim, Tensor.fromArray(ix, is).raw(), Tensor.fromArray(srcBig, srcShape).raw());
            Tensor ds = onSim(dst0, dstShape);
            gpu.scatterAdd(ds.raw(), dim, onSim(ix, is).raw(), onSim(srcBig, srcShape).raw());
            assertArrayEquals(dc.toFloatArray(), floats(ds), "scatterAdd dim " + dim);
        }
        // strided destination (a transposed view) and strided src
        long[] ix = indices(6 * 3, 4);
        float[] src = data(3 * 6, false);
        for (int i = 0; i < src.length; i++) src[i] = Math.round(src[i]);
        Tensor dc = Tensor.fromArray(dst0.clone(), 4, 5, 6).select(1, 2);                // [4,6], strides (30,1)
        Tensor dsBase = onSim(dst0, 4, 5, 6);
        Tensor ds = dsBase.select(1, 2);
        cpu.scatterAdd(dc.transpose(0, 1).raw(), 1, Tensor.fromArray(ix, 6, 3).raw(), Tensor.fromArray(src, 3, 6).transpose(0, 1).raw());
        gpu.scatterAdd(ds.transpose(0, 1).raw(), 1, onSim(ix, 6, 3).raw(), onSim(src, 3, 6).transpose(0, 1).raw());
        assertArrayEquals(dc.contiguous().toFloatArray(), floats(ds), "scatterAdd over views");
    }

    @Test
    void gatherAndScatterAddCheckShapesAndDtypes() {
        Tensor src = onSim(data(12, false), 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gpu.gather(src.raw(), 1, new Tensor(gpu.fromHost(new int[6], DType.INT32), 3, 2).raw(), emptySim(DType.FLOAT32, 3, 2).raw()));
        assertTrue(e.getMessage().contains("index must be INT64, got INT32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpu.gather(src.raw(), 1, onSim(new long[8], 4, 2).raw(), emptySim(DType.FLOAT32, 4, 2).raw()));
        assertTrue(e.getMessage().contains("larger than src [3, 4] in dimension 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpu.gather(src.raw(), 1, onSim(new long[6], 3, 2).raw(), emptySim(DType.FLOAT32, 2, 3).raw()));
        assertTrue(e.getMessage().contains("out must have shape [3, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpu.scatterAdd(src.raw(), 0, onSim(new long[6], 3, 2).raw(), onSim(new float[4], 2, 2).raw()));
        assertTrue(e.getMessage().contains("larger than src [2, 2] in dimension 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpu.scatterAdd(src.raw(), 2, onSim(new long[6], 3, 2).raw(), onSim(new float[6], 3, 2).raw()));
        assertTrue(e.getMessage().contains("dim 2 out of range"), e.getMessage());
    }

    @Test
    void aBadIndexIsReportedAtTheNextSynchronisingCallNamingTheValue() {
        Tensor src = onSim(data(12, false), 3, 4);
        Tensor out = emptySim(DType.FLOAT32, 3, 2);
        // the kernel cannot throw: the launch returns, the next toHost reports the first bad index
        gpu.gather(src.raw(), 1, onSim(new long[] {0, 1, 2, 7, 3, -1}, 3, 2).raw(), out.raw());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> floats(out));
        assertTrue(e.getMessage().startsWith("gather: index 7 is out of range for a dimension of size 4"), e.getMessage());
        // reported once; the good elements were written
        float[] got = floats(out);
        assertEquals(floats(src)[1 * 4 + 2], got[2]);
        Tensor dst = emptySim(DType.FLOAT32, 2, 5);
        gpu.scatterAdd(dst.raw(), 0, onSim(new long[] {1, -3, 0}, 1, 3).raw(), onSim(new float[] {1, 2, 3}, 1, 3).raw());
        e = assertThrows(IndexOutOfBoundsException.class, gpu::synchronize);
        assertTrue(e.getMessage().startsWith("scatterAdd: index -3 is out of range for a dimension of size 2"), e.getMessage());
        assertArrayEquals(new float[] {0, 0, 3, 0, 0, 1, 0, 0, 0, 0}, floats(dst));
    }

    // ------------------------------------------------------------------ random (Philox4x32-10 on the device)

    @Test
    void philoxReferenceMatchesRandom123KnownAnswers() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                Philox.philox4x32x10(new int[] {0, 0, 0, 0}, new int[] {0, 0}));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                Philox.philox4x32x10(new int[] {-1, -1, -1, -1}, new int[] {-1, -1}));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                Philox.philox4x32x10(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, new int[] {0xa4093822, 0x299f31d0}));
    }

    private float[] draw(Distribution dist, double a, double b, long seed, int n) {
        Tensor t = emptySim(DType.FLOAT32, n);
        gpu.random(t.raw(), dist, a, b, seed);
        return floats(t);
    }

    @Test
    void deviceDrawsArePhiloxWordsMappedAsDocumented() {
        long seed = 0x0123_4567_89AB_CDEFL;
        int n = 103; // not a multiple of 4: the last counter writes three elements
        float[] u = draw(Distribution.UNIFORM, -1.5, 2.5, seed, n);
        float[] bern = draw(Distribution.BERNOULLI, 0.375, 0, seed, n);
        float[] norm = draw(Distribution.NORMAL, 0.5, 2, seed, n);
        for (int i = 0; i < n; i++) {
            assertEquals(Philox.uniform(seed, i, -1.5f, 2.5f), u[i], "uniform element " + i);
            assertEquals(Philox.bernoulli(seed, i, 0.375f), bern[i], "bernoulli element " + i);
            double e = Philox.normal(seed, i, 0.5, 2);
            assertEquals(e, norm[i], 2e-6 * (1 + Math.abs(e)), "normal element " + i);
        }
        // a value depends on (seed, element) only: a longer draw starts with the shorter one
        float[] longer = draw(Distribution.UNIFORM, -1.5, 2.5, seed, 1001);
        assertArrayEquals(u, Arrays.copyOf(longer, n));
    }

    @Test
    void drawsAreDeterministicPerSeedAndDifferAcrossSeeds() {
        float[] a = draw(Distribution.NORMAL, 0, 1, 42, 257), b = draw(Distribution.NORMAL, 0, 1, 42, 257);
        assertArrayEquals(a, b);
        for (long other : new long[] {43, 42L | 1L << 32, -42}) {
            float[] c = draw(Distribution.NORMAL, 0, 1, other, 257);
            int same = 0;
            for (int i = 0; i < a.length; i++) if (a[i] == c[i]) same++;
            assertTrue(same < 3, "seed " + other + " repeats " + same + " of seed 42's draws");
        }
    }

    @Test
    void drawsHaveTheRightMomentsAndRate() {
        int n = 16_000;
        long copies = gpu.deviceToHostCopies();
        Tensor t = emptySim(DType.FLOAT32, n);
        gpu.random(t.raw(), Distribution.UNIFORM, -1, 3, 7);
        assertEquals(copies, gpu.deviceToHostCopies(), "random copies nothing to the host");
        float[] u = floats(t);
        double[] m = moments(u);
        // uniform [-1, 3): mean 1, variance 16/12; bounds respected
        assertEquals(1, m[0], 5 * Math.sqrt(16.0 / 12 / n));
        assertEquals(16.0 / 12, m[1], 5 * Math.sqrt((256.0 / 80 - Math.pow(16.0 / 12, 2)) / n));
        for (float v : u) assertTrue(v >= -1 && v < 3, "uniform draw " + v + " outside [-1, 3)");
        double[] g = moments(draw(Distribution.NORMAL, 2, 0.5, 8, n));
        assertEquals(2, g[0], 5 * 0.5 / Math.sqrt(n));
        assertEquals(0.25, g[1], 5 * 0.25 * Math.sqrt(2.0 / n));
        double p = 0.3;
        float[] bern = draw(Distribution.BERNOULLI, p, 0, 9, n);
        int ones = 0;
        for (float v : bern) {
            assertTrue(v == 0 || v == 1, "bernoulli draw " + v);
            if (v == 1) ones++;
        }
        assertEquals(p, ones / (double) n, 5 * Math.sqrt(p * (1 - p) / n));
        // p = 0 and p = 1 are exact
        assertTrue(Arrays.equals(new float[64], draw(Distribution.BERNOULLI, 0, 0, 9, 64)));
        float[] all = new float[64];
        Arrays.fill(all, 1);
        assertArrayEquals(all, draw(Distribution.BERNOULLI, 1, 0, 9, 64));
    }

    @Test
    void throughTheTensorApiWithAutogradAndDropoutOnTheSimulatedGpu() {
        Device cuda = SimulatedCuda.device();
        SimulatedRuntime srt = SimulatedCuda.runtime();
        float[] x = data(6 * 37, false);
        float[] w = data(6 * 37, false);
        // max along a dim (backward: scatterAdd), logSoftmax (forward kernel, backward elementwise)
        Tensor xc = Tensor.fromArray(x, 6, 37).requiresGrad(true), xg = Tensor.fromArray(x, 6, 37).to(cuda).requiresGrad(true);
        Tensor wc = Tensor.fromArray(w, 6, 37), wg = wc.to(cuda);
        xc.max(1).values().sum().add(xc.logSoftmax(1).mul(wc).sum()).backward();
        xg.max(1).values().sum().add(xg.logSoftmax(1).mul(wg).sum()).backward();
        assertClose(xc.grad().toFloatArray(), xg.grad().toFloatArray(), 1e-5, "gradient of max + logSoftmax");
        assertArrayEquals(xc.argmax(1).toLongArray(), xg.argmax(1).toLongArray());
        // dropout draws its mask on the device: no host-to-device copy per call
        Tensor ones = Tensor.ones(DType.FLOAT32, cuda, 9, 13);
        long h2d = srt.hostToDeviceCopies;
        Tensor d = org.jgrad.ops.Dropout.dropout(ones, 0.25, true, new org.jgrad.tensor.Generator(3));
        assertEquals(h2d, srt.hostToDeviceCopies, "dropout uploads nothing");
        int kept = 0;
        for (float v : d.toFloatArray()) {
            assertTrue(v == 0 || Math.abs(v - 1 / 0.75f) < 1e-6, "dropout value " + v);
            if (v != 0) kept++;
        }
        assertTrue(kept > 9 * 13 / 2 && kept < 9 * 13, kept + " of 117 kept at p = 0.25");
    }

    private static double[] moments(float[] v) {
        double s = 0, s2 = 0;
        for (float x : v) s += x;
        double mean = s / v.length;
        for (float x : v) s2 += (x - mean) * (x - mean);
        return new double[] {mean, s2 / (v.length - 1)};
    }

    @Test
    void stridedAndNonFloatOutputsGetTheDenseDrawsInLogicalOrder() {
        float[] dense = draw(Distribution.NORMAL, 0, 1, 5, 20);
        Tensor view = emptySim(DType.FLOAT32, 5, 4).transpose(0, 1); // [4,5]
        gpu.random(view.raw(), Distribution.NORMAL, 0, 1, 5);
        float[] got = new float[20];
        gpu.toHost(view.raw(), got); // logical order
        assertArrayEquals(dense, got);
        // a contiguous view 4 bytes into its block: no 16-byte alignment, element stores
        Tensor shifted = emptySim(DType.FLOAT32, 21).slice(0, 1, 21, 1);
        gpu.random(shifted.raw(), Distribution.NORMAL, 0, 1, 5);
        assertArrayEquals(dense, floats(shifted));
        Tensor f64 = emptySim(DType.FLOAT64, 4, 5);
        gpu.random(f64.raw(), Distribution.NORMAL, 0, 1, 5);
        double[] d = new double[20];
        gpu.toHost(f64.raw(), d);
        for (int i = 0; i < 20; i++) assertEquals(dense[i], d[i], 0.0, "float64 element " + i);
        Tensor u8 = emptySim(DType.UINT8, 33);
        gpu.random(u8.raw(), Distribution.BERNOULLI, 0.5, 0, 3);
        byte[] bytes = new byte[33];
        gpu.toHost(u8.raw(), bytes);
        float[] bern = draw(Distribution.BERNOULLI, 0.5, 0, 3, 33);
        for (int i = 0; i < 33; i++) assertEquals(bern[i], bytes[i], "uint8 element " + i);
    }
}
