package org.jgrad.ops;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Hand-worked edge cases of the float32 fast paths of relu (forward and fused backward),
 * comparisons and 2x2 max-pooling: NaN, signed zeros and ties, at lengths that exercise both
 * the vector loop and its scalar tail. Expected values follow IEEE arithmetic and PyTorch's
 * rules (relu(NaN) = NaN, relu(-0) = 0; the gradient is grad * (out > 0); max-pool takes the
 * first maximum of a window and a NaN over any number).
 */
class ReluPoolEdgeCaseTest {
    private static final float NAN = Float.NaN, INF = Float.POSITIVE_INFINITY;

    /** x and the incoming gradient, pattern of 4 repeated to length n. */
    private static float[] repeat(float[] pattern, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = pattern[i % pattern.length];
        return a;
    }

    @Test
    void reluForwardAndBackwardKeepNanAndSignedZeroRules() {
        int n = 37; // two 16-lane vectors and a tail of 5
        float[] x = repeat(new float[]{-1f, -0f, 2f, NAN}, n);
        float[] g = repeat(new float[]{INF, -3f, 5f, 7f}, n);
        // relu: -1 -> 0, -0 -> +0, 2 -> 2, NaN -> NaN
        float[] yWant = repeat(new float[]{0f, 0f, 2f, NAN}, n);
        // d/dx = g * (out > 0): inf * 0 = NaN, -3 * 0 = -0, 5 * 1 = 5, 7 * 0 (NaN > 0 is false) = 0
        float[] gWant = repeat(new float[]{NAN, -0f, 5f, 0f}, n);
        Tensor xt = Tensor.fromArray(x, n).requiresGrad(true);
        Tensor y = xt.relu();
        assertBits(yWant, y.toFloatArray(), "relu(x)");
        y.backward(Tensor.fromArray(g, n));
        assertBits(gWant, xt.grad().toFloatArray(), "relu backward");
    }

    @Test
    void floatComparisonWithScalarGivesZeroOneMask() {
        int n = 37;
        Tensor x = Tensor.fromArray(repeat(new float[]{-1f, 0f, 0.5f, NAN}, n), n);
        byte[] gt = x.gt(0).toByteArray();
        float[] asFloat = x.gt(0).to(DType.FLOAT32).toFloatArray();
        for (int i = 0; i < n; i++) {
            int want = i % 4 == 2 ? 1 : 0; // only 0.5 > 0; NaN compares false
            assertEquals(want, gt[i], "gt(0)[" + i + "]");
            assertEquals(want, asFloat[i], "gt(0).to(FLOAT32)[" + i + "]");
        }
    }

    @Test
    void maxPool2x2TakesFirstMaximumAndNan() {
        // one 2x4 plane = two 2x2 windows: [[1, 3 | 5, 5], [3, 2 | NaN, 9]]
        float[] x = {1f, 3f, 5f, 5f, 3f, 2f, NAN, 9f};
        Tensor xt = Tensor.fromArray(x, 1, 1, 2, 4).requiresGrad(true);
        Tensor y = Pooling.maxPool2d(xt, 2);
        // window 1: max 3, first at (0,1); window 2: NaN wins over 5, 5 and 9
        assertBits(new float[]{3f, NAN}, y.toFloatArray(), "max_pool2d");
        y.backward(Tensor.fromArray(new float[]{10f, 20f}, 1, 1, 1, 2));
        assertBits(new float[]{0f, 10f, 0f, 0f, 0f, 0f, 20f, 0f}, xt.grad().toFloatArray(), "max_pool2d backward");
    }

    private static void assertBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + " length");
        for (int i = 0; i < want.length; i++) {
            if (Float.isNaN(want[i])) assertEquals(true, Float.isNaN(got[i]), what + "[" + i + "] should be NaN, got " + got[i]);
            else assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), what + "[" + i + "]: want " + want[i] + ", got " + got[i]);
        }
    }
}
