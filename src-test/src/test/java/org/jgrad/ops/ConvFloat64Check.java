package org.jgrad.ops;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks for the float32 convolution paths shared by their tests: the output and both gradients
 * against the float64 path (direct loops, which share no code with any float32 path), and
 * run-to-run bit-exactness.
 */
final class ConvFloat64Check {
    private ConvFloat64Check() {}

    /** conv2d (or convTranspose2d with {@code outPad}) of random inputs from {@code seed}, float32 against float64. */
    static void compare(long seed, int[] xs, int[] ws, int[] s, int[] p, int[] d, int groups, boolean transposed, int[] outPad) {
        Generator g = new Generator(seed);
        Tensor x64 = Tensor.randn(g, DType.FLOAT64, Device.cpu(), xs).requiresGrad(true);
        Tensor w64 = Tensor.randn(g, DType.FLOAT64, Device.cpu(), ws).requiresGrad(true);
        Tensor x32 = x64.detach().to(DType.FLOAT32).requiresGrad(true);
        Tensor w32 = w64.detach().to(DType.FLOAT32).requiresGrad(true);
        Tensor y64 = transposed ? Convolution.convTranspose2d(x64, w64, null, s, p, outPad, d, groups)
                : Convolution.conv2d(x64, w64, null, s, p, d, groups);
        Tensor y32 = transposed ? Convolution.convTranspose2d(x32, w32, null, s, p, outPad, d, groups)
                : Convolution.conv2d(x32, w32, null, s, p, d, groups);
        Tensor go = Tensor.randn(g, DType.FLOAT64, Device.cpu(), y64.shape());
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

    /** Two float32 runs of conv2d (padding 1) forward and backward from {@code seed} give the same bits. */
    static void assertRepeatsBitForBit(long seed, int[] xs, int[] ws) {
        float[][] first = null;
        for (int run = 0; run < 2; run++) {
            Generator g = new Generator(seed);
            Tensor x = Tensor.randn(g, xs).requiresGrad(true);
            Tensor w = Tensor.randn(g, ws).requiresGrad(true);
            Tensor y = Convolution.conv2d(x, w, null, 1, 1);
            y.backward(Tensor.randn(g, y.shape()));
            float[][] now = {y.toFloatArray(), x.grad().toFloatArray(), w.grad().toFloatArray()};
            if (first == null) first = now;
            else for (int i = 0; i < 3; i++) assertArrayEquals(first[i], now[i]);
        }
    }
}
