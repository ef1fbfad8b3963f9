package org.jgrad.metrics;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.BinaryStatsSpec.Activation;
import org.jgrad.backend.BinaryStatsSpec.Grouping;
import org.jgrad.backend.CpuBackend;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The counts a backend without fused kernels gets ({@link ComposedCounting}: ordinary tensor
 * ops) equal the CPU's fused kernels exactly, on random inputs with NaN and edge values, every
 * target dtype, every grouping, ignore values and ignored channels, strided views; and for the
 * histograms ignore indices, bad labels (negative, = C, above C) and NaN logits.
 */
class ComposedCountingTest {
    private static final CpuBackend FUSED = CpuBackend.INSTANCE;

    private static Object targets(DType t, long[] v) {
        return switch (t) {
            case UINT8 -> { byte[] a = new byte[v.length]; for (int i = 0; i < a.length; i++) a[i] = (byte) v[i]; yield a; }
            case INT32 -> { int[] a = new int[v.length]; for (int i = 0; i < a.length; i++) a[i] = (int) v[i]; yield a; }
            case FLOAT32 -> { float[] a = new float[v.length]; for (int i = 0; i < a.length; i++) a[i] = i % 53 == 7 ? Float.NaN : v[i]; yield a; }
            default -> v;
        };
    }

    private static Tensor make(Object data, DType dt, int[] shape, boolean transposed) {
        Tensor flat = new Tensor(FUSED.fromHost(data, dt), shape);
        if (!transposed) return flat;
        // the same logical shape read through a permuted copy: a non-contiguous view
        int r = shape.length;
        Tensor swapped = flat.transpose(r - 2, r - 1).contiguous();
        return swapped.transpose(r - 2, r - 1);
    }

    @Test
    void binaryStatsEqualTheFusedKernel() {
        SplittableRandom rnd = new SplittableRandom(3);
        int[][] shapes = {{1, 1, 1, 1}, {2, 3, 5, 7}, {3, 1, 33, 17}, {13}, {4, 3, 9}, {2, 4, 6, 6}};
        int runs = 0;
        for (int[] shape : shapes) {
            int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            for (DType t : new DType[]{DType.UINT8, DType.INT32, DType.INT64, DType.FLOAT32}) {
                for (Grouping g : Grouping.values()) {
                    BinaryStatsSpec spec = new BinaryStatsSpec(rnd.nextBoolean() ? Activation.SIGMOID : Activation.NONE,
                            new double[]{0, 0.5, 1, 0.25}[rnd.nextInt(4)], g, rnd.nextBoolean(), rnd.nextBoolean() ? 255 : -1, null);
                    if (shape.length > 1 && shape[1] >= 3 && rnd.nextBoolean()) spec = spec.withIgnoreChannels(1);
                    if (rnd.nextBoolean()) spec = spec.withRule(BinaryStatsSpec.Rule.GREATER_EQUAL); // the cutoff carries either rule
                    float[] p = new float[n];
                    for (int i = 0; i < n; i++) {
                        int k = rnd.nextInt(40);
                        p[i] = k == 0 ? Float.NaN : k == 1 ? 0f : k == 2 ? 0.5f : k == 3 ? Float.NEGATIVE_INFINITY
                                : k == 4 ? Float.MIN_VALUE : (float) rnd.nextGaussian();
                    }
                    long[] y = new long[n];
                    for (int i = 0; i < n; i++) { int k = rnd.nextInt(20); y[i] = k == 0 ? 255 : k == 1 ? -1 : k == 2 ? 3 : rnd.nextInt(2); }
                    boolean strided = shape.length > 2 && rnd.nextBoolean();
                    try (Tensor pt = make(p, DType.FLOAT32, shape, strided); Tensor tt = make(targets(t, y), t, shape, strided);
                         Tensor fused = Tensor.zeros(DType.INT64, Device.cpu(), spec.groups(shape), 4);
                         Tensor composed = Tensor.zeros(DType.INT64, Device.cpu(), spec.groups(shape), 4)) {
                        fused.fill_(5);
                        composed.fill_(5); // both accumulate into what is there
                        FUSED.binaryStats(pt.raw(), tt.raw(), spec, fused.raw());
                        ComposedCounting.binaryStats(pt, tt, spec, composed);
                        assertArrayEquals(fused.toLongArray(), composed.toLongArray(), Arrays.toString(shape) + " " + t + " " + spec);
                        runs++;
                    }
                }
            }
        }
        assertTrue(runs > 90);
    }

    @Test
    void histogramsEqualTheFusedKernels() {
        SplittableRandom rnd = new SplittableRandom(4);
        int[][] shapes = {{1, 1, 1, 1}, {2, 3, 5, 7}, {1, 21, 6, 5}, {37, 3}, {5, 21}, {3, 2, 4}};
        for (int[] shape : shapes) {
            for (DType t : new DType[]{DType.UINT8, DType.INT32, DType.INT64}) {
                int c = shape[1], n = Arrays.stream(shape).reduce(1, (a, b) -> a * b), m = n / c;
                float[] x = new float[n];
                for (int i = 0; i < n; i++) x[i] = rnd.nextInt(40) == 0 ? Float.NaN : rnd.nextInt(8) == 0 ? 1f : (float) rnd.nextGaussian();
                long[] lab = new long[m], pred = new long[m];
                for (int i = 0; i < m; i++) {
                    int k = rnd.nextInt(20);
                    lab[i] = k == 0 ? 255 : k == 1 ? -1 : k == 2 ? c : k == 3 ? c + 7 : rnd.nextInt(c);
                    int j = rnd.nextInt(25);
                    pred[i] = j == 0 ? c : j == 1 ? -2 : rnd.nextInt(c);
                }
                int[] tShape = new int[shape.length - 1];
                tShape[0] = shape[0];
                System.arraycopy(shape, 2, tShape, 1, shape.length - 2);
                for (long ignore : new long[]{255, Confusion.NO_IGNORE, 0}) {
                    String what = Arrays.toString(shape) + " " + t + " ignore " + ignore;
                    try (Tensor lt = make(x, DType.FLOAT32, shape, false); Tensor tt = make(targets(t, lab), t, tShape, false);
                         Tensor pt = make(targets(t == DType.UINT8 ? DType.INT32 : t, pred), t == DType.UINT8 ? DType.INT32 : t, tShape, false);
                         Tensor fh = Tensor.zeros(DType.INT64, Device.cpu(), c, c); Tensor fb = Tensor.zeros(DType.INT64, Device.cpu(), 1);
                         Tensor ch = Tensor.zeros(DType.INT64, Device.cpu(), c, c); Tensor cb = Tensor.zeros(DType.INT64, Device.cpu(), 1)) {
                        FUSED.confusionFromLogits(lt.raw(), tt.raw(), ignore, fh.raw(), fb.raw());
                        ComposedCounting.confusionFromLogits(lt, tt, ignore, ch, cb);
                        assertArrayEquals(fh.toLongArray(), ch.toLongArray(), "logits " + what);
                        assertArrayEquals(fb.toLongArray(), cb.toLongArray(), "logits bad " + what);
                        FUSED.confusionFromLabels(pt.raw(), tt.raw(), ignore, fh.raw(), fb.raw());
                        ComposedCounting.confusionFromLabels(pt, tt, ignore, ch, cb);
                        assertArrayEquals(fh.toLongArray(), ch.toLongArray(), "labels " + what);
                        assertArrayEquals(fb.toLongArray(), cb.toLongArray(), "labels bad " + what);
                    }
                }
            }
        }
    }
}
