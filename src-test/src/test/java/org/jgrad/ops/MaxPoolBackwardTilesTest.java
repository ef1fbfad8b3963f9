package org.jgrad.ops;

import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * max_pool2d's input gradient, bit for bit, where 2x2 stride-2 windows tile the plane, where they
 * do not (odd sizes leave a last row and column outside every window) and where windows overlap
 * (3x3, stride 2), with ties and a gradient of -0: against a reference that scans each window
 * for its first maximum and adds the output gradient into a zeroed plane.
 */
class MaxPoolBackwardTilesTest {

    private static void check(int n, int c, int h, int w, int k, int s) {
        Generator g = new Generator(21);
        Tensor x = Tensor.randn(g, n, c, h, w);
        float[] xv = x.toFloatArray();
        // ties: every third value repeats its left neighbour, so "first maximum" matters
        for (int i = 1; i < xv.length; i += 3) xv[i] = xv[i - 1];
        x = Tensor.fromArray(xv, n, c, h, w).requiresGrad(true);
        Tensor y = Pooling.maxPool2d(x, new int[]{k}, new int[]{s}, new int[]{0}, new int[]{1}, false);
        int oh = y.size(2), ow = y.size(3);
        float[] go = Tensor.randn(g, y.shape()).toFloatArray();
        go[0] = -0f; // the winner's gradient is 0 + g: +0 for a gradient of -0
        y.backward(Tensor.fromArray(go, y.shape()));
        float[] want = new float[xv.length];
        for (int pl = 0; pl < n * c; pl++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int best = -1;
                    for (int a = 0; a < k; a++) {
                        for (int b = 0; b < k; b++) {
                            int idx = pl * h * w + (i * s + a) * w + j * s + b;
                            if (best < 0 || xv[idx] > xv[best]) best = idx;
                        }
                    }
                    want[best] += go[(pl * oh + i) * ow + j];
                }
            }
        }
        float[] got = x.grad().toFloatArray();
        for (int i = 0; i < want.length; i++) {
            int at = i;
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), () -> "grad[" + at + "] want " + want[at] + " got " + got[at]);
        }
    }

    @Test
    void evenPlanesTiledByTwoByTwo() { check(2, 3, 6, 8, 2, 2); }

    @Test
    void oddPlanesLeaveLastRowAndColumn() { check(2, 2, 7, 9, 2, 2); }

    @Test
    void overlappingWindowsFallBack() { check(1, 2, 9, 9, 3, 2); }
}
