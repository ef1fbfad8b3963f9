package org.jgrad.ops.composed;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.jgrad.testing.Closeness.assertClose;
import static org.jgrad.testing.Closeness.uniform;

/**
 * The composed (log-)softmax against the fused primitive ({@code Tensor.softmax}) in values and
 * gradients, and against the formula in float64, on odd shapes, every dimension, a strided input,
 * a one-element dimension and logits far from 0 (which overflow without the max shift).
 */
class ComposedSoftmaxTest {
    private static final int[][] SHAPES = {{3, 5}, {2, 7, 3}, {1, 4, 3}, {4, 1}, {2, 3, 1, 5}};

    @Test
    void matchesFusedInValuesAndGradients() {
        long seed = 1;
        for (DType dt : new DType[]{DType.FLOAT32, DType.FLOAT64}) {
            double tol = dt == DType.FLOAT32 ? 1e-6 : 1e-14;
            for (int[] shape : SHAPES) {
                for (int dim = -1; dim < shape.length; dim++) {
                    for (boolean log : new boolean[]{false, true}) {
                        String what = dt + " " + java.util.Arrays.toString(shape) + " dim " + dim + (log ? " log" : "");
                        compare(what, uniform(seed++, dt, -4, 4, shape), uniform(seed++, dt, -1, 1, shape), dim, log, tol);
                    }
                }
            }
        }
    }

    @Test
    void stridedInputAndLargeLogits() {
        Tensor base = uniform(7, DType.FLOAT32, 990, 1010, 5, 3);
        Tensor g = uniform(8, DType.FLOAT32, -1, 1, 3, 5);
        compare("transposed, logits near 1000", base.transpose(0, 1), g, 1, false, 1e-6);
        compare("transposed, logits near 1000, log", base.transpose(0, 1), g, 1, true, 1e-6);
    }

    /** Values and input gradient (for upstream gradient g) of the composed and the fused op. */
    private static void compare(String what, Tensor x, Tensor g, int dim, boolean log, double tol) {
        Tensor xf = x.detach().requiresGrad(true), xc = x.detach().requiresGrad(true);
        Tensor fused = log ? xf.logSoftmax(dim) : xf.softmax(dim);
        Tensor composed = ComposedSoftmax.softmax(xc, dim, log);
        assertClose(what + ": values", fused, composed, tol, tol);
        assertClose(what + ": values against float64 formula", reference(x, dim, log), composed.to(DType.FLOAT64), tol, tol);
        fused.mul(g).sum().backward();
        composed.mul(g).sum().backward();
        assertClose(what + ": gradient", xf.grad(), xc.grad(), 10 * tol, 10 * tol);
    }

    /** exp(x - max) / sum, or (x - max) - log(sum), in float64 from the published formula. */
    private static Tensor reference(Tensor x, int dim, boolean log) {
        Tensor x64 = x.detach().to(DType.FLOAT64).contiguous();
        int[] shape = x64.shape();
        int d = dim < 0 ? dim + shape.length : dim;
        int len = shape[d], inner = 1;
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        double[] v = x64.toDoubleArray(), out = new double[v.length];
        for (int outer = 0; outer < v.length / (len * inner); outer++) {
            for (int in = 0; in < inner; in++) {
                int base = outer * len * inner + in;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int k = 0; k < len; k++) max = Math.max(max, v[base + k * inner]);
                for (int k = 0; k < len; k++) sum += Math.exp(v[base + k * inner] - max);
                for (int k = 0; k < len; k++) {
                    double s = v[base + k * inner] - max;
                    out[base + k * inner] = log ? s - Math.log(sum) : Math.exp(s) / sum;
                }
            }
        }
        return Tensor.fromArray(out, shape);
    }
}
