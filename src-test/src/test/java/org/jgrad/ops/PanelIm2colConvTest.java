package org.jgrad.ops;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 convolution on output planes whose rows do not split into whole micro-panels
 * (widths such as the small CNN's 28 and 14): the forward and the unit-stride data gradient pack
 * whole column-matrix rows into panels per strip of pixels. Compared with the float64 direct
 * loops, on shapes that put a panel across output rows, padding on every side, more than one
 * strip per image (a long reduction), strides, dilation, groups, and a single image.
 */
class PanelIm2colConvTest {

    private static void compare(int[] xs, int[] ws, int[] s, int[] p, int[] d, int groups) {
        Generator g = new Generator(9);
        Tensor x64 = Tensor.randn(g, DType.FLOAT64, Device.cpu(), xs).requiresGrad(true);
        Tensor w64 = Tensor.randn(g, DType.FLOAT64, Device.cpu(), ws).requiresGrad(true);
        Tensor x32 = x64.detach().to(DType.FLOAT32).requiresGrad(true);
        Tensor w32 = w64.detach().to(DType.FLOAT32).requiresGrad(true);
        Tensor y64 = Convolution.conv2d(x64, w64, null, s, p, d, groups);
        Tensor y32 = Convolution.conv2d(x32, w32, null, s, p, d, groups);
        Tensor go = Tensor.randn(g, DType.FLOAT64, Device.cpu(), y64.shape());
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
    void smallCnnSecondLayerShape() {
        compare(new int[]{3, 32, 14, 14}, new int[]{64, 32, 3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1);
    }

    @Test
    void firstLayerOneInputChannel() {
        compare(new int[]{2, 1, 28, 28}, new int[]{32, 1, 3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1);
    }

    @Test
    void longReductionSpansSeveralStripsAndSlices() {
        // K = 80 * 9 = 720: three reduction slices, and a strip of at most 64 Ki / (720 * 16) = 5 panels of the 19 x 21 plane
        compare(new int[]{1, 80, 19, 21}, new int[]{10, 80, 3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1);
    }

    @Test
    void wideKernelLargePaddingRectangular() {
        // padding 2 and a 5x5 kernel on an 11 x 13 plane: shifted rows reach two columns and rows past every edge
        compare(new int[]{2, 6, 11, 13}, new int[]{9, 6, 5, 5}, new int[]{1, 1}, new int[]{2, 2}, new int[]{1, 1}, 1);
    }

    @Test
    void unpaddedNarrowerOutput() {
        compare(new int[]{2, 8, 12, 30}, new int[]{12, 8, 3, 3}, new int[]{1, 1}, new int[]{0, 0}, new int[]{1, 1}, 1);
    }

    @Test
    void stridedDilatedGrouped() {
        compare(new int[]{2, 6, 17, 23}, new int[]{10, 3, 3, 3}, new int[]{2, 1}, new int[]{1, 3}, new int[]{1, 2}, 2);
    }

    @Test
    void repeatsBitForBit() {
        float[][] first = null;
        for (int run = 0; run < 2; run++) {
            Generator g = new Generator(13);
            Tensor x = Tensor.randn(g, 5, 32, 14, 14).requiresGrad(true);
            Tensor w = Tensor.randn(g, 64, 32, 3, 3).requiresGrad(true);
            Tensor y = Convolution.conv2d(x, w, null, 1, 1);
            y.backward(Tensor.randn(g, y.shape()));
            float[][] now = {y.toFloatArray(), x.grad().toFloatArray(), w.grad().toFloatArray()};
            if (first == null) first = now;
            else for (int i = 0; i < 3; i++) assertArrayEquals(first[i], now[i]);
        }
    }
}
