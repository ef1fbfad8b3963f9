package org.jgrad.ops;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 implicit-GEMM convolution (column matrix packed straight from the image; the
 * unit-stride data gradient as a convolution with flipped filters) against the float64 direct
 * loops. It runs on planes whose output rows split into whole micro-panels, so every shape
 * here is 64 or 128 pixels wide; edges, several reduction slices, ragged row and column tiles,
 * strides, dilation and groups each appear.
 */
class ImplicitConvGemmTest {

    private static void compare(int[] xs, int[] ws, int[] s, int[] p, int[] d, int groups) {
        Generator g = new Generator(5);
        Tensor x64 = Tensor.randn(g, DType.FLOAT64, org.jgrad.tensor.Device.cpu(), xs).requiresGrad(true);
        Tensor w64 = Tensor.randn(g, DType.FLOAT64, org.jgrad.tensor.Device.cpu(), ws).requiresGrad(true);
        Tensor x32 = x64.detach().to(DType.FLOAT32).requiresGrad(true);
        Tensor w32 = w64.detach().to(DType.FLOAT32).requiresGrad(true);
        Tensor y64 = Convolution.conv2d(x64, w64, null, s, p, d, groups);
        Tensor y32 = Convolution.conv2d(x32, w32, null, s, p, d, groups);
        Tensor go = Tensor.randn(g, DType.FLOAT64, org.jgrad.tensor.Device.cpu(), y64.shape());
        y64.backward(go);
        y32.backward(go.to(DType.FLOAT32));
        double tol = 2e-4 * Math.sqrt(ws[1] * ws[2] * ws[3] * (double) Math.max(ws[0], 1));
        close("output", y64, y32, tol);
        close("grad x", x64.grad(), x32.grad(), tol);
        close("grad w", w64.grad(), w32.grad(), tol * Math.sqrt(xs[0] * xs[2] * xs[3]));
    }

    private static void close(String what, Tensor expected, Tensor actual, double tol) {
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        double worst = 0;
        for (int i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(e[i] - a[i]));
        double finalWorst = worst;
        assertTrue(worst <= tol, () -> what + ": max |float32 - float64| = " + finalWorst + " > " + tol);
    }

    @Test
    void samePadding3x3() {
        compare(new int[]{2, 5, 12, 64}, new int[]{8, 5, 3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1);
    }

    @Test
    void severalReductionSlicesAndRaggedChannelTiles() {
        // K = 40 * 9 = 360 spans two slices of the reduction; 40 input channels are 5 row tiles of the data gradient
        compare(new int[]{1, 40, 6, 64}, new int[]{12, 40, 3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1);
    }

    @Test
    void dilatedGroupedRectangular() {
        compare(new int[]{2, 6, 9, 64}, new int[]{4, 3, 3, 5}, new int[]{1, 1}, new int[]{1, 4}, new int[]{1, 2}, 2);
    }

    @Test
    void stridedForwardAndFilterGradient() {
        compare(new int[]{2, 4, 10, 128}, new int[]{6, 4, 3, 3}, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1}, 1);
    }

    @Test
    void repeatsBitForBit() {
        float[][] first = null;
        for (int run = 0; run < 2; run++) {
            Generator g = new Generator(11);
            Tensor x = Tensor.randn(g, 3, 16, 32, 64).requiresGrad(true);
            Tensor w = Tensor.randn(g, 16, 16, 3, 3).requiresGrad(true);
            Tensor y = Convolution.conv2d(x, w, null, 1, 1);
            y.backward(Tensor.randn(g, y.shape()));
            float[][] now = {y.toFloatArray(), x.grad().toFloatArray(), w.grad().toFloatArray()};
            if (first == null) first = now;
            else for (int i = 0; i < 3; i++) assertArrayEquals(first[i], now[i]);
        }
    }
}
