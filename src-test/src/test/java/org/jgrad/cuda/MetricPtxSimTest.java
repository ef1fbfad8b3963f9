package org.jgrad.cuda;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.CpuBackend;
import org.jgrad.cuda.metrics.CudaMetrics;
import org.jgrad.cuda.metrics.Launch;
import org.jgrad.cuda.metrics.Launcher;
import org.jgrad.cuda.metrics.MetricDevice;
import org.jgrad.cuda.metrics.SegStatsPlan;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.jgrad.tensor.View;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The metric PTX itself (seg_stats.ptx, confusion.ptx) executed by {@link PtxSimulator} through
 * the production launch plans and {@link CudaMetrics}, against the CPU reference: binary counts
 * for every target dtype and grouping, views one element in (scalar path) and aligned ones
 * (16-byte path with head and tail), the argmax histogram with shared sub-histograms and with
 * global bins, the label histogram.
 */
class MetricPtxSimTest {
    private PtxSimulator sim;
    private final Map<View, Long> addresses = new IdentityHashMap<>();
    private final List<String> launched = new ArrayList<>();
    private CudaMetrics metrics;

    @BeforeEach
    void setUp() {
        sim = new PtxSimulator(48 << 20);
        for (String family : List.of("seg_stats", "confusion")) sim.load(new String(PtxModules.readPtx(family), StandardCharsets.UTF_8));
        Launcher launcher = (module, kernel, grid, block, shared, args) -> {
            launched.add(kernel);
            sim.launch(kernel, grid, block, shared, List.of(args));
        };
        metrics = new CudaMetrics(new MetricDevice() {
            @Override public Launcher launcher() { return launcher; }
            @Override public long address(View v) {
                Long a = addresses.get(v);
                if (a == null) throw new AssertionError("tensor not uploaded");
                return a;
            }
            @Override public int multiprocessors() { return 1; } // 8 blocks: blocks take several units, rows several chunks
            @Override public Dense contiguous(View v) { throw new AssertionError("plans must not need copies here"); }
        });
    }

    /** Copies a CPU tensor's whole storage to simulated memory at a 16-byte aligned address; the view's offset applies. */
    private void upload(Tensor t) {
        Object arr = ((org.jgrad.backend.CpuStorage) t.storage()).array();
        int n = java.lang.reflect.Array.getLength(arr), size = t.dtype().byteSize();
        long base = sim.alloc((long) n * size);
        ByteBuffer b = sim.view(base, n * size);
        for (int i = 0; i < n; i++) {
            switch (t.dtype()) {
                case FLOAT32 -> b.putFloat(((float[]) arr)[i]);
                case FLOAT64 -> b.putDouble(((double[]) arr)[i]);
                case INT32 -> b.putInt(((int[]) arr)[i]);
                case INT64 -> b.putLong(((long[]) arr)[i]);
                case UINT8 -> b.put(((byte[]) arr)[i]);
            }
        }
        addresses.put(t.raw(), base + (long) t.offset() * size);
    }

    private long[] longsAt(Tensor t, int n) {
        long[] v = new long[n];
        ByteBuffer b = sim.view(addresses.get(t.raw()), 8 * n);
        for (int i = 0; i < n; i++) v[i] = b.getLong();
        return v;
    }

    private static int[] rowMajor(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) { s[d] = acc; acc *= shape[d]; }
        return s;
    }

    private static Object labels(DType t, long[] v) {
        return switch (t) {
            case UINT8 -> { byte[] a = new byte[v.length]; for (int i = 0; i < a.length; i++) a[i] = (byte) v[i]; yield a; }
            case INT32 -> { int[] a = new int[v.length]; for (int i = 0; i < a.length; i++) a[i] = (int) v[i]; yield a; }
            case FLOAT32 -> { float[] a = new float[v.length]; for (int i = 0; i < a.length; i++) a[i] = i % 53 == 7 ? Float.NaN : v[i]; yield a; }
            default -> v;
        };
    }

    @Test
    void binaryStatsPtxMatchesCpu() {
        SplittableRandom rnd = new SplittableRandom(88);
        int[][] shapes = {{1, 1, 1, 1}, {2, 3, 5, 7}, {3, 1, 33, 17}, {1, 1, 1029}, {13}, {2, 1, 130, 131}, {4, 5, 3, 3}};
        CpuBackend cpu = CpuBackend.INSTANCE;
        int vecLaunches = 0, runs = 0;
        for (int[] shape : shapes) {
            for (DType t : new DType[]{DType.UINT8, DType.INT32, DType.INT64, DType.FLOAT32}) {
                for (BinaryStatsSpec.Grouping g : BinaryStatsSpec.Grouping.values()) {
                    int po = rnd.nextInt(3) == 0 ? 1 : 0, to = rnd.nextInt(3) == 0 ? 1 - po : po;
                    BinaryStatsSpec spec = new BinaryStatsSpec(rnd.nextBoolean() ? BinaryStatsSpec.Activation.SIGMOID : BinaryStatsSpec.Activation.NONE,
                            new double[]{0, 0.5, 1, 0.25}[rnd.nextInt(4)], g, rnd.nextBoolean(), rnd.nextBoolean() ? 255 : -1, null);
                    if (shape.length > 1 && shape[1] == 3 && rnd.nextBoolean()) spec = spec.withIgnoreChannels(1);
                    if (rnd.nextBoolean()) spec = spec.withRule(BinaryStatsSpec.Rule.GREATER_EQUAL); // the cutoff carries either rule
                    final BinaryStatsSpec fspec = spec;
                    int n = 1;
                    for (int s : shape) n *= s;
                    float[] p = new float[n + po];
                    for (int i = 0; i < p.length; i++) {
                        int k = rnd.nextInt(40);
                        p[i] = k == 0 ? Float.NaN : k == 1 ? 0f : k == 2 ? 0.5f : k == 3 ? Float.NEGATIVE_INFINITY
                                : k == 4 ? Float.MIN_VALUE : k == 5 ? -Float.MIN_VALUE : (float) rnd.nextGaussian();
                    }
                    long[] yv = new long[n + to];
                    for (int i = 0; i < yv.length; i++) { int k = rnd.nextInt(20); yv[i] = k == 0 ? 255 : k == 1 ? -1 : k == 2 ? 3 : rnd.nextInt(2); }
                    int[] st = rowMajor(shape);
                    try (Tensor pt = new Tensor(cpu.fromHost(p, DType.FLOAT32), shape, st, po);
                         Tensor tt = new Tensor(cpu.fromHost(labels(t, yv), t), shape, st, to);
                         Tensor ref = Tensor.zeros(DType.INT64, Device.cpu(), spec.groups(shape), 4);
                         Tensor dev = Tensor.zeros(DType.INT64, Device.cpu(), spec.groups(shape), 4)) {
                        cpu.binaryStats(pt.raw(), tt.raw(), spec, ref.raw());
                        upload(pt);
                        upload(tt);
                        upload(dev);
                        metrics.binaryStats(pt.raw(), tt.raw(), spec, dev.raw());
                        List<Launch> plan = SegStatsPlan.plan(shape, st, addresses.get(pt.raw()), st, addresses.get(tt.raw()), t, spec, 0, 2);
                        if ((Integer) plan.get(0).args().get(18) == 1) vecLaunches++;
                        runs++;
                        assertArrayEquals(ref.toLongArray(), longsAt(dev, spec.groups(shape) * 4),
                                () -> java.util.Arrays.toString(shape) + " " + t + " offsets " + po + "/" + to + " " + fspec);
                    }
                }
            }
        }
        // both paths ran: 16-byte loads where the views are co-aligned, scalar ones elsewhere
        assertEquals(true, vecLaunches > runs / 3 && vecLaunches < runs, vecLaunches + " of " + runs);
    }

    @Test
    void confusionPtxMatchesCpu() {
        SplittableRandom rnd = new SplittableRandom(150);
        int[][] shapes = {{1, 1, 1, 1}, {2, 2, 7, 9}, {2, 3, 33, 17}, {1, 21, 37, 29}, {1, 150, 6, 7}, {1, 1000, 3, 1}, {37, 3}, {5, 21}, {3, 1000},
                {12, 2, 5, 5}, {1, 2, 150, 131}};
        CpuBackend cpu = CpuBackend.INSTANCE;
        for (int[] shape : shapes) {
            for (DType t : new DType[]{DType.UINT8, DType.INT32, DType.INT64}) {
                int off = rnd.nextInt(3) == 0 ? 1 : 0;
                int c = shape[1], n = 1;
                for (int s : shape) n *= s;
                int m = n / c;
                float[] x = new float[n + off];
                for (int i = 0; i < x.length; i++) x[i] = rnd.nextInt(150) == 0 ? Float.NaN : rnd.nextInt(8) == 0 ? 1f : (float) rnd.nextGaussian();
                long[] lab = new long[m + off];
                // background dominates, so the shared bins see the same counter from every lane
                for (int i = 0; i < lab.length; i++) { int k = rnd.nextInt(30); lab[i] = k == 0 ? 255 : k == 1 ? -1 : k == 2 ? c : k < 20 ? 0 : rnd.nextInt(c); }
                int[] tShape = new int[shape.length - 1];
                tShape[0] = shape[0];
                System.arraycopy(shape, 2, tShape, 1, shape.length - 2);
                long ignore = rnd.nextBoolean() ? 255 : Long.MIN_VALUE;
                try (Tensor lt = new Tensor(cpu.fromHost(x, DType.FLOAT32), shape, rowMajor(shape), off);
                     Tensor tt = new Tensor(cpu.fromHost(labels(t, lab), t), tShape, rowMajor(tShape), off);
                     Tensor rh = Tensor.zeros(DType.INT64, Device.cpu(), c, c); Tensor rb = Tensor.zeros(DType.INT64, Device.cpu(), 1);
                     Tensor dh = Tensor.zeros(DType.INT64, Device.cpu(), c, c); Tensor db = Tensor.zeros(DType.INT64, Device.cpu(), 1)) {
                    cpu.confusionFromLogits(lt.raw(), tt.raw(), ignore, rh.raw(), rb.raw());
                    upload(lt);
                    upload(tt);
                    upload(dh);
                    upload(db);
                    metrics.confusionFromLogits(lt.raw(), tt.raw(), ignore, dh.raw(), db.raw());
                    String what = java.util.Arrays.toString(shape) + " " + t + " offset " + off + " ignore " + ignore;
                    assertArrayEquals(rh.toLongArray(), longsAt(dh, c * c), what);
                    assertArrayEquals(rb.toLongArray(), longsAt(db, 1), what);
                    // the label kernel on the CPU argmax gives the same histogram
                    if (shape.length == 4 && !hasNaN(x)) {
                        try (Tensor am = lt.argmax(1); Tensor h2 = Tensor.zeros(DType.INT64, Device.cpu(), c, c); Tensor b2 = Tensor.zeros(DType.INT64, Device.cpu(), 1)) {
                            upload(am);
                            upload(h2);
                            upload(b2);
                            metrics.confusionFromLabels(am.raw(), tt.raw(), ignore, h2.raw(), b2.raw());
                            assertArrayEquals(rh.toLongArray(), longsAt(h2, c * c), "labels " + what);
                            assertArrayEquals(rb.toLongArray(), longsAt(b2, 1), "labels " + what);
                        }
                    }
                }
            }
        }
    }

    /**
     * Without an activation, threshold 0 has the cutoff Float.MIN_VALUE: the compares must keep
     * subnormals (no .ftz anywhere), which the simulator cannot show, so the text is checked.
     */
    @Test
    void comparesKeepSubnormals() {
        for (String family : List.of("seg_stats", "confusion")) {
            String ptx = new String(PtxModules.readPtx(family), StandardCharsets.UTF_8);
            assertEquals(false, ptx.contains(".ftz"), family + ".ptx must not flush subnormals");
        }
    }

    private static boolean hasNaN(float[] x) {
        for (float v : x) if (Float.isNaN(v)) return true;
        return false;
    }
}
