package org.jgrad.cuda;

import org.jgrad.backend.Backends;
import org.jgrad.backend.Backend;
import org.jgrad.backend.BinaryOp;
import org.jgrad.backend.ReduceOp;
import org.jgrad.backend.UnaryOp;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Non-float32 elementwise ops and reductions on the simulated GPU (wide.ptx) against the CPU
 * backend, which computes them in float64 (int64 add/sub/mul exactly): labels compared,
 * masks summed into int64 counts, the batch-norm step counter incremented, float64 math.
 */
class CudaWideOpsSimTest {
    private final CudaBackend gpu = new CudaBackend(0, null, new SimulatedRuntime(16 << 20), Device.cpu());
    private final Backend cpu = Backends.of(Device.cpu());
    private final Random rng = new Random(31);

    private Tensor sim(Object array, DType dt, int... shape) { return new Tensor(gpu.fromHost(array, dt), shape); }

    private Tensor simEmpty(DType dt, int... shape) { return new Tensor(gpu.allocate(dt, Arrays.stream(shape).reduce(1, (a, b) -> a * b)), shape); }

    private Tensor host(Object array, DType dt, int... shape) { return new Tensor(cpu.fromHost(array, dt), shape); }

    private static Object newArray(DType dt, int n) {
        return switch (dt) {
            case FLOAT32 -> new float[n]; case FLOAT64 -> new double[n]; case INT32 -> new int[n];
            case INT64 -> new long[n]; case UINT8 -> new byte[n];
        };
    }

    private Object simOut(Tensor t) {
        Object a = newArray(t.dtype(), t.numel());
        gpu.toHost(t.raw(), a);
        return a;
    }

    private Object cpuOut(Tensor t) {
        Object a = newArray(t.dtype(), t.numel());
        cpu.toHost(t.raw(), a);
        return a;
    }

    private static void assertSame(Object expected, Object actual, String what) {
        switch (expected) {
            case long[] e -> assertArrayEquals(e, (long[]) actual, what);
            case int[] e -> assertArrayEquals(e, (int[]) actual, what);
            case byte[] e -> assertArrayEquals(e, (byte[]) actual, what);
            case double[] e -> assertArrayEquals(e, (double[]) actual, what);
            case float[] e -> assertArrayEquals(e, (float[]) actual, what);
            default -> throw new AssertionError(expected.getClass());
        }
    }

    @Test
    void int64ArithmeticIsExactPastTwoToThe53() {
        long[] x = {(1L << 60) + 1, -7, Long.MAX_VALUE, 3};
        long[] y = {1, 5, 1, -4};
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL}) {
            Tensor o = simEmpty(DType.INT64, 4), oc = Tensor.empty(DType.INT64, Device.cpu(), 4);
            gpu.binary(op, sim(x, DType.INT64, 4).raw(), sim(y, DType.INT64, 4).raw(), o.raw());
            cpu.binary(op, host(x, DType.INT64, 4).raw(), host(y, DType.INT64, 4).raw(), oc.raw());
            assertSame(cpuOut(oc), simOut(o), op.name());
        }
        long[] got = new long[4];
        Tensor o = simEmpty(DType.INT64, 4);
        gpu.binary(BinaryOp.ADD, sim(x, DType.INT64, 4).raw(), sim(y, DType.INT64, 4).raw(), o.raw());
        gpu.toHost(o.raw(), got);
        assertEquals((1L << 60) + 2, got[0], "no float64 rounding");
        assertEquals(Long.MIN_VALUE, got[2], "wraps as Java's long does");
    }

    @Test
    void labelsComparedAndMasksSummedMatchTheCpu() {
        // predicted vs true labels, as int64 [N] and broadcast against a class row
        int n = 37, c = 5;
        long[] pred = new long[n], truth = new long[n];
        for (int i = 0; i < n; i++) { pred[i] = rng.nextInt(c); truth[i] = rng.nextInt(c); }
        for (BinaryOp op : new BinaryOp[] {BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.GE, BinaryOp.MAXIMUM, BinaryOp.MINIMUM}) {
            DType outType = op.isComparison() ? DType.UINT8 : DType.INT64;
            Tensor o = simEmpty(outType, n), oc = Tensor.empty(outType, Device.cpu(), n);
            gpu.binary(op, sim(pred, DType.INT64, n).raw(), sim(truth, DType.INT64, n).raw(), o.raw());
            cpu.binary(op, host(pred, DType.INT64, n).raw(), host(truth, DType.INT64, n).raw(), oc.raw());
            assertSame(cpuOut(oc), simOut(o), op.name());
        }
        // one-hot by broadcasting: labels [N,1] == classes [1,C] (stride-0 views)
        long[] classes = {0, 1, 2, 3, 4};
        Tensor lab = sim(truth, DType.INT64, n).reshape(n, 1).expand(n, c), cls = sim(classes, DType.INT64, c).reshape(1, c).expand(n, c);
        Tensor labC = host(truth, DType.INT64, n).reshape(n, 1).expand(n, c), clsC = host(classes, DType.INT64, c).reshape(1, c).expand(n, c);
        Tensor hot = simEmpty(DType.UINT8, n, c), hotC = Tensor.empty(DType.UINT8, Device.cpu(), n, c);
        gpu.binary(BinaryOp.EQ, lab.raw(), cls.raw(), hot.raw());
        cpu.binary(BinaryOp.EQ, labC.raw(), clsC.raw(), hotC.raw());
        assertSame(cpuOut(hotC), simOut(hot), "one-hot");
        // counts per class: a uint8 mask summed over dim 0 into int64, and the total
        Tensor counts = simEmpty(DType.INT64, 1, c), countsC = Tensor.empty(DType.INT64, Device.cpu(), 1, c);
        gpu.reduce(ReduceOp.SUM, hot.raw(), new int[] {0}, counts.raw());
        cpu.reduce(ReduceOp.SUM, hotC.raw(), new int[] {0}, countsC.raw());
        assertSame(cpuOut(countsC), simOut(counts), "per-class counts");
        Tensor total = simEmpty(DType.INT64, 1, 1);
        gpu.reduce(ReduceOp.SUM, hot.raw(), new int[] {0, 1}, total.raw());
        assertEquals(n, ((long[]) simOut(total))[0], "each sample is one-hot exactly once");
    }

    @Test
    void reductionsOverPermutedIntAndDoubleViewsMatchTheCpu() {
        int a = 3, b = 70, c = 4; // rows longer than a warp
        int[] iv = new int[a * b * c];
        double[] dv = new double[a * b * c];
        for (int i = 0; i < iv.length; i++) { iv[i] = rng.nextInt(2001) - 1000; dv[i] = rng.nextGaussian(); }
        dv[17] = Double.NaN;
        for (ReduceOp op : ReduceOp.values()) {
            for (int[] dims : new int[][] {{1}, {0, 2}, {0, 1, 2}}) {
                int[] keep = {dims.length == 3 || contains(dims, 0) ? 1 : a, contains(dims, 1) ? 1 : b, contains(dims, 2) ? 1 : c};
                // an int32 view transposed in memory: x is [a,b,c] over a [c,b,a] buffer
                Tensor xs = sim(iv, DType.INT32, c, b, a).permute(2, 1, 0), xc = host(iv, DType.INT32, c, b, a).permute(2, 1, 0);
                Tensor o = simEmpty(DType.INT64, keep), oc = Tensor.empty(DType.INT64, Device.cpu(), keep);
                gpu.reduce(op, xs.raw(), dims, o.raw());
                cpu.reduce(op, xc.raw(), dims, oc.raw());
                if (op != ReduceOp.PROD) assertSame(cpuOut(oc), simOut(o), "int32 " + op + " over " + Arrays.toString(dims));
                Tensor ds = sim(dv, DType.FLOAT64, a, b, c), dc = host(dv, DType.FLOAT64, a, b, c);
                Tensor od = simEmpty(DType.FLOAT64, keep), odc = Tensor.empty(DType.FLOAT64, Device.cpu(), keep);
                gpu.reduce(op, ds.raw(), dims, od.raw());
                cpu.reduce(op, dc.raw(), dims, odc.raw());
                double[] e = (double[]) cpuOut(odc), g = (double[]) simOut(od);
                for (int i = 0; i < e.length; i++) {
                    if (Double.isNaN(e[i])) { assertTrue(Double.isNaN(g[i]), "NaN propagates in " + op); continue; }
                    assertEquals(e[i], g[i], 1e-12 * Math.max(1, Math.abs(e[i])), "float64 " + op + " over " + Arrays.toString(dims) + " at " + i);
                }
            }
        }
    }

    private static boolean contains(int[] a, int v) { return Arrays.stream(a).anyMatch(x -> x == v); }

    @Test
    void unaryOnIntegersIncludingTheStepCounterMatchesTheCpu() {
        long[] counter = {41};
        Tensor t = sim(counter, DType.INT64);
        gpu.unary(UnaryOp.ADD_SCALAR, t.raw(), t.raw(), 1, 0); // BatchNorm's num_batches_tracked += 1, in place
        assertEquals(42L, ((long[]) simOut(t))[0]);
        int[] v = {-5, 0, 3, 7, -1, 12};
        for (UnaryOp op : new UnaryOp[] {UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SIGN, UnaryOp.CLAMP, UnaryOp.MUL_SCALAR, UnaryOp.GT_SCALAR, UnaryOp.EQ_SCALAR}) {
            DType outType = PtxOps.isComparison(op) ? DType.UINT8 : DType.INT32;
            Tensor o = simEmpty(outType, 6), oc = Tensor.empty(outType, Device.cpu(), 6);
            gpu.unary(op, sim(v, DType.INT32, 6).raw(), o.raw(), op == UnaryOp.CLAMP ? -2 : 2.5, 4);
            cpu.unary(op, host(v, DType.INT32, 6).raw(), oc.raw(), op == UnaryOp.CLAMP ? -2 : 2.5, 4);
            assertSame(cpuOut(oc), simOut(o), op.name());
        }
        var e = assertThrows(UnsupportedOperationException.class, () -> gpu.unary(UnaryOp.EXP, sim(v, DType.INT32, 6).raw(), simEmpty(DType.INT32, 6).raw(), 0, 0));
        assertTrue(e.getMessage().contains("EXP") && e.getMessage().contains("INT32"), e.getMessage());
    }

    @Test
    void float64DivisionAndNanMaximumMatchTheCpu() {
        double[] x = {1, -2, Double.NaN, 0, 5}, y = {3, 0, 1, 0, Double.NaN};
        for (BinaryOp op : new BinaryOp[] {BinaryOp.DIV, BinaryOp.MAXIMUM, BinaryOp.MINIMUM, BinaryOp.NE}) {
            DType outType = op.isComparison() ? DType.UINT8 : DType.FLOAT64;
            Tensor o = simEmpty(outType, 5), oc = Tensor.empty(outType, Device.cpu(), 5);
            gpu.binary(op, sim(x, DType.FLOAT64, 5).raw(), sim(y, DType.FLOAT64, 5).raw(), o.raw());
            cpu.binary(op, host(x, DType.FLOAT64, 5).raw(), host(y, DType.FLOAT64, 5).raw(), oc.raw());
            assertSame(cpuOut(oc), simOut(o), op.name());
        }
    }

    /** The PyTorch idiom through the Tensor API on the simulated GPU: max(outputs, 1), ==, sum, per-class counts. */
    @Test
    void accuracyCountingThroughTheTensorApiMatchesTheCpu() {
        Device cuda = SimulatedCuda.device();
        Tensor logits = Tensor.randn(new org.jgrad.tensor.Generator(3), 3, 4, 5, 6);
        long[] labels = new long[3 * 5 * 6];
        for (int i = 0; i < labels.length; i++) labels[i] = rng.nextInt(4);
        Tensor target = Tensor.fromArray(labels, 3, 5, 6);
        Tensor pred = logits.argmax(1), predG = logits.to(cuda).argmax(1);
        assertEquals((long) pred.eq(target).sum().item(), (long) predG.eq(target.to(cuda)).sum().item(), "correct pixels");
        Tensor classes = Tensor.arange(0, 4, 1, DType.INT64, Device.cpu()).reshape(1, 4, 1, 1);
        long[] counts = pred.unsqueeze(1).eq(classes).sum(new int[] {0, 2, 3}, false).toLongArray();
        long[] countsG = predG.unsqueeze(1).eq(classes.to(cuda)).sum(new int[] {0, 2, 3}, false).toLongArray();
        assertArrayEquals(counts, countsG, "per-class counts");
        assertEquals(3 * 5 * 6, Arrays.stream(countsG).sum());
    }

    /** empty() skips the zero-filling pass on the GPU (as torch.empty); zeros() and full(0) do not. */
    @Test
    void emptyIsUninitialisedWhileZerosAndFullZeroAreZero() {
        Device cuda = SimulatedCuda.device();
        float[] e = Tensor.empty(DType.FLOAT32, cuda, 5).toFloatArray();
        assertTrue(Float.isNaN(e[0]), "the simulated device's leftovers (NaN bytes) are still there: no zeroing pass");
        assertArrayEquals(new float[5], Tensor.zeros(DType.FLOAT32, cuda, 5).toFloatArray());
        assertArrayEquals(new float[5], Tensor.full(0, DType.FLOAT32, cuda, 5).toFloatArray());
        assertArrayEquals(new long[] {0, 0}, Tensor.zeros(DType.INT64, cuda, 2).toLongArray());
    }
}
