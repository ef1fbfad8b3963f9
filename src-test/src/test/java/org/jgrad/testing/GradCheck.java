package org.jgrad.testing;

import org.jgrad.autograd.Grad;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Gradient check against central finite differences in FLOAT64, like torch.autograd.gradcheck:
 * the function's output is reduced with a fixed random weighting so every output element counts.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * Checks d(sum(w * f(inputs)))/d(input_i) from autograd against (L(x+h) - L(x-h)) / 2h for
     * every element of every input that requires grad. Inputs must be FLOAT64 leaves.
     */
    public static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(name, f, 1e-6, 1e-5, 1e-4, inputs);
    }

    public static void check(String name, Function<Tensor[], Tensor> f, double h, double atol, double rtol, Tensor... inputs) {
        for (Tensor t : inputs) {
            if (t.dtype() != DType.FLOAT64) throw new IllegalArgumentException("gradcheck inputs must be FLOAT64, got " + t.dtype());
        }
        Tensor out0;
        try (var off = Grad.off()) {
            out0 = f.apply(inputs);
        }
        int n = out0.numel();
        double[] w = new double[n];
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < n; i++) w[i] = r.nextDouble() * 2 - 1;
        Tensor weights = Tensor.fromArray(w, out0.shape());

        for (Tensor t : inputs) if (t.requiresGrad()) t.zeroGrad();
        Tensor loss = f.apply(inputs).mul(weights).sum();
        loss.backward();

        for (int k = 0; k < inputs.length; k++) {
            Tensor in = inputs[k];
            if (!in.requiresGrad()) continue;
            double[] analytic = in.grad() == null ? new double[in.numel()] : in.grad().toDoubleArray();
            double[] numeric = numeric(f, inputs, k, weights, h);
            for (int i = 0; i < numeric.length; i++) {
                double diff = Math.abs(analytic[i] - numeric[i]);
                if (diff > atol + rtol * Math.abs(numeric[i])) {
                    fail(name + ": gradient of input " + k + " (shape " + Arrays.toString(in.shape()) + ") element " + i
                            + ": autograd " + analytic[i] + " vs finite difference " + numeric[i]);
                }
            }
        }
    }

    private static double[] numeric(Function<Tensor[], Tensor> f, Tensor[] inputs, int k, Tensor weights, double h) {
        Tensor in = inputs[k];
        double[] base = in.toDoubleArray();
        double[] g = new double[base.length];
        int[] shape = in.shape();
        try (var off = Grad.off()) {
            for (int i = 0; i < base.length; i++) {
                double[] p = base.clone();
                p[i] += h;
                double lp = eval(f, inputs, k, Tensor.fromArray(p, shape), weights);
                p[i] = base[i] - h;
                double lm = eval(f, inputs, k, Tensor.fromArray(p, shape), weights);
                g[i] = (lp - lm) / (2 * h);
            }
        }
        return g;
    }

    private static double eval(Function<Tensor[], Tensor> f, Tensor[] inputs, int k, Tensor replaced, Tensor weights) {
        Tensor[] args = inputs.clone();
        // keep the original's layout (e.g. a transposed view) by copying into a tensor of the same strides where needed
        args[k] = replaced;
        return f.apply(args).mul(weights).sum().item();
    }

    /** A FLOAT64 leaf of the given shape with values in [-1, 1), reproducible from seed. */
    public static Tensor randomLeaf(long seed, int... shape) {
        java.util.Random r = new java.util.Random(seed);
        double[] v = new double[(int) Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextDouble() * 2 - 1;
        return Tensor.fromArray(v, shape).requiresGrad(true);
    }
}
