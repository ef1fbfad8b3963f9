package org.jgrad.nn.loss;

import org.jgrad.backend.Backends;
import org.jgrad.backend.FusedLoss;
import org.jgrad.autograd.Autograd;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * The losses as functions, like {@code torch.nn.functional}: cross-entropy (fused log-softmax +
 * NLL), binary cross-entropy with logits, mean squared error, soft Dice.
 */
public final class Losses {
    /** PyTorch's default ignore_index: no real class has it. */
    public static final long NO_IGNORE = -100;

    private Losses() {}

    // ------------------------------------------------------------------ cross-entropy

    /**
     * The [3, N, S] cross-entropy terms (weighted NLL, smoothing term, target weight) of
     * {@link FusedLoss#softmaxCrossEntropyForward}, on the tape for {@code input}: fused where the
     * backend offers {@link FusedLoss}, else composed from tensor ops.
     */
    private static Tensor fusedOrComposedTerms(Tensor input, Tensor t2, Tensor w, long ignoreIndex, int n, int c, int s) {
        var fused = Backends.of(input.device()).capability(FusedLoss.class);
        if (fused.isEmpty()) return ComposedCrossEntropy.terms(input.reshape(n, c, s), t2, w, ignoreIndex);
        FusedLoss loss = fused.get();
        int[] is = input.shape();
        Tensor x3 = input.detach().contiguous().view(n, c, s);
        Tensor logProbs = Tensor.empty(input.dtype(), input.device(), n, c, s);
        Tensor terms = Tensor.empty(input.dtype(), input.device(), 3, n, s);
        loss.softmaxCrossEntropyForward(x3.raw(), t2.raw(), Tensor.rawOrNull(w), ignoreIndex, logProbs.raw(), terms.raw());
        return Autograd.record(terms, "cross_entropy", new Tensor[]{input}, g -> {
            Tensor gl = Tensor.empty(input.dtype(), input.device(), n, c, s);
            loss.softmaxCrossEntropyBackward(g.contiguous().raw(), logProbs.raw(), t2.raw(), Tensor.rawOrNull(w), ignoreIndex, gl.raw());
            return new Tensor[]{gl.view(is)};
        });
    }

    /** Mean cross-entropy of logits [N, C, ...] against class indices [N, ...]. */
    public static Tensor crossEntropy(Tensor input, Tensor target) {
        return crossEntropy(input, target, null, NO_IGNORE, Reduction.MEAN, 0);
    }

    /**
     * {@code torch.nn.functional.cross_entropy} with class-index targets, as PyTorch 1.13
     * computes it.
     *
     * @param input logits [N, C] or [N, C, d1, ...] (or [C] with a 0-d target)
     * @param target class indices (integer dtype) of shape [N] or [N, d1, ...]
     * @param weight per-class weights [C], or null; treated as a constant (no gradient)
     * @param ignoreIndex targets equal to it contribute nothing, not even to the mean's denominator
     * @param reduction NONE gives the per-element losses in the target's shape; MEAN divides the
     *                  sum by the total weight of the non-ignored targets
     * @param labelSmoothing in [0, 1]: each element's loss becomes (1-ε)·w_t·(-logp_t) +
     *                  ε/C·Σ_c w_c·(-logp_c); MEAN divides both parts' sums by the same total
     *                  target weight, as PyTorch 1.13 does
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, long ignoreIndex, Reduction reduction,
                                      double labelSmoothing) {
        input.checkOpen();
        target.checkOpen();
        Loss.checkReduction(reduction);
        if (!input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("cross_entropy: input (logits) must be floating point, got " + input.dtype());
        }
        if (target.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("cross_entropy: target must hold class indices (an integer dtype), got " + target.dtype()
                    + "; class-probability targets are not supported");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("cross_entropy: label_smoothing must be in [0, 1], got " + labelSmoothing);
        }
        if (!target.device().equals(input.device())) {
            throw new IllegalArgumentException("cross_entropy: input is on " + input.device() + " but target is on " + target.device());
        }
        if (input.dim() == 1 && target.dim() == 0) { // one sample, no batch dim
            Tensor r = crossEntropy(input.unsqueeze(0), target.unsqueeze(0), weight, ignoreIndex, reduction, labelSmoothing);
            return reduction == Reduction.NONE ? r.squeeze(0) : r;
        }
        int[] is = input.shape(), ts = target.shape();
        boolean ok = input.dim() >= 2 && target.dim() == input.dim() - 1 && ts[0] == is[0];
        for (int i = 2; ok && i < is.length; i++) ok = ts[i - 1] == is[i];
        if (!ok) {
            throw new IllegalArgumentException("cross_entropy: expected target of shape [N, d1, ...] for input [N, C, d1, ...]; got input "
                    + Arrays.toString(is) + " and target " + Arrays.toString(ts));
        }
        int n = is[0], c = is[1];
        int s = c == 0 || n == 0 ? 0 : input.numel() / (n * c);
        if (c == 0) throw new IllegalArgumentException("cross_entropy: input has 0 classes, shape " + Arrays.toString(is));
        Tensor w = null;
        if (weight != null) {
            weight.checkOpen();
            if (weight.dim() != 1 || weight.size(0) != c) {
                throw new IllegalArgumentException("cross_entropy: weight must have shape [" + c + "] (one per class), got "
                        + Arrays.toString(weight.shape()));
            }
            if (!weight.device().equals(input.device())) {
                throw new IllegalArgumentException("cross_entropy: weight is on " + weight.device() + " but input is on " + input.device());
            }
            w = weight.detach().to(input.dtype()).contiguous();
        }
        Tensor t2 = target.to(DType.INT64).contiguous().view(n, s);
        Tensor terms = fusedOrComposedTerms(input, t2, w, ignoreIndex, n, c, s);
        return combineTerms(terms, ts, c, reduction, labelSmoothing);
    }

    /**
     * The loss from the [3, N, S] terms (fused or composed alike): the weighted NLL, mixed with the
     * smoothing term when {@code labelSmoothing > 0}, reduced; MEAN divides by the targets' weights.
     */
    static Tensor combineTerms(Tensor terms, int[] targetShape, int c, Reduction reduction, double labelSmoothing) {
        Tensor nll = terms.select(0, 0).reshape(targetShape);
        if (labelSmoothing == 0) {
            return switch (reduction) {
                case NONE -> nll;
                case SUM -> nll.sum();
                case MEAN -> nll.sum().div(terms.select(0, 2).detach().sum());
            };
        }
        Tensor smooth = terms.select(0, 1).reshape(targetShape);
        double a = 1 - labelSmoothing, b = labelSmoothing / c;
        return switch (reduction) {
            case NONE -> nll.mul(a).add(smooth.mul(b));
            case SUM -> nll.sum().mul(a).add(smooth.sum().mul(b));
            case MEAN -> {
                Tensor wsum = terms.select(0, 2).detach().sum();
                yield nll.sum().mul(a).add(smooth.sum().mul(b)).div(wsum);
            }
        };
    }

    // ------------------------------------------------------------------ BCE with logits

    /** Mean binary cross-entropy with logits, no weights. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
        return binaryCrossEntropyWithLogits(input, target, null, null, Reduction.MEAN);
    }

    /**
     * {@code torch.nn.functional.binary_cross_entropy_with_logits} in its numerically stable form:
     * {@code (1-y)·x + (1 + (pw-1)·y)·softplus(-x)}, softplus computed as
     * {@code m + log(exp(-m) + exp(-x-m))} with {@code m = max(-x, 0)}.
     *
     * @param target same shape as input, probabilities in [0, 1]
     * @param weight rescales each element's loss; broadcast to the input's shape, or null
     * @param posWeight weight of the positive term, broadcast to the input's shape as in PyTorch:
     *                  [C] for input [N, C]; for input [N, C, H, W] give [C, 1, 1] to weight channels
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Tensor posWeight, Reduction reduction) {
        input.checkOpen();
        target.checkOpen();
        Loss.checkReduction(reduction);
        if (!input.dtype().isFloatingPoint() || !target.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("binary_cross_entropy_with_logits: input and target must be floating point, got "
                    + input.dtype() + " and " + target.dtype());
        }
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("binary_cross_entropy_with_logits: target size " + Arrays.toString(target.shape())
                    + " must be the same as input size " + Arrays.toString(input.shape()));
        }
        checkBroadcastable("weight", weight, input);
        checkBroadcastable("pos_weight", posWeight, input);
        Tensor m = input.neg().clamp(0, Double.POSITIVE_INFINITY);
        Tensor softplusNeg = m.add(m.neg().exp().add(input.neg().sub(m).exp()).log()); // log(1 + exp(-x))
        Tensor loss;
        if (posWeight != null) {
            Tensor logWeight = posWeight.sub(1.0).mul(target).add(1.0);
            loss = target.neg().add(1.0).mul(input).add(logWeight.mul(softplusNeg));
        } else {
            loss = target.neg().add(1.0).mul(input).add(softplusNeg);
        }
        if (weight != null) loss = loss.mul(weight);
        return reduce(loss, reduction);
    }

    // ------------------------------------------------------------------ MSE

    public static Tensor mseLoss(Tensor input, Tensor target) { return mseLoss(input, target, Reduction.MEAN); }

    /** {@code torch.nn.functional.mse_loss}: (input - target)², shapes must be equal. */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        input.checkOpen();
        target.checkOpen();
        Loss.checkReduction(reduction);
        if (!Arrays.equals(input.shape(), target.shape())) {
            throw new IllegalArgumentException("mse_loss: input shape " + Arrays.toString(input.shape())
                    + " and target shape " + Arrays.toString(target.shape()) + " differ");
        }
        if (!input.dtype().isFloatingPoint() || !target.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("mse_loss: input and target must be floating point, got " + input.dtype() + " and " + target.dtype());
        }
        Tensor d = input.sub(target);
        return reduce(d.mul(d), reduction);
    }

    // ------------------------------------------------------------------ soft Dice

    /** Mean soft Dice loss, as segmentation_models_pytorch's {@code DiceLoss(mode)} with its defaults. */
    public static Tensor diceLoss(Tensor input, Tensor target, DiceLoss.Mode mode) {
        return diceLoss(input, target, mode, true, 0.0, 1e-7, false);
    }

    /**
     * Soft Dice loss as segmentation_models_pytorch defines it. Probabilities come from a
     * sigmoid (BINARY, MULTILABEL) or a softmax over dimension 1 (MULTICLASS) when
     * {@code fromLogits}. Per class c, with sums over the batch and the pixels:
     * {@code dice_c = (2·Σ p·y + smooth) / max(Σ (p + y) + smooth, eps)}; the loss is
     * {@code 1 - dice_c} (or {@code -log(max(dice_c, eps))} with {@code logLoss}), zeroed for
     * classes with no true pixel in the batch, then averaged over classes.
     *
     * @param input  [N, C, ...] scores (BINARY: C = 1 or any shape with the target's element count)
     * @param target BINARY: 0/1 values with the input's element count; MULTICLASS: class indices
     *               [N, ...] (integer dtype) in [0, C); MULTILABEL: 0/1 values of the input's shape
     */
    public static Tensor diceLoss(Tensor input, Tensor target, DiceLoss.Mode mode, boolean fromLogits, double smooth, double eps,
                                  boolean logLoss) {
        input.checkOpen();
        target.checkOpen();
        if (mode == null) throw new IllegalArgumentException("dice_loss: mode must be BINARY, MULTICLASS or MULTILABEL, got null");
        if (!input.dtype().isFloatingPoint()) throw new IllegalArgumentException("dice_loss: input must be floating point, got " + input.dtype());
        if (!(smooth >= 0)) throw new IllegalArgumentException("dice_loss: smooth must be >= 0, got " + smooth);
        if (!(eps >= 0)) throw new IllegalArgumentException("dice_loss: eps must be >= 0, got " + eps);
        if (!target.device().equals(input.device())) {
            throw new IllegalArgumentException("dice_loss: input is on " + input.device() + " but target is on " + target.device());
        }
        if (input.dim() < 2 || target.dim() < 1 || target.size(0) != input.size(0)) {
            throw new IllegalArgumentException("dice_loss: expected input [N, C, ...] and target [N, ...] with the same N, got "
                    + Arrays.toString(input.shape()) + " and " + Arrays.toString(target.shape()));
        }
        int bs = input.size(0), c = input.size(1);
        Tensor prob, truth;
        switch (mode) {
            case BINARY -> {
                if (target.numel() != input.numel()) {
                    throw new IllegalArgumentException("dice_loss (binary): target " + Arrays.toString(target.shape())
                            + " must have as many elements as input " + Arrays.toString(input.shape()));
                }
                prob = (fromLogits ? input.sigmoid() : input).reshape(bs, 1, -1);
                truth = target.to(input.dtype()).reshape(bs, 1, -1);
            }
            case MULTILABEL -> {
                if (!Arrays.equals(target.shape(), input.shape())) {
                    throw new IllegalArgumentException("dice_loss (multilabel): target shape " + Arrays.toString(target.shape())
                            + " must equal input shape " + Arrays.toString(input.shape()));
                }
                prob = (fromLogits ? input.sigmoid() : input).reshape(bs, c, -1);
                truth = target.to(input.dtype()).reshape(bs, c, -1);
            }
            case MULTICLASS -> {
                int[] is = input.shape(), ts = target.shape();
                boolean ok = ts.length == is.length - 1;
                for (int i = 1; ok && i < ts.length; i++) ok = ts[i] == is[i + 1];
                if (!ok) {
                    throw new IllegalArgumentException("dice_loss (multiclass): expected target [N, d1, ...] for input [N, C, d1, ...], got "
                            + Arrays.toString(ts) + " and " + Arrays.toString(is));
                }
                if (target.dtype().isFloatingPoint()) {
                    throw new IllegalArgumentException("dice_loss (multiclass): target must hold class indices (an integer dtype), got " + target.dtype());
                }
                checkClassRange("dice_loss (multiclass)", target, c);
                prob = (fromLogits ? input.softmax(1) : input).reshape(bs, c, -1);
                try (Tensor classes = Tensor.arange(0, c, 1, DType.INT64, input.device())) {
                    truth = target.to(DType.INT64).reshape(bs, 1, -1).eq(classes.reshape(1, c, 1)).to(input.dtype());
                }
            }
            default -> throw new IllegalStateException();
        }
        int[] dims = {0, 2};
        Tensor intersection = prob.mul(truth).sum(dims, false);
        Tensor cardinality = prob.add(truth).sum(dims, false);
        Tensor score = intersection.mul(2.0).add(smooth).div(cardinality.add(smooth).clamp(eps, Double.POSITIVE_INFINITY));
        Tensor loss = logLoss ? score.clamp(eps, Double.POSITIVE_INFINITY).log().neg() : score.neg().add(1.0);
        Tensor present = truth.sum(dims, false).gt(0).to(input.dtype());
        return loss.mul(present).mean();
    }

    /** Throws naming the first value outside [0, classes). */
    static void checkClassRange(String op, Tensor target, int classes) {
        if (target.numel() == 0) return;
        long lo = (long) target.min().item(), hi = (long) target.max().item();
        if (lo < 0 || hi >= classes) {
            long bad = lo < 0 ? lo : hi;
            throw new IndexOutOfBoundsException(op + ": target " + bad + " is out of bounds for " + classes + " classes (valid 0.." + (classes - 1) + ")");
        }
    }

    static Tensor reduce(Tensor loss, Reduction reduction) {
        return switch (reduction) {
            case NONE -> loss;
            case SUM -> loss.sum();
            case MEAN -> loss.mean();
        };
    }

    private static void checkBroadcastable(String name, Tensor t, Tensor input) {
        if (t == null) return;
        t.checkOpen();
        if (!t.device().equals(input.device())) {
            throw new IllegalArgumentException("binary_cross_entropy_with_logits: " + name + " is on " + t.device() + " but input is on " + input.device());
        }
        int[] b;
        try {
            b = org.jgrad.tensor.Shapes.broadcast(t.shape(), input.shape());
        } catch (IllegalArgumentException e) {
            b = null;
        }
        if (b == null || !Arrays.equals(b, input.shape())) {
            throw new IllegalArgumentException("binary_cross_entropy_with_logits: " + name + " of shape " + Arrays.toString(t.shape())
                    + " does not broadcast to the input shape " + Arrays.toString(input.shape()));
        }
    }
}
