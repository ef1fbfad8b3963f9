package org.jgrad.cuda;

import org.jgrad.backend.BinaryOp;
import org.jgrad.backend.ReduceOp;
import org.jgrad.backend.UnaryOp;
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
 * {@link CudaBackend} on a simulated device ({@link SimulatedRuntime}: the packaged PTX run by
 * {@link PtxSimulator}, cuBLAS's contract in Java) against the CPU backend, through the
 * primitives core calls: transfers and their counters, strided copies and casts, fills,
 * broadcast elementwise ops, reductions, and matmul's mapping of views onto cuBLAS.
 * The tensors report the CPU as their device (a CUDA Device cannot be made without a GPU),
 * so the test calls the backend's primitives directly rather than Tensor methods.
 */
class CudaBackendSimTest extends SimulatedBackendTest {
    CudaBackendSimTest() {
        super(23, 32 << 20);
    }

    private float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextFloat() * 4 - 2;
        return v;
    }

    private Tensor emptyCpu(DType dt, int... shape) { return Tensor.empty(dt, Device.cpu(), shape); }

    private double[] simValues(Tensor t) {
        Tensor f64 = emptySim(DType.FLOAT64, t.shape());
        gpu.copy(t.raw(), f64.raw());
        double[] out = new double[t.numel()];
        gpu.toHost(f64.raw(), out);
        return out;
    }

    private static double[] cpuValues(Tensor t) { return t.toDoubleArray(); }

    @Test
    void transfersRoundTripAndAreCounted() {
        float[] f = random(1000);
        Tensor t = onSim(f, 10, 100);
        float[] back = new float[1000];
        gpu.toHost(t.raw(), back);
        assertArrayEquals(f, back);
        long[] l = {Long.MIN_VALUE, -1, 1L << 53 | 1, Long.MAX_VALUE};
        long[] lb = new long[4];
        gpu.toHost(new Tensor(gpu.fromHost(l, DType.INT64), 4).raw(), lb);
        assertArrayEquals(l, lb);
        byte[] b = {0, (byte) 255, 7};
        byte[] bb = new byte[3];
        gpu.toHost(new Tensor(gpu.fromHost(b, DType.UINT8), 3).raw(), bb);
        assertArrayEquals(b, bb);
        assertEquals(4000 + 32 + 3, gpu.deviceToHostBytes());
        assertEquals(3, gpu.deviceToHostCopies());
        // a strided view comes back in logical order (made dense on the device first)
        float[] tb = new float[1000];
        gpu.toHost(t.transpose(0, 1).raw(), tb);
        assertArrayEquals(Tensor.fromArray(f, 10, 100).transpose(0, 1).contiguous().toFloatArray(), tb);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.toHost(t.raw(), new float[3]));
        assertTrue(e.getMessage().contains("dst has 3 elements"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> gpu.fromHost(new int[2], DType.FLOAT32));
    }

    @Test
    void allocateZeroesAndFillsMatchTheCpu() {
        for (DType dt : DType.values()) {
            Tensor s = emptySim(dt, 4, 6);
            assertTrue(Arrays.stream(simValues(s)).allMatch(v -> v == 0), "allocate zero-fills " + dt);
            Tensor c = emptyCpu(dt, 4, 6);
            gpu.fill(s.raw(), 5);
            cpu.fill(c.raw(), 5);
            gpu.fill(s.slice(1, 1, 6, 2).raw(), -3);
            cpu.fill(c.slice(1, 1, 6, 2).raw(), -3);
            gpu.fill(s.select(0, 2).raw(), 1.5);
            cpu.fill(c.select(0, 2).raw(), 1.5);
            assertArrayEquals(cpuValues(c), simValues(s), "fill " + dt);
        }
    }

    @Test
    void stridedCopiesAndEveryCastMatchTheCpu() {
        float[] f = random(2 * 3 * 4 * 5);
        for (int i = 0; i < f.length; i++) f[i] *= 200;
        UnaryOperator<Tensor> view = t -> t.permute(3, 1, 0, 2).slice(0, 1, 5, 2);
        Tensor c = view.apply(Tensor.fromArray(f, 2, 3, 4, 5));
        Tensor s = view.apply(onSim(f, 2, 3, 4, 5));
        for (DType to : DType.values()) {
            Tensor cc = emptyCpu(to, c.shape()), sc = emptySim(to, s.shape());
            cpu.copy(c.raw(), cc.raw());
            gpu.copy(s.raw(), sc.raw());
            assertArrayEquals(cpuValues(cc), simValues(sc), "float32 view -> " + to);
            // and back, from a dense tensor of that type into a strided float32 destination
            Tensor cb = emptyCpu(DType.FLOAT32, 5, 2).transpose(0, 1), sb = emptySim(DType.FLOAT32, 5, 2).transpose(0, 1);
            cpu.copy(cc.reshape(-1).slice(0, 0, 10).reshape(2, 5).raw(), cb.raw());
            gpu.copy(sc.reshape(-1).slice(0, 0, 10).reshape(2, 5).raw(), sb.raw());
            assertArrayEquals(cpuValues(cb), simValues(sb), to + " -> strided float32");
        }
    }

    @Test
    void elementwiseOpsWithBroadcastingMatchTheCpu() {
        int[] shape = {4, 3, 5};
        float[] x = random(60), y = random(3);
        x[7] = 0;
        Tensor xc = Tensor.fromArray(x, 4, 3, 5), yc = Tensor.fromArray(y, 3, 1).expand(shape);
        Tensor xs = onSim(x, 4, 3, 5), ys = onSim(y, 3, 1).expand(shape);
        for (BinaryOp op : BinaryOp.values()) {
            if (op == BinaryOp.POW) continue;
            DType dt = op.isComparison() ? DType.UINT8 : DType.FLOAT32;
            Tensor oc = emptyCpu(dt, shape), os = emptySim(dt, shape);
            cpu.binary(op, xc.raw(), yc.raw(), oc.raw());
            gpu.binary(op, xs.raw(), ys.raw(), os.raw());
            assertArrayEquals(cpuValues(oc), simValues(os), 1e-6, op.name());
        }
        for (UnaryOp op : UnaryOp.values()) {
            boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW_SCALAR;
            Tensor ac = positive ? Tensor.fromArray(abs(x), 4, 3, 5) : xc, as = positive ? onSim(abs(x), 4, 3, 5) : xs;
            DType dt = PtxOps.isComparison(op) ? DType.UINT8 : DType.FLOAT32;
            Tensor oc = emptyCpu(dt, shape), os = emptySim(dt, shape);
            double a = op == UnaryOp.CLAMP ? -0.5 : op == UnaryOp.POW_SCALAR ? 1.5 : 0.25;
            cpu.unary(op, ac.transpose(0, 2).contiguous().transpose(0, 2).raw(), oc.raw(), a, 1.0);
            gpu.unary(op, as.raw(), os.raw(), a, 1.0);
            double[] e = cpuValues(oc), g = simValues(os);
            for (int i = 0; i < e.length; i++) assertEquals(e[i], g[i], 2e-6 * Math.max(1, Math.abs(e[i])), op + " element " + i);
        }
        // ReLU's backward in one pass
        float[] grad = random(60);
        Tensor out = emptySim(DType.FLOAT32, shape);
        gpu.reluBackward(xs.raw(), onSim(grad, shape).raw(), out.raw());
        double[] got = simValues(out);
        for (int i = 0; i < 60; i++) assertEquals(x[i] > 0 ? grad[i] : 0, got[i], 0, "relu backward " + i);
    }

    private static float[] abs(float[] v) {
        float[] o = v.clone();
        for (int i = 0; i < o.length; i++) o[i] = Math.abs(o[i]) + 0.01f;
        return o;
    }

    @Test
    void reductionsOverAnyDimsMatchTheCpu() {
        int[] shape = {3, 4, 5, 6};
        float[] x = random(360);
        Tensor xc = Tensor.fromArray(x, shape), xs = onSim(x, shape);
        int[][] dimSets = {{0}, {1}, {3}, {0, 2}, {1, 3}, {0, 1, 2, 3}, {}};
        for (ReduceOp op : ReduceOp.values()) {
            for (int[] dims : dimSets) {
                int[] keep = shape.clone();
                for (int d : dims) keep[d] = 1;
                Tensor oc = emptyCpu(DType.FLOAT32, keep), os = emptySim(DType.FLOAT32, keep);
                cpu.reduce(op, xc.raw(), dims, oc.raw());
                gpu.reduce(op, xs.raw(), dims, os.raw());
                double[] e = cpuValues(oc), g = simValues(os);
                for (int i = 0; i < e.length; i++) {
                    assertEquals(e[i], g[i], 1e-5 * Math.max(1, Math.abs(e[i])), op + " over " + Arrays.toString(dims) + " element " + i);
                }
            }
        }
        // a transposed input into a non-contiguous output (the CPU reference writes a dense one)
        Tensor oc = emptyCpu(DType.FLOAT32, 6, 1, 4), os = emptySim(DType.FLOAT32, 4, 1, 6).transpose(0, 2);
        cpu.reduce(ReduceOp.SUM, xc.sum(new int[] {0}, false).transpose(0, 2).raw(), new int[] {1}, oc.raw());
        Tensor s0 = emptySim(DType.FLOAT32, 1, 4, 5, 6);
        gpu.reduce(ReduceOp.SUM, xs.raw(), new int[] {0}, s0.raw());
        gpu.reduce(ReduceOp.SUM, s0.reshape(4, 5, 6).transpose(0, 2).raw(), new int[] {1}, os.raw());
        assertArrayEquals(cpuValues(oc), simValues(os), 1e-4);
    }

    private void matmulCase(String what, Tensor ac, Tensor bc, Tensor as, Tensor bs, Tensor outSim) {
        int[] o = {ac.size(0), ac.size(1), bc.size(2)};
        Tensor oc = emptyCpu(DType.FLOAT32, o);
        cpu.matmul(ac.raw(), bc.raw(), oc.raw());
        gpu.matmul(as.raw(), bs.raw(), outSim.raw());
        double[] e = cpuValues(oc), g = simValues(outSim);
        for (int i = 0; i < e.length; i++) assertEquals(e[i], g[i], 1e-4 * Math.max(1, Math.abs(e[i])), what + " element " + i);
    }

    @Test
    void matmulMapsViewsOntoCublas() {
        int b = 3, m = 5, k = 7, n = 4;
        float[] a = random(b * m * k), w = random(b * k * n);
        Tensor ac = Tensor.fromArray(a, b, m, k), bc = Tensor.fromArray(w, b, k, n);
        Tensor as = onSim(a, b, m, k), bs = onSim(w, b, k, n);
        matmulCase("plain", ac, bc, as, bs, emptySim(DType.FLOAT32, b, m, n));
        long copiesBefore = rt.launches;
        // transposed views: no copies, cuBLAS transposes
        Tensor at = Tensor.fromArray(a, b, k, m).transpose(1, 2), atS = onSim(a, b, k, m).transpose(1, 2);
        Tensor bt = Tensor.fromArray(w, b, n, k).transpose(1, 2), btS = onSim(w, b, n, k).transpose(1, 2);
        matmulCase("A^T B^T", at, bt, atS, btS, emptySim(DType.FLOAT32, b, m, n));
        assertEquals(copiesBefore + 1, rt.launches, "only the result's read-back cast launched a kernel (no operand copies)");
        // a broadcast batch (stride 0), like x [B,M,K] @ W [K,N]
        Tensor w1 = Tensor.fromArray(Arrays.copyOf(w, k * n), 1, k, n).expand(b, k, n);
        Tensor w1s = onSim(Arrays.copyOf(w, k * n), 1, k, n).expand(b, k, n);
        matmulCase("broadcast B", ac, w1, as, w1s, emptySim(DType.FLOAT32, b, m, n));
        // an operand with two non-unit strides must be copied first; a transposed output needs a temp
        float[] big = random(b * 2 * m * 2 * k);
        Tensor ab = Tensor.fromArray(big, b, 2 * m, 2 * k).slice(1, 0, 2 * m, 2).slice(2, 1, 2 * k, 2);
        Tensor abs = onSim(big, b, 2 * m, 2 * k).slice(1, 0, 2 * m, 2).slice(2, 1, 2 * k, 2);
        matmulCase("every-other-element A, transposed output", ab, bc, abs, bs, emptySim(DType.FLOAT32, b, n, m).transpose(1, 2));
        // odd and degenerate sizes
        float[] one = random(7);
        matmulCase("1x7 @ 7x1", Tensor.fromArray(one, 1, 1, 7), Tensor.fromArray(one, 1, 7, 1), onSim(one, 1, 1, 7), onSim(one, 1, 7, 1),
                emptySim(DType.FLOAT32, 1, 1, 1));
        Tensor empty = emptySim(DType.FLOAT32, 1, 2, 3);
        gpu.fill(empty.raw(), 9);
        gpu.matmul(emptySim(DType.FLOAT32, 1, 2, 0).raw(), emptySim(DType.FLOAT32, 1, 0, 3).raw(), empty.raw());
        assertTrue(Arrays.stream(simValues(empty)).allMatch(v -> v == 0), "K = 0 gives zeros");
    }

    @Test
    void whereSelectsOverBroadcastViewsWithEitherConditionType() {
        int[] shape = {3, 4, 5};
        float[] x = random(60), y = random(5), condF = random(12);
        condF[0] = 0;
        condF[3] = Float.NaN;
        byte[] condB = new byte[12];
        for (int i = 0; i < 12; i++) condB[i] = (byte) (i % 3 == 0 ? 0 : i * 20);
        Tensor xc = Tensor.fromArray(x, shape), yc = Tensor.fromArray(y, 1, 1, 5).expand(shape);
        Tensor xs = onSim(x, shape), ys = onSim(y, 1, 1, 5).expand(shape);
        Tensor[] condsC = {Tensor.fromArray(condF, 3, 4, 1).expand(shape), Tensor.fromArray(condB, 3, 4, 1).expand(shape)};
        Tensor[] condsS = {onSim(condF, 3, 4, 1).expand(shape), new Tensor(gpu.fromHost(condB, DType.UINT8), 3, 4, 1).expand(shape)};
        for (int k = 0; k < 2; k++) {
            Tensor oc = emptyCpu(DType.FLOAT32, shape), os = emptySim(DType.FLOAT32, shape);
            cpu.where(condsC[k].raw(), xc.raw(), yc.raw(), oc.raw());
            gpu.where(condsS[k].raw(), xs.raw(), ys.raw(), os.raw());
            assertArrayEquals(cpuValues(oc), simValues(os), "condition " + condsC[k].dtype());
        }
        // a transposed destination goes through a temporary
        Tensor oc = emptyCpu(DType.FLOAT32, 5, 4, 3), os = emptySim(DType.FLOAT32, 5, 4, 3).transpose(0, 2);
        cpu.where(condsC[0].transpose(0, 2).raw(), xc.transpose(0, 2).raw(), yc.transpose(0, 2).raw(), oc.raw());
        gpu.where(condsS[0].raw(), xs.raw(), ys.raw(), os.raw());
        assertArrayEquals(cpuValues(oc), simValues(os.transpose(0, 2)));
    }

    @Test
    void unsupportedAndMisplacedArgumentsAreNamed() {
        Tensor s = onSim(random(4), 4);
        Tensor f64 = new Tensor(gpu.fromHost(new double[4], DType.FLOAT64), 4);
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class, () -> gpu.softmax(f64.raw(), 0, false, f64.raw()));
        assertTrue(u.getMessage().contains("softmax") && u.getMessage().contains("FLOAT64") && u.getMessage().contains("cuda:0"), u.getMessage());
        Tensor c = Tensor.fromArray(new float[4], 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.binary(BinaryOp.ADD, s.raw(), c.raw(), s.raw()));
        assertTrue(e.getMessage().startsWith("y is on cpu"), e.getMessage());
        Tensor i32 = new Tensor(gpu.fromHost(new int[4], DType.INT32), 4);
        UnsupportedOperationException d = assertThrows(UnsupportedOperationException.class, () -> gpu.unary(UnaryOp.EXP, i32.raw(), i32.raw(), 0, 0));
        assertTrue(d.getMessage().contains("INT32"), d.getMessage());
    }

    /**
     * The three convolution passes reach the runtime with the right operands in cuDNN's order
     * per pass (the simulated runtime stands in for cuDNN with the CPU's convolution), strided
     * inputs made dense first, and the bias added through a broadcast elementwise pass.
     */
    @Test
    void convolutionPassesMapTheirOperandsAndTheBiasIsBroadcast() {
        int[] stride = {2, 1}, pad = {1, 0}, dil = {1, 2};
        int n = 2, c = 4, h = 7, w = 6, k = 6, groups = 2;
        float[] xv = random(n * h * c * w), wv = random(k * (c / groups) * 3 * 2);
        // x as a permuted view: stored [N,H,C,W], seen as [N,C,H,W]
        Tensor xSim = onSim(xv, n, h, c, w).permute(0, 2, 1, 3);
        Tensor xCpu = Tensor.fromArray(xv, n, h, c, w).permute(0, 2, 1, 3);
        Tensor wSim = onSim(wv, k, c / groups, 3, 2), wCpu = Tensor.fromArray(wv, k, c / groups, 3, 2);
        ConvGeometry g = ConvGeometry.of(xSim.shape(), wSim.shape(), stride, pad, dil, groups);
        int[] ys = g.outputShape();
        Tensor ySim = emptySim(DType.FLOAT32, ys), yCpu = emptyCpu(DType.FLOAT32, ys);
        gpu.conv2dForward(xSim.raw(), wSim.raw(), ySim.raw(), stride, pad, dil, groups);
        cpu.conv2dForward(xCpu.raw(), wCpu.raw(), yCpu.raw(), stride, pad, dil, groups);
        assertArrayEquals(cpuValues(yCpu), simValues(ySim), 1e-5);

        float[] dyv = random(Arrays.stream(ys).reduce(1, (a, b) -> a * b));
        Tensor dySim = onSim(dyv, ys), dyCpu = Tensor.fromArray(dyv, ys);
        Tensor dxSim = emptySim(DType.FLOAT32, n, c, h, w), dxCpu = emptyCpu(DType.FLOAT32, n, c, h, w);
        gpu.conv2dBackwardData(dySim.raw(), wSim.raw(), dxSim.raw(), stride, pad, dil, groups);
        cpu.conv2dBackwardData(dyCpu.raw(), wCpu.raw(), dxCpu.raw(), stride, pad, dil, groups);
        assertArrayEquals(cpuValues(dxCpu), simValues(dxSim), 1e-5);

        Tensor dwSim = emptySim(DType.FLOAT32, wSim.shape()), dwCpu = emptyCpu(DType.FLOAT32, wCpu.shape());
        gpu.conv2dBackwardFilter(xSim.raw(), dySim.raw(), dwSim.raw(), stride, pad, dil, groups);
        cpu.conv2dBackwardFilter(xCpu.raw(), dyCpu.raw(), dwCpu.raw(), stride, pad, dil, groups);
        assertArrayEquals(cpuValues(dwCpu), simValues(dwSim), 1e-5);

        float[] bv = random(k);
        double[] expected = simValues(ySim);
        int plane = ys[2] * ys[3];
        for (int i = 0; i < expected.length; i++) expected[i] = (float) ((float) expected[i] + bv[(i / plane) % k]);
        gpu.conv2dBiasAdd(ySim.raw(), onSim(bv, k).raw());
        assertArrayEquals(expected, simValues(ySim), 0);
    }
}
