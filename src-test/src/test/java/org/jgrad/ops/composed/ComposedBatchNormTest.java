package org.jgrad.ops.composed;

import org.jgrad.ops.Normalization;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.jgrad.testing.Closeness.assertClose;
import static org.jgrad.testing.Closeness.uniform;

/**
 * The composed batch norm against the fused one ({@code Normalization.batchNorm}): output,
 * gradients of input, weight and bias, and the running statistics after the in-place update, in
 * training and eval, with and without affine parameters and running statistics, on odd shapes
 * (one channel, one sample, a 2-D input, a large mean); and against the formula in float64.
 */
class ComposedBatchNormTest {
    private static final int[][] SHAPES = {{4, 3, 5}, {2, 1, 3, 3}, {5, 2}, {1, 3, 2}, {3, 4, 1, 1}};

    /** Float32 results agree to this relative and absolute error (the fused kernel works in double). */
    private static final double F32 = 2e-5;

    @Test
    void trainingMatchesFusedAndFormula() {
        long seed = 100;
        for (DType dt : new DType[]{DType.FLOAT32, DType.FLOAT64}) {
            double tol = dt == DType.FLOAT32 ? F32 : 1e-12;
            for (int[] shape : SHAPES) {
                for (int variant = 0; variant < 3; variant++) { // 0: all, 1: no affine, 2: no running stats
                    compare(dt + " " + Arrays.toString(shape) + " variant " + variant, seed += 10, dt, shape,
                            true, variant != 1, variant != 2, 0.1, 0, tol);
                }
            }
        }
    }

    @Test
    void evalMatchesFusedAndFormula() {
        long seed = 500;
        for (DType dt : new DType[]{DType.FLOAT32, DType.FLOAT64}) {
            double tol = dt == DType.FLOAT32 ? F32 : 1e-12;
            for (int[] shape : SHAPES) {
                compare(dt + " eval " + Arrays.toString(shape), seed += 10, dt, shape, false, true, true, 0.1, 0, tol);
            }
        }
    }

    @Test
    void largeMeanAndOtherMomentum() {
        compare("float32 mean 50", 900, DType.FLOAT32, new int[]{6, 3, 7}, true, true, true, 0.3, 50, 1e-4);
        compare("float64 mean 1e4", 910, DType.FLOAT64, new int[]{6, 3, 7}, true, true, true, 1.0, 1e4, 1e-9);
    }

    private static void compare(String what, long seed, DType dt, int[] shape, boolean training, boolean affine,
                                boolean running, double momentum, double shift, double tol) {
        int c = shape[1];
        double eps = 1e-5;
        Tensor x = uniform(seed, dt, -2 + shift, 3 + shift, shape);
        Tensor g = uniform(seed + 1, dt, -1, 1, shape);
        Tensor w = affine ? uniform(seed + 2, dt, 0.5, 1.5, c) : null, b = affine ? uniform(seed + 3, dt, -1, 1, c) : null;
        Tensor rm0 = running ? uniform(seed + 4, dt, -1, 1, c) : null, rv0 = running ? uniform(seed + 5, dt, 0.5, 2, c) : null;

        Tensor xf = x.detach().requiresGrad(true), xc = x.detach().requiresGrad(true);
        Tensor wf = leaf(w), wc = leaf(w), bf = leaf(b), bc = leaf(b);
        Tensor rmf = copy(rm0), rvf = copy(rv0), rmc = copy(rm0), rvc = copy(rv0);
        Tensor fused = Normalization.batchNorm(xf, rmf, rvf, wf, bf, training, momentum, eps);
        Tensor composed = ComposedBatchNorm.batchNorm(xc, rmc, rvc, wc, bc, training, momentum, eps);

        assertClose(what + ": output", fused, composed, tol, tol);
        Reference ref = reference(x, rm0, rv0, w, b, training, momentum, eps);
        assertClose(what + ": output against float64 formula", ref.out, composed.to(DType.FLOAT64).contiguous().toDoubleArray(), tol, tol);
        if (running) {
            assertClose(what + ": running mean", rmf, rmc, tol, tol);
            assertClose(what + ": running var", rvf, rvc, tol, tol);
            assertClose(what + ": running mean against formula", ref.runningMean, rmc.to(DType.FLOAT64).toDoubleArray(), tol, tol);
            assertClose(what + ": running var against formula", ref.runningVar, rvc.to(DType.FLOAT64).toDoubleArray(), tol, tol);
        }
        fused.mul(g).sum().backward();
        composed.mul(g).sum().backward();
        // the gradient of a normalised input cancels terms of size |g|, so its error is absolute
        assertClose(what + ": input gradient", xf.grad(), xc.grad(), 10 * tol, 10 * tol);
        if (affine) {
            assertClose(what + ": weight gradient", wf.grad(), wc.grad(), 10 * tol, 10 * tol);
            assertClose(what + ": bias gradient", bf.grad(), bc.grad(), 10 * tol, 10 * tol);
        }
    }

    private static Tensor leaf(Tensor t) { return t == null ? null : t.detach().clone().requiresGrad(true); }

    private static Tensor copy(Tensor t) { return t == null ? null : t.detach().clone(); }

    private record Reference(double[] out, double[] runningMean, double[] runningVar) {}

    /** The published formula in float64: (x - mean) / sqrt(var + eps) * w + b, biased var; running stats with unbiased var. */
    private static Reference reference(Tensor x, Tensor rm, Tensor rv, Tensor w, Tensor b, boolean training,
                                       double momentum, double eps) {
        int[] sh = x.shape();
        int n = sh[0], c = sh[1], s = x.numel() / (n * c);
        double[] v = x.to(DType.FLOAT64).contiguous().toDoubleArray(), out = new double[v.length];
        double[] rmv = rm == null ? null : rm.to(DType.FLOAT64).toDoubleArray(), rvv = rv == null ? null : rv.to(DType.FLOAT64).toDoubleArray();
        double[] wv = w == null ? null : w.to(DType.FLOAT64).toDoubleArray(), bv = b == null ? null : b.to(DType.FLOAT64).toDoubleArray();
        for (int ch = 0; ch < c; ch++) {
            double mean, var;
            if (training) {
                double sum = 0, sq = 0;
                for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) sum += v[(i * c + ch) * s + j];
                mean = sum / (n * s);
                for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) sq += Math.pow(v[(i * c + ch) * s + j] - mean, 2);
                var = sq / (n * s);
                if (rmv != null) {
                    rmv[ch] = (1 - momentum) * rmv[ch] + momentum * mean;
                    rvv[ch] = (1 - momentum) * rvv[ch] + momentum * sq / (n * s - 1);
                }
            } else {
                mean = rmv[ch];
                var = rvv[ch];
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int k = (i * c + ch) * s + j;
                    out[k] = (v[k] - mean) / Math.sqrt(var + eps) * (wv == null ? 1 : wv[ch]) + (bv == null ? 0 : bv[ch]);
                }
            }
        }
        return new Reference(out, rmv, rvv);
    }
}
