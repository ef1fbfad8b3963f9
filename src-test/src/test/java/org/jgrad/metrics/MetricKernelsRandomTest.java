package org.jgrad.metrics;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.BinaryStatsSpec.Activation;
import org.jgrad.backend.BinaryStatsSpec.Grouping;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The fast paths (vectorised float32/uint8, chunked over threads, non-contiguous inputs) against
 * plain loops written here from the definitions, on awkward sizes.
 */
class MetricKernelsRandomTest {

    private static long[] naiveBinary(float[] x, long[] t, int n, int c, int s, double thr, boolean sigmoid, Long ignore) {
        long[] r = new long[4];
        float tf = (float) thr;
        for (int i = 0; i < n * c * s; i++) {
            if (ignore != null && t[i] == ignore) continue;
            double v = sigmoid ? 1 / (1 + Math.exp(-(double) x[i])) : x[i];
            boolean p = v > tf, q = t[i] != 0;
            r[p && q ? 0 : p ? 1 : q ? 2 : 3]++;
        }
        return r;
    }

    @Test
    void binaryStatsOnAwkwardSizes() {
        SplittableRandom rnd = new SplittableRandom(11);
        int[][] shapes = {{1, 1, 1}, {1, 1, 15}, {3, 1, 17}, {2, 3, 1000}, {5, 1, 70001}, {2, 2, 33, 31}};
        for (int[] shape : shapes) {
            int n = shape[0], c = shape[1], s = 1;
            for (int d = 2; d < shape.length; d++) s *= shape[d];
            int total = n * c * s;
            float[] x = new float[total];
            long[] t = new long[total];
            byte[] tb = new byte[total];
            for (int i = 0; i < total; i++) {
                x[i] = (float) (rnd.nextGaussian() * 3);
                t[i] = rnd.nextInt(10) < 3 ? 1 : rnd.nextInt(20) == 0 ? 255 : 0;
                tb[i] = (byte) t[i];
            }
            for (boolean sigmoid : new boolean[]{true, false}) {
                for (Long ignore : new Long[]{null, 255L}) {
                    BinaryStatsSpec spec = new BinaryStatsSpec(sigmoid ? Activation.SIGMOID : Activation.NONE, 0.35, Grouping.WHOLE, false, 0, null);
                    if (ignore != null) spec = spec.withIgnoreValue(ignore);
                    long[] want = naiveBinary(x, t, n, c, s, 0.35, sigmoid, ignore);
                    try (Tensor xp = Tensor.fromArray(x, shape); Tensor t8 = Tensor.fromArray(tb, shape); Tensor t64 = Tensor.fromArray(t, shape);
                         Tensor a = BinaryStats.stats(xp, t8, spec); Tensor b = BinaryStats.stats(xp, t64, spec)) {
                        String what = java.util.Arrays.toString(shape) + " sigmoid=" + sigmoid + " ignore=" + ignore;
                        // 255 is positive when not ignored
                        assertArrayEquals(want, a.toLongArray(), what + " uint8");
                        assertArrayEquals(want, b.toLongArray(), what + " int64");
                    }
                }
            }
        }
    }

    @Test
    void binaryStatsOfAStridedView() {
        Generator g = new Generator(5);
        try (Tensor x = Tensor.randn(g, 3, 2, 9, 4); Tensor r = Tensor.rand(g, 3, 2, 9, 4); Tensor t = r.gt(0.5);
             Tensor xt = x.transpose(2, 3); Tensor tt = t.transpose(2, 3);
             Tensor xc = xt.contiguous(); Tensor tc = tt.contiguous();
             Tensor a = BinaryStats.stats(xt, tt, BinaryStatsSpec.logits().withGrouping(Grouping.PER_IMAGE_CHANNEL));
             Tensor b = BinaryStats.stats(xc, tc, BinaryStatsSpec.logits().withGrouping(Grouping.PER_IMAGE_CHANNEL))) {
            assertArrayEquals(b.toLongArray(), a.toLongArray());
        }
    }

    @Test
    void confusionOnAwkwardSizes() {
        SplittableRandom rnd = new SplittableRandom(13);
        int[][] shapes = {{1, 1, 1}, {2, 3, 7}, {3, 21, 2049}, {2, 5, 33, 67}, {1000, 7}, {4, 2}};
        for (int[] shape : shapes) {
            int n = shape[0], c = shape[1], s = 1;
            for (int d = 2; d < shape.length; d++) s *= shape[d];
            float[] x = new float[n * c * s];
            for (int i = 0; i < x.length; i++) x[i] = rnd.nextInt(50) == 0 ? Float.NaN : (float) rnd.nextInt(-3, 4); // ties and NaN
            long[] t = new long[n * s];
            for (int i = 0; i < t.length; i++) t[i] = rnd.nextInt(12) == 0 ? -1 : rnd.nextInt(c);
            long[] want = new long[c * c];
            for (int img = 0; img < n; img++) {
                for (int j = 0; j < s; j++) {
                    long tv = t[img * s + j];
                    if (tv == -1) continue;
                    int best = 0;
                    float bv = x[img * c * s + j];
                    for (int k = 1; k < c && !Float.isNaN(bv); k++) {
                        float v = x[img * c * s + k * s + j];
                        if (v > bv || Float.isNaN(v)) { bv = v; best = k; }
                    }
                    want[(int) tv * c + best]++;
                }
            }
            int[] tshape = new int[shape.length - 1];
            tshape[0] = n;
            System.arraycopy(shape, 2, tshape, 1, shape.length - 2);
            try (Tensor lg = Tensor.fromArray(x, shape); Tensor tt = Tensor.fromArray(t, tshape);
                 Tensor h = Confusion.fromLogits(lg, tt, c, -1)) {
                assertArrayEquals(want, h.toLongArray(), java.util.Arrays.toString(shape));
            }
            try (Tensor lg = Tensor.fromArray(x, shape); Tensor tt = Tensor.fromArray(t, tshape); Tensor pred = lg.argmax(1);
                 Tensor h = Confusion.fromLabels(pred, tt, c, -1)) {
                assertArrayEquals(want, h.toLongArray(), "labels " + java.util.Arrays.toString(shape));
            }
        }
    }
}
