package org.jgrad.ops.composed;

import org.jgrad.ops.Convolution;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.jgrad.testing.Closeness.assertBitEqual;
import static org.jgrad.testing.Closeness.assertClose;
import static org.jgrad.testing.Closeness.uniform;

/**
 * The composed convolution bias against the fused one ({@code Convolution.conv2d} with a bias):
 * the add is bit-identical, the bias gradient (a sum over N, H, W) agrees to rounding, on odd
 * shapes and a single channel, in float32 and float64.
 */
class ComposedConvBiasTest {
    private static final int[][] INPUTS = {{2, 3, 5, 3}, {1, 1, 4, 4}, {3, 2, 1, 7}}; // [N, Cin, H, W]
    private static final int[] OUT_CHANNELS = {3, 1, 5};

    @Test
    void matchesFusedBias() {
        long seed = 300;
        for (DType dt : new DType[]{DType.FLOAT32, DType.FLOAT64}) {
            double tol = dt == DType.FLOAT32 ? 1e-6 : 1e-14;
            for (int k = 0; k < INPUTS.length; k++) {
                int[] xs = INPUTS[k];
                int cout = OUT_CHANNELS[k];
                String what = dt + " " + Arrays.toString(xs) + " -> " + cout + " channels";
                Tensor x = uniform(seed++, dt, -1, 1, xs);
                Tensor w = uniform(seed++, dt, -1, 1, cout, xs[1], 1, 3);
                Tensor b = uniform(seed++, dt, -1, 1, cout);

                Tensor bf = b.detach().requiresGrad(true), bc = b.detach().requiresGrad(true);
                Tensor fused = Convolution.conv2d(x, w, bf, new int[]{1}, new int[]{1}, new int[]{1}, 1);
                Tensor noBias = Convolution.conv2d(x, w, null, new int[]{1}, new int[]{1}, new int[]{1}, 1);
                Tensor composed = ComposedConvBias.addBias(noBias, bc);
                assertBitEqual(what + ": output", fused, composed);

                Tensor inPlace = noBias.detach().clone();
                ComposedConvBias.biasAdd(inPlace, b);
                assertBitEqual(what + ": in-place add", fused, inPlace);

                Tensor g = uniform(seed++, dt, -1, 1, fused.shape());
                fused.mul(g).sum().backward();
                composed.mul(g).sum().backward();
                assertClose(what + ": bias gradient through autograd", bf.grad(), bc.grad(), tol, tol);
                assertClose(what + ": bias gradient", bf.grad(), ComposedConvBias.biasBackward(g), tol, tol);
                assertClose(what + ": bias gradient against float64 sum", reference(g), ComposedConvBias.biasBackward(g).to(DType.FLOAT64).toDoubleArray(), tol, tol);
            }
        }
    }

    /** sum over N, H, W of g [N, C, H, W], in float64. */
    private static double[] reference(Tensor g) {
        int[] s = g.shape();
        int plane = s[2] * s[3];
        double[] v = g.to(DType.FLOAT64).contiguous().toDoubleArray(), out = new double[s[1]];
        for (int n = 0; n < s[0]; n++) for (int c = 0; c < s[1]; c++) for (int i = 0; i < plane; i++) out[c] += v[(n * s[1] + c) * plane + i];
        return out;
    }
}
