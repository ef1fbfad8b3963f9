package org.jgrad.nn.loss;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.jgrad.testing.Closeness.assertClose;
import static org.jgrad.testing.Closeness.uniform;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The composed cross-entropy against the fused one ({@code Losses.crossEntropy}) and against
 * PyTorch 1.13's formula in float64: every reduction, class weights, ignore_index hits (the
 * default -100 and an index that is a real class), label smoothing 0.1, spatial inputs, one class,
 * a single unbatched sample; values and logit gradients.
 */
class ComposedCrossEntropyTest {
    private record Case(int[] inputShape, long ignoreIndex, boolean weighted) {}

    private static final Case[] CASES = {
            new Case(new int[]{5, 4}, Losses.NO_IGNORE, false),
            new Case(new int[]{5, 4}, Losses.NO_IGNORE, true),
            new Case(new int[]{7, 3}, 1, true),
            new Case(new int[]{2, 3, 3, 2}, 2, true),
            new Case(new int[]{2, 5, 1, 3}, Losses.NO_IGNORE, false),
            new Case(new int[]{4, 1}, Losses.NO_IGNORE, true),
            new Case(new int[]{6}, Losses.NO_IGNORE, true), // one sample, 0-d target
    };

    @Test
    void matchesFusedAndFormula() {
        long seed = 700;
        for (DType dt : new DType[]{DType.FLOAT32, DType.FLOAT64}) {
            double tol = dt == DType.FLOAT32 ? 2e-6 : 1e-13;
            for (Case k : CASES) {
                for (Reduction red : Reduction.values()) {
                    for (double ls : new double[]{0, 0.1}) {
                        String what = dt + " " + Arrays.toString(k.inputShape) + " ignore " + k.ignoreIndex
                                + (k.weighted ? " weighted " : " ") + red + " smoothing " + ls;
                        compare(what, seed += 10, dt, k, red, ls, tol);
                    }
                }
            }
        }
    }

    @Test
    void outOfRangeTargetIsNamed() {
        Tensor x = uniform(1, DType.FLOAT32, -1, 1, 3, 4);
        Tensor t = Tensor.fromArray(new long[]{0, 4, -100}, 3);
        var e = assertThrows(IndexOutOfBoundsException.class,
                () -> ComposedCrossEntropy.crossEntropy(x, t, null, Losses.NO_IGNORE, Reduction.MEAN, 0));
        assertTrue(e.getMessage().contains("target 4 is out of bounds for 4 classes"), e.getMessage());
    }

    private static void compare(String what, long seed, DType dt, Case k, Reduction red, double ls, double tol) {
        int[] is = k.inputShape;
        int c = is.length == 1 ? is[0] : is[1];
        int[] ts = is.length == 1 ? new int[0] : targetShape(is);
        Tensor x = uniform(seed, dt, -3, 3, is);
        Tensor target = targets(seed + 1, ts, c, k.ignoreIndex);
        Tensor weight = k.weighted ? uniform(seed + 2, dt, 0.2, 2, c) : null;

        Tensor xf = x.detach().requiresGrad(true), xc = x.detach().requiresGrad(true);
        Tensor fused = Losses.crossEntropy(xf, target, weight, k.ignoreIndex, red, ls);
        Tensor composed = ComposedCrossEntropy.crossEntropy(xc, target, weight, k.ignoreIndex, red, ls);
        assertClose(what + ": value", fused, composed, tol, tol);
        assertClose(what + ": value against float64 formula", reference(x, target, weight, k.ignoreIndex, red, ls),
                composed.to(DType.FLOAT64).contiguous().toDoubleArray(), tol, tol);

        Tensor g = uniform(seed + 3, dt, -1, 1, fused.shape());
        fused.mul(g).sum().backward();
        composed.mul(g).sum().backward();
        assertClose(what + ": logit gradient", xf.grad(), xc.grad(), tol, tol);
    }

    private static int[] targetShape(int[] is) {
        int[] ts = new int[is.length - 1];
        ts[0] = is[0];
        System.arraycopy(is, 2, ts, 1, is.length - 2);
        return ts;
    }

    /** Random classes in [0, c), about one in four replaced by ignoreIndex (and the first always ignored when -100). */
    private static Tensor targets(long seed, int[] shape, int c, long ignoreIndex) {
        Random r = new Random(seed);
        int n = 1;
        for (int s : shape) n *= s;
        long[] t = new long[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(4) == 0 ? ignoreIndex : r.nextInt(c);
        if (n > 1 && ignoreIndex < 0) t[0] = ignoreIndex;
        if (n == 1) t[0] = r.nextInt(c);
        return Tensor.fromArray(t, shape);
    }

    /**
     * PyTorch 1.13's F.cross_entropy in float64: per element (1-ε)·(-w_t·logp_t) + ε/C·(-Σ_c w_c·logp_c),
     * 0 where ignored; MEAN divides the sum by Σ w_t over the non-ignored targets.
     */
    private static double[] reference(Tensor x, Tensor target, Tensor weight, long ignoreIndex, Reduction red, double ls) {
        int[] is = x.shape();
        boolean unbatched = is.length == 1;
        int n = unbatched ? 1 : is[0], c = unbatched ? is[0] : is[1];
        int s = x.numel() / (n * c);
        double[] v = x.to(DType.FLOAT64).contiguous().toDoubleArray();
        long[] t = target.to(DType.INT64).contiguous().toLongArray();
        double[] w = weight == null ? null : weight.to(DType.FLOAT64).toDoubleArray();
        double[] per = new double[n * s];
        double total = 0, wsum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < s; j++) {
                long tt = t[i * s + j];
                if (tt == ignoreIndex) continue;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int k = 0; k < c; k++) max = Math.max(max, v[(i * c + k) * s + j]);
                for (int k = 0; k < c; k++) sum += Math.exp(v[(i * c + k) * s + j] - max);
                double lse = max + Math.log(sum), smooth = 0;
                for (int k = 0; k < c; k++) smooth -= (w == null ? 1 : w[k]) * (v[(i * c + k) * s + j] - lse);
                double wt = w == null ? 1 : w[(int) tt];
                double nll = -wt * (v[(i * c + (int) tt) * s + j] - lse);
                per[i * s + j] = (1 - ls) * nll + ls / c * smooth;
                total += per[i * s + j];
                wsum += wt;
            }
        }
        return switch (red) {
            case NONE -> per;
            case SUM -> new double[]{total};
            case MEAN -> new double[]{total / wsum};
        };
    }
}
