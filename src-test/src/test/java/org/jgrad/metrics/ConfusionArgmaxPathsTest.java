package org.jgrad.metrics;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU confusion pass from logits has a vector path (strict {@code >} across positions, exact
 * only without NaN) and an exact scalar path for position blocks that hold a NaN, and a histogram
 * without per-element checks for blocks whose targets are all valid. These cases reach each path
 * — ties, signed zeros and infinities without NaN; a single NaN in one block (first plane, later
 * plane, tail position); every target dtype; an ignore value inside and outside [0, C); an
 * out-of-range target — against a plain loop written here from torch.argmax's rule (first
 * maximum; NaN counts as the maximum, the first NaN wins).
 */
class ConfusionArgmaxPathsTest {

    /** Values with many ties, both zeros and both infinities, no NaN. */
    private static final float[] VALUES = {-3, -1, 0f, -0f, 1, 2, 2, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};

    private static long[] reference(float[] x, long[] t, int n, int c, int s, long ignore) {
        long[] want = new long[c * c];
        for (int img = 0; img < n; img++) {
            for (int j = 0; j < s; j++) {
                long tv = t[img * s + j];
                if (tv == ignore) continue;
                int best = 0;
                float bv = x[img * c * s + j];
                for (int k = 1; k < c && !Float.isNaN(bv); k++) {
                    float v = x[img * c * s + k * s + j];
                    if (v > bv || Float.isNaN(v)) {
                        bv = v;
                        best = k;
                    }
                }
                want[(int) tv * c + best]++;
            }
        }
        return want;
    }

    private static float[] tiedLogits(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = VALUES[rnd.nextInt(VALUES.length)];
        return x;
    }

    private static Tensor targets(long[] t, DType dtype, int[] shape) {
        return switch (dtype) {
            case INT64 -> Tensor.fromArray(t, shape);
            case INT32 -> Tensor.fromArray(Arrays.stream(t).mapToInt(v -> (int) v).toArray(), shape);
            default -> {
                byte[] b = new byte[t.length];
                for (int i = 0; i < t.length; i++) b[i] = (byte) t[i];
                yield Tensor.fromArray(b, shape);
            }
        };
    }

    private static void check(float[] x, long[] t, int[] shape, long ignore, DType dtype, String what) {
        int n = shape[0], c = shape[1], s = 1;
        for (int d = 2; d < shape.length; d++) s *= shape[d];
        int[] tshape = new int[shape.length - 1];
        tshape[0] = n;
        System.arraycopy(shape, 2, tshape, 1, shape.length - 2);
        try (Tensor lg = Tensor.fromArray(x, shape); Tensor tt = targets(t, dtype, tshape);
             Tensor h = Confusion.fromLogits(lg, tt, c, ignore)) {
            assertArrayEquals(reference(x, t, n, c, s, ignore), h.toLongArray(), what + " " + dtype + " " + Arrays.toString(shape));
        }
    }

    private static final int[][] SHAPES = {{2, 21, 4500}, {1, 3, 4101}, {3, 1, 40}, {2, 2, 17}, {1, 5, 64, 65}, {700, 4}};

    @Test
    void tiesZerosAndInfinitiesWithoutNan() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int[] shape : SHAPES) {
            int n = shape[0], c = shape[1], s = 1;
            for (int d = 2; d < shape.length; d++) s *= shape[d];
            float[] x = tiedLogits(rnd, n * c * s);
            long[] t = new long[n * s];
            for (int i = 0; i < t.length; i++) t[i] = rnd.nextInt(c);
            for (DType dt : new DType[] {DType.INT64, DType.INT32, DType.UINT8}) {
                check(x, t, shape, Confusion.NO_IGNORE, dt, "all valid");
                check(x, t, shape, 0, dt, "ignore 0 (inside the classes)");
            }
            long[] withIgnored = t.clone();
            for (int i = 0; i < t.length; i += 7) withIgnored[i] = 255;
            check(x, withIgnored, shape, 255, DType.INT64, "ignore 255");
            check(x, withIgnored, shape, 255, DType.UINT8, "ignore 255");
        }
    }

    @Test
    void oneNanInOneBlockTakesTheExactRule() {
        SplittableRandom rnd = new SplittableRandom(22);
        int n = 2, c = 21, s = 4500;
        int[] shape = {n, c, s};
        long[] t = new long[n * s];
        for (int i = 0; i < t.length; i++) t[i] = rnd.nextInt(c);
        // (image, plane, position): plane 0, a middle plane, the last plane, a position in a block's tail
        int[][] places = {{0, 0, 5}, {1, 9, 2100}, {0, 20, 4095}, {1, 3, 4499}, {0, 14, 4097}};
        for (int[] at : places) {
            float[] x = tiedLogits(rnd, n * c * s);
            x[at[0] * c * s + at[1] * s + at[2]] = Float.NaN;
            check(x, t, shape, Confusion.NO_IGNORE, DType.INT64, "NaN at " + Arrays.toString(at));
            // a second NaN later in the same column: the first one must win
            if (at[1] + 1 < c) {
                x[at[0] * c * s + (c - 1) * s + at[2]] = Float.NaN;
                check(x, t, shape, Confusion.NO_IGNORE, DType.INT64, "two NaN at " + Arrays.toString(at));
            }
        }
    }

    @Test
    void outOfRangeTargetIsReportedWhateverItsBlock() {
        SplittableRandom rnd = new SplittableRandom(23);
        int n = 2, c = 21, s = 4500;
        float[] x = tiedLogits(rnd, n * c * s);
        for (long badValue : new long[] {21, -1, Long.MAX_VALUE, Long.MIN_VALUE + 1}) {
            for (int pos : new int[] {0, 2049, n * s - 1}) {
                long[] t = new long[n * s];
                for (int i = 0; i < t.length; i++) t[i] = rnd.nextInt(c);
                t[pos] = badValue;
                try (Tensor lg = Tensor.fromArray(x, n, c, s); Tensor tt = Tensor.fromArray(t, n, s)) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> Confusion.fromLogits(lg, tt, c, Confusion.NO_IGNORE).close());
                    assertTrue(e.getMessage().contains("1 label(s) outside [0, 21)"), e.getMessage());
                }
            }
        }
    }
}
