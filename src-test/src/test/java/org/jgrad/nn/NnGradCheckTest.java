package org.jgrad.nn;

import org.jgrad.nn.loss.DiceLoss;
import org.jgrad.nn.loss.Losses;
import org.jgrad.nn.loss.Reduction;
import org.jgrad.ops.Concat;
import org.jgrad.ops.Dropout;
import org.jgrad.ops.Normalization;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.jgrad.testing.GradCheck.check;
import static org.jgrad.testing.GradCheck.randomLeaf;
import static org.junit.jupiter.api.Assertions.*;

/** Finite-difference checks (FLOAT64) of batch norm, dropout, cat/stack and every loss option. */
class NnGradCheckTest {
    /** A FLOAT64 leaf with values in [lo, hi). */
    static Tensor leaf(long seed, double lo, double hi, int... shape) {
        java.util.Random r = new java.util.Random(seed);
        int n = 1;
        for (int s : shape) n *= s;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextDouble();
        return Tensor.fromArray(v, shape).requiresGrad(true);
    }

    @Test
    void batchNormTraining() {
        // fresh running stats per call: the functional form updates them in place
        check("bn train 4d", x -> Normalization.batchNorm(x[0], Tensor.zeros(org.jgrad.tensor.DType.FLOAT64, org.jgrad.tensor.Device.cpu(), 3),
                        Tensor.ones(org.jgrad.tensor.DType.FLOAT64, org.jgrad.tensor.Device.cpu(), 3), x[1], x[2], true, 0.1, 1e-5),
                randomLeaf(1, 2, 3, 2, 2), randomLeaf(2, 3), randomLeaf(3, 3));
        check("bn train 2d no stats", x -> Normalization.batchNorm(x[0], null, null, x[1], x[2], true, 0.1, 1e-5),
                randomLeaf(4, 5, 3), randomLeaf(5, 3), randomLeaf(6, 3));
        check("bn train permuted input", x -> Normalization.batchNorm(x[0].permute(0, 3, 1, 2), null, null, x[1], null, true, 0.1, 1e-5),
                randomLeaf(7, 2, 2, 3, 3), randomLeaf(8, 3));
        check("bn train no affine", x -> Normalization.batchNorm(x[0], null, null, null, null, true, 0.1, 1e-3), randomLeaf(9, 4, 2, 3));
    }

    @Test
    void batchNormEval() {
        Tensor rm = Tensor.fromArray(new double[]{0.1, -0.2, 0.3}, 3), rv = Tensor.fromArray(new double[]{0.5, 1.5, 2.0}, 3);
        check("bn eval", x -> Normalization.batchNorm(x[0], rm, rv, x[1], x[2], false, 0.1, 1e-5),
                randomLeaf(10, 2, 3, 2, 2), randomLeaf(11, 3), randomLeaf(12, 3));
        check("bn eval transposed 2d", x -> Normalization.batchNorm(x[0].t(), rm, rv, x[1], null, false, 0.1, 1e-5),
                randomLeaf(13, 3, 4), randomLeaf(14, 3));
    }

    @Test
    void dropoutWithFixedMask() {
        // the same seed gives the same mask on every call, so the function is deterministic
        check("dropout p=0.3", x -> Dropout.dropout(x[0], 0.3, true, new Generator(99)), randomLeaf(20, 4, 5));
        check("dropout transposed", x -> Dropout.dropout(x[0].t(), 0.5, true, new Generator(98)), randomLeaf(21, 4, 5));
    }

    @Test
    void catAndStack() {
        check("cat dim 0", x -> Concat.cat(List.of(x[0], x[1], x[2]), 0), randomLeaf(30, 2, 3), randomLeaf(31, 1, 3), randomLeaf(32, 3, 3));
        check("cat dim 1 strided", x -> Concat.cat(List.of(x[0].t(), x[1].slice(1, 0, 4, 2)), 1), randomLeaf(33, 2, 3), randomLeaf(34, 3, 4));
        check("cat negative dim, 4d", x -> Concat.cat(List.of(x[0], x[1]), -3), randomLeaf(35, 2, 1, 2, 2), randomLeaf(36, 2, 3, 2, 2));
        check("stack dim 1", x -> Concat.stack(List.of(x[0], x[1].t()), 1), randomLeaf(37, 3, 2), randomLeaf(38, 2, 3));
        check("stack last", x -> Concat.stack(List.of(x[0], x[1]), -1), randomLeaf(39, 2, 3), randomLeaf(40, 2, 3));
    }

    @Test
    void crossEntropyAllOptions() {
        Tensor t2 = Tensor.fromArray(new long[]{0, 3, 1, 1, 2}, 5);
        Tensor t4 = Tensor.fromArray(new long[]{0, 2, 1, 1, 2, 0, 1, 2, 0, 0, 2, 1}, 2, 3, 2);
        Tensor w4 = Tensor.fromArray(new double[]{0.3, 1.2, 2.0, 0.7}, 4), w3 = Tensor.fromArray(new double[]{0.5, 1.5, 1.0}, 3);
        for (Reduction r : Reduction.values()) {
            for (double ls : new double[]{0, 0.2}) {
                check("ce 2d " + r + " ls " + ls, x -> Losses.crossEntropy(x[0], t2, null, Losses.NO_IGNORE, r, ls), randomLeaf(50, 5, 4));
                check("ce 2d weighted ignore " + r + " ls " + ls, x -> Losses.crossEntropy(x[0], t2, w4, 1, r, ls), randomLeaf(51, 5, 4));
                check("ce 4d " + r + " ls " + ls, x -> Losses.crossEntropy(x[0], t4, w3, 2, r, ls), randomLeaf(52, 2, 3, 3, 2));
                check("ce 4d permuted " + r, x -> Losses.crossEntropy(x[0].permute(0, 3, 1, 2), t4, null, Losses.NO_IGNORE, r, ls),
                        randomLeaf(53, 2, 3, 2, 3));
            }
        }
    }

    @Test
    void bceWithLogitsAllOptions() {
        for (Reduction r : Reduction.values()) {
            check("bce " + r, x -> Losses.binaryCrossEntropyWithLogits(x[0].mul(4.0), x[1].sigmoid(), null, null, r),
                    randomLeaf(60, 3, 4), randomLeaf(61, 3, 4));
            check("bce pos_weight weight " + r, x -> Losses.binaryCrossEntropyWithLogits(x[0].mul(4.0), x[1].sigmoid(), x[3].exp(), x[2].exp(), r),
                    randomLeaf(62, 3, 4), randomLeaf(63, 3, 4), randomLeaf(64, 4), randomLeaf(65, 3, 1));
            check("bce 4d channel pos_weight " + r, x -> Losses.binaryCrossEntropyWithLogits(x[0], x[1].sigmoid(), null, x[2].exp(), r),
                    randomLeaf(66, 2, 3, 2, 2), randomLeaf(67, 2, 3, 2, 2), randomLeaf(68, 3, 1, 1));
        }
    }

    @Test
    void mseAllReductions() {
        for (Reduction r : Reduction.values()) {
            check("mse " + r, x -> Losses.mseLoss(x[0].t(), x[1], r), randomLeaf(70, 4, 3), randomLeaf(71, 3, 4));
        }
    }

    @Test
    void diceAllModes() {
        Tensor cls = Tensor.fromArray(new long[]{0, 1, 1, 0, 2, 0, 1, 0}, 2, 2, 2);
        Tensor bin = Tensor.fromArray(new double[]{1, 0, 1, 1, 0, 0, 1, 0}, 2, 1, 2, 2);
        Tensor ml = Tensor.fromArray(new double[]{1, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0}, 2, 2, 2, 2);
        for (boolean log : new boolean[]{false, true}) {
            for (double smooth : new double[]{0, 1}) {
                check("dice multiclass", x -> Losses.diceLoss(x[0], cls, DiceLoss.Mode.MULTICLASS, true, smooth, 1e-7, log), randomLeaf(80, 2, 3, 2, 2));
                check("dice binary", x -> Losses.diceLoss(x[0], bin, DiceLoss.Mode.BINARY, true, smooth, 1e-7, log), randomLeaf(81, 2, 1, 2, 2));
                check("dice multilabel", x -> Losses.diceLoss(x[0], ml, DiceLoss.Mode.MULTILABEL, true, smooth, 1e-7, log), randomLeaf(82, 2, 2, 2, 2));
            }
        }
        check("dice probabilities", x -> Losses.diceLoss(x[0], bin, DiceLoss.Mode.BINARY, false, 0.5, 1e-7, false), leaf(83, 0.1, 0.9, 2, 1, 2, 2));
    }

    @Test
    void gradCheckCatchesAWrongFormula() {
        // the checker itself must fail on a wrong gradient: x.detach() * x has true gradient x, autograd sees only x
        assertThrows(AssertionError.class, () -> check("wrong on purpose", x -> x[0].detach().mul(x[0]).add(x[0].mul(x[0])), randomLeaf(90, 3)));
    }
}
