package org.jgrad.ops;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 path (im2col / col2im around the blocked GEMM) against the float64 path (direct
 * loops) on shapes large enough to use every GEMM block and edge: the two share no code.
 */
class ConvLoweringTest {

    private static void compare(int[] xs, int[] ws, int[] s, int[] p, int[] d, int groups, boolean transposed, int[] outPad) {
        Generator g = new Generator(99);
        Tensor x64 = Tensor.randn(g, DType.FLOAT64, org.jgrad.tensor.Device.cpu(), xs).requiresGrad(true);
        Tensor w64 = Tensor.randn(g, DType.FLOAT64, org.jgrad.tensor.Device.cpu(), ws).requiresGrad(true);
        Tensor x32 = x64.detach().to(DType.FLOAT32).requiresGrad(true);
        Tensor w32 = w64.detach().to(DType.FLOAT32).requiresGrad(true);
        Tensor y64 = transposed ? Convolution.convTranspose2d(x64, w64, null, s, p, outPad, d, groups)
                : Convolution.conv2d(x64, w64, null, s, p, d, groups);
        Tensor y32 = transposed ? Convolution.convTranspose2d(x32, w32, null, s, p, outPad, d, groups)
                : Convolution.conv2d(x32, w32, null, s, p, d, groups);
        Tensor go = Tensor.randn(g, DType.FLOAT64, org.jgrad.tensor.Device.cpu(), y64.shape());
        y64.backward(go);
        y32.backward(go.to(DType.FLOAT32));
        // float32 sums of K products: error grows like sqrt(K) * eps * |terms|
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
    void smallCnnShapes() {
        compare(new int[]{4, 1, 28, 28}, new int[]{32, 1, 3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1, false, null);
        compare(new int[]{3, 32, 14, 14}, new int[]{64, 32, 3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1, false, null);
    }

    @Test
    void stridedDilatedGrouped() {
        compare(new int[]{2, 12, 17, 19}, new int[]{18, 4, 3, 5}, new int[]{2, 3}, new int[]{2, 1}, new int[]{2, 1}, 3, false, null);
        compare(new int[]{3, 20, 9, 9}, new int[]{40, 20, 1, 1}, new int[]{1, 1}, new int[]{0, 0}, new int[]{1, 1}, 1, false, null);
    }

    @Test
    void samePaddingShortcutWithDilationGroupsAndRectangularKernel() {
        // unit stride and output as wide as the input: the column matrix is built from shifted planes
        compare(new int[]{5, 6, 10, 9}, new int[]{4, 3, 3, 5}, new int[]{1, 1}, new int[]{1, 4}, new int[]{1, 2}, 2, false, null);
        compare(new int[]{3, 2, 7, 7}, new int[]{3, 2, 5, 5}, new int[]{1, 1}, new int[]{0, 2}, new int[]{1, 1}, 1, false, null);
    }

    @Test
    void transposed() {
        compare(new int[]{2, 16, 8, 8}, new int[]{16, 8, 2, 2}, new int[]{2, 2}, new int[]{0, 0}, new int[]{1, 1}, 1, true, new int[]{0, 0});
        compare(new int[]{2, 6, 7, 5}, new int[]{6, 5, 3, 3}, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1}, 2, true, new int[]{1, 1});
    }
}
