package org.jgrad.cuda;

import org.jgrad.tensor.DType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-written kernels executed on the CPU by {@link PtxSimulator}, launched through the
 * production {@link Kernels} launchers (so the argument order is checked against each .param
 * list), against Java references: every op code, broadcast and strided views, every dtype
 * conversion, fills, and reductions with warp shuffles, shared memory and grid-stride loops.
 */
class PtxKernelsSimTest {
    private PtxSimulator sim;
    private Kernels kernels;
    private final Random rng = new Random(17);

    @BeforeEach
    void setUp() {
        sim = new PtxSimulator(16 << 20);
        for (String family : PtxModules.ENTRIES.keySet()) sim.load(new String(PtxModules.readPtx(family), StandardCharsets.UTF_8));
        kernels = new Kernels(new KernelLauncher() {
            @Override
            public int multiprocessors() { return 1; } // few blocks: grid-stride loops get exercised

            @Override
            public void launch(String family, String entry, int grid, int block, List<Object> args) {
                assertTrue(PtxModules.ENTRIES.get(family).contains(entry), entry + " is listed under " + family);
                sim.launch(entry, grid, block, args);
            }
        });
    }

    private long floats(float[] v) {
        long a = sim.alloc(4L * v.length);
        sim.putFloats(a, v);
        return a;
    }

    private float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextFloat() * 4 - 2;
        return v;
    }

    /** Element i of a view: offset along row-major logical index with the given strides. */
    private static int at(int[] shape, int[] strides, int i) {
        int off = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            off += (i % shape[d]) * strides[d];
            i /= shape[d];
        }
        return off;
    }

    private static float binaryRef(int op, float x, float y) {
        return switch (op) {
            case 0 -> x + y;
            case 1 -> x - y;
            case 2 -> x * y;
            case 3 -> x / y;
            case 4 -> (float) Math.pow(x, y);
            case 5 -> Float.isNaN(x) || Float.isNaN(y) ? Float.NaN : Math.max(x, y);
            case 6 -> Float.isNaN(x) || Float.isNaN(y) ? Float.NaN : Math.min(x, y);
            case 7 -> x == y ? 1 : 0;
            case 8 -> x != y ? 1 : 0;
            case 9 -> x < y ? 1 : 0;
            case 10 -> x <= y ? 1 : 0;
            case 11 -> x > y ? 1 : 0;
            case 12 -> x >= y ? 1 : 0;
            case 13 -> x > 0 ? y : 0;
            default -> throw new AssertionError(op);
        };
    }

    @Test
    void binaryOpsOverTransposedAndBroadcastViews() {
        int[] shape = {3, 5, 7};
        int n = 105;
        // x: a transposed view of a [7,5,3] buffer; y: [1,5,1] broadcast; some equal pairs and a NaN
        float[] xb = random(n), yb = random(5);
        xb[4] = yb[1];
        xb[10] = Float.NaN;
        int[] xs = {1, 3, 15}, ys = {0, 1, 0}, os = {35, 7, 1};
        long x = floats(xb), y = floats(yb);
        for (int op = 0; op <= 13; op++) {
            boolean cmp = op >= 7 && op <= 12;
            long out = sim.alloc(cmp ? n : 4L * n);
            float[] xv = new float[n], yv = new float[n];
            for (int i = 0; i < n; i++) {
                xv[i] = xb[at(shape, xs, i)];
                yv[i] = yb[at(shape, ys, i)];
                if (op == 4) xv[i] = Math.abs(xv[i]); // POW is checked on positive bases here
            }
            long xa = x;
            if (op == 4) {
                float[] pos = xb.clone();
                for (int i = 0; i < pos.length; i++) pos[i] = Math.abs(pos[i]);
                xa = floats(pos);
            }
            kernels.binary(op, StridedMeta.of(shape, os, xs, ys), out, cmp ? 1 : 0, xa, y);
            for (int i = 0; i < n; i++) {
                float expected = binaryRef(op, xv[i], yv[i]);
                float got = cmp ? sim.getBytes(out + i, 1)[0] : sim.getFloats(out + 4L * i, 1)[0];
                if (op == 4 && !Float.isNaN(expected)) {
                    assertEquals(expected, got, 1e-5 * Math.max(1, Math.abs(expected)), "op " + op + " element " + i);
                } else {
                    assertEquals(expected, got, 0f, "op " + op + " element " + i + " x=" + xv[i] + " y=" + yv[i]);
                }
            }
        }
    }

    @Test
    void powSignRules() {
        float[] base = {-2, -2, -2, 0, 4, Float.NaN};
        float[] exp = {3, 2, 0.5f, 0, -0.5f, 0};
        long out = sim.alloc(24);
        kernels.binary(4, StridedMeta.of(new int[] {6}, new int[] {1}, new int[] {1}, new int[] {1}), out, 0, floats(base), floats(exp));
        float[] got = sim.getFloats(out, 6);
        assertEquals(-8f, got[0], 1e-5);
        assertEquals(4f, got[1], 1e-5);
        assertTrue(Float.isNaN(got[2]), "negative base, fractional exponent");
        assertEquals(1f, got[3]);
        assertEquals(0.5f, got[4], 1e-6);
        assertEquals(1f, got[5], "NaN^0 = 1");
    }

    private static double unaryRef(int op, double x, double a, double b) {
        return switch (op) {
            case 0 -> -x;
            case 1 -> Math.exp(x);
            case 2 -> Math.log(x);
            case 3 -> Math.sqrt(x);
            case 4 -> Math.abs(x);
            case 5 -> Math.max(x, 0);
            case 6 -> 1 / (1 + Math.exp(-x));
            case 7 -> Math.tanh(x);
            case 8 -> Math.signum(x);
            case 9 -> Math.pow(x, a);
            case 10 -> Math.min(Math.max(x, a), b);
            case 11 -> x + a;
            case 12 -> x * a;
            case 13 -> a / x;
            case 14 -> x > a ? 1 : 0;
            case 15 -> x < a ? 1 : 0;
            case 16 -> x >= a ? 1 : 0;
            case 17 -> x <= a ? 1 : 0;
            case 18 -> x == a ? 1 : 0;
            case 19 -> x != a ? 1 : 0;
            default -> throw new AssertionError(op);
        };
    }

    @Test
    void unaryOpsOverAStridedView() {
        int[] shape = {9, 11};
        int n = 99;
        float[] buf = new float[2 * n];
        for (int i = 0; i < buf.length; i++) buf[i] = (rng.nextFloat() - 0.5f) * 30;
        buf[0] = 0;
        buf[2] = 0.25f;
        buf[4] = -0.01f;
        buf[6] = 0.1f;
        int[] xs = {22, 2}; // every other element
        long x = floats(buf);
        for (int op = 0; op <= 19; op++) {
            boolean cmp = op >= 14;
            float a = op == 9 ? 2.5f : op == 10 ? -3f : 0.25f, b = 4f;
            long out = sim.alloc(cmp ? n : 4L * n);
            long xa = x;
            float[] src = buf;
            if (op == 2 || op == 3 || op == 9) {
                src = buf.clone();
                for (int i = 0; i < src.length; i++) src[i] = Math.abs(src[i]) + 0.001f;
                xa = floats(src);
            }
            kernels.unary(op, StridedMeta.of(shape, new int[] {11, 1}, xs), out, cmp ? 1 : 0, xa, a, b);
            for (int i = 0; i < n; i++) {
                double xv = src[at(shape, xs, i)];
                double expected = unaryRef(op, xv, a, b);
                double got = cmp ? sim.getBytes(out + i, 1)[0] : sim.getFloats(out + 4L * i, 1)[0];
                assertEquals(expected, got, 3e-6 * Math.max(1, Math.abs(expected)), "op " + op + " x=" + xv);
            }
        }
        // exp over its whole range, including overflow to inf and underflow to 0
        float[] wide = {-100, -87, -20, -1e-3f, 0, 1e-3f, 20, 88, 89, 100};
        long out = sim.alloc(40);
        kernels.unary(1, StridedMeta.of(new int[] {10}, new int[] {1}, new int[] {1}), out, 0, floats(wide), 0, 0);
        float[] got = sim.getFloats(out, 10);
        for (int i = 0; i < wide.length; i++) {
            double e = Math.exp(wide[i]);
            float ef = (float) e;
            // within 2 ulp of the correctly rounded float (subnormal results have coarse ulps)
            if (Float.isInfinite(ef)) assertEquals(ef, got[i], "exp(" + wide[i] + ")");
            else assertEquals(ef, got[i], 2 * Math.ulp(ef), "exp(" + wide[i] + ")");
        }
    }

    @Test
    void contiguousOperandsTakeTheFastPathAcrossAGridStrideLoop() {
        int n = 5000; // more than one grid-stride pass with 8 blocks of 256
        float[] xb = random(n), yb = random(n);
        long out = sim.alloc(4L * n);
        StridedMeta m = StridedMeta.of(new int[] {50, 100}, new int[] {100, 1}, new int[] {100, 1}, new int[] {100, 1});
        assertTrue(m.contiguous());
        kernels.binary(2, m, out, 0, floats(xb), floats(yb));
        float[] got = sim.getFloats(out, n);
        for (int i = 0; i < n; i++) assertEquals(xb[i] * yb[i], got[i], 0f, "element " + i);
    }

    /** Writes v as dtype dt at element i. */
    private static void put(ByteBuffer b, DType dt, int i, double v, long lv) {
        switch (dt) {
            case FLOAT32 -> b.putFloat(4 * i, (float) v);
            case FLOAT64 -> b.putDouble(8 * i, v);
            case INT32 -> b.putInt(4 * i, (int) lv);
            case INT64 -> b.putLong(8 * i, lv);
            case UINT8 -> b.put(i, (byte) lv);
        }
    }

    /** The value as Java would convert it: floats truncate toward zero into integers, integers wrap. */
    private static String expect(DType from, DType to, double v, long lv) {
        if (from.isFloatingPoint()) {
            return switch (to) {
                case FLOAT32 -> Float.toString((float) v);
                case FLOAT64 -> Double.toString(from == DType.FLOAT32 ? (double) (float) v : v);
                case INT32 -> Long.toString((int) (long) v);
                case INT64 -> Long.toString((long) v);
                case UINT8 -> Long.toString(((long) v) & 0xFF);
            };
        }
        long x = from == DType.UINT8 ? lv & 0xFF : from == DType.INT32 ? (int) lv : lv;
        return switch (to) {
            case FLOAT32 -> Float.toString((float) x);
            case FLOAT64 -> Double.toString((double) x);
            case INT32 -> Long.toString((int) x);
            case INT64 -> Long.toString(x);
            case UINT8 -> Long.toString(x & 0xFF);
        };
    }

    private static String read(ByteBuffer b, DType dt, int i) {
        return switch (dt) {
            case FLOAT32 -> Float.toString(b.getFloat(4 * i));
            case FLOAT64 -> Double.toString(b.getDouble(8 * i));
            case INT32 -> Long.toString(b.getInt(4 * i));
            case INT64 -> Long.toString(b.getLong(8 * i));
            case UINT8 -> Long.toString(b.get(i) & 0xFF);
        };
    }

    @Test
    void everyDtypeConversionOverAPermutedView() {
        int[] shape = {4, 6};
        int[] srcStrides = {1, 4}; // the transpose of a dense [6,4] buffer
        int n = 24;
        double[] vals = new double[n];
        long[] lvals = new long[n];
        for (int i = 0; i < n; i++) {
            vals[i] = (rng.nextDouble() - 0.5) * 600;
            lvals[i] = rng.nextLong() >> rng.nextInt(60);
        }
        vals[0] = -0.75;
        vals[1] = 1e10;
        lvals[0] = -1;
        lvals[1] = (1L << 53) + 1;
        for (DType from : DType.values()) {
            long src = sim.alloc((long) n * from.byteSize());
            ByteBuffer sb = sim.view(src, n * from.byteSize());
            for (int i = 0; i < n; i++) put(sb, from, i, vals[i], lvals[i]);
            for (DType to : DType.values()) {
                long dst = sim.alloc((long) n * to.byteSize());
                kernels.copy(StridedMeta.of(shape, new int[] {6, 1}, srcStrides), dst, to.ordinal(), src, from.ordinal());
                ByteBuffer db = sim.view(dst, n * to.byteSize());
                for (int i = 0; i < n; i++) {
                    int s = at(shape, srcStrides, i);
                    String expected = expect(from, to, vals[s], from == DType.UINT8 ? lvals[s] & 0xFF : from == DType.INT32 ? (int) lvals[s] : lvals[s]);
                    if (from.isFloatingPoint() && !to.isFloatingPoint() && Math.abs(vals[s]) > Integer.MAX_VALUE) continue; // out of range: undefined
                    assertEquals(expected, read(db, to, i), from + " -> " + to + " element " + i);
                }
            }
        }
    }

    @Test
    void stridedFillsWriteOnlyTheView() {
        for (int size : new int[] {1, 4, 8}) {
            long dst = sim.alloc(12L * size);
            long bits = size == 8 ? 0x1122334455667788L : size == 4 ? 0xCAFEBABEL : 0x5AL;
            kernels.fill(StridedMeta.of(new int[] {3, 2}, new int[] {4, 2}), dst, size, bits);
            ByteBuffer b = sim.view(dst, 12 * size);
            for (int e = 0; e < 12; e++) {
                boolean inView = e % 2 == 0 && e % 4 < 4 && (e % 4 == 0 || e % 4 == 2);
                long v = size == 8 ? b.getLong(8 * e) : size == 4 ? b.getInt(4 * e) & 0xFFFFFFFFL : b.get(e) & 0xFF;
                assertEquals(inView ? bits : 0, v, "size " + size + " element " + e);
            }
        }
    }

    @Test
    void reductionsFoldRowsWithShufflesAndSharedMemory() {
        // [rows = 3 x 29 kept, k reduced], input permuted so the reduced axis is not innermost in memory
        int[] ks = {1, 5, 37, 300};
        for (int k : ks) {
            int a = 4, b = 10, rows = a * b; // more rows than the 32 blocks launched: the row loop runs
            float[] buf = random(rows * k);
            // memory layout [k, a, b]; logical permuted view [a, b, k]
            int[] shape = {a, b, k}, strides = {b, 1, a * b};
            long x = floats(buf);
            for (int op = 0; op <= 3; op++) {
                long out = sim.alloc(4L * rows);
                kernels.reduceRows(op, rows, k, out, x, StridedMeta.of(shape, strides).pack(1));
                float[] got = sim.getFloats(out, rows);
                for (int r = 0; r < rows; r++) {
                    double acc = op == 0 ? 0 : op == 3 ? 1 : op == 1 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        float v = buf[at(shape, strides, r * k + j)];
                        acc = switch (op) { case 0 -> acc + v; case 1 -> Math.max(acc, v); case 2 -> Math.min(acc, v); default -> acc * v; };
                    }
                    assertEquals(acc, got[r], 1e-5 * Math.max(1, Math.abs(acc)) * Math.sqrt(k), "op " + op + " k " + k + " row " + r);
                }
            }
        }
    }

    @Test
    void maxPropagatesNaNAndEmptyLaunchesDoNothing() {
        float[] v = {1, Float.NaN, 3, 2};
        long out = sim.alloc(4);
        kernels.reduceRows(1, 1, 4, out, floats(v), StridedMeta.of(new int[] {4}, new int[] {1}).pack(1));
        assertTrue(Float.isNaN(sim.getFloats(out, 1)[0]));
        kernels.binary(0, StridedMeta.of(new int[] {0}, new int[] {1}, new int[] {1}, new int[] {1}), 0, 0, 0, 0);
        kernels.reduceRows(0, 0, 5, 0, 0, new byte[128]);
    }

    @Test
    void theSimulatorRejectsAMismatchedLaunch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sim.launch("ew_binary_f32", 1, 32, List.of(0, 1, 0, 0, 0L, 0L, 0L)));
        assertTrue(e.getMessage().contains("declares 8 parameters"), e.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> sim.launch("ew_binary_f32", 1, 32, List.of(0, 1, 0, 0, 0, 0L, 0L, new byte[128])));
        assertTrue(size.getMessage().contains("p_out"), size.getMessage());
    }
}
