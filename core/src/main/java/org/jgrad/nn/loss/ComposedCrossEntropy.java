package org.jgrad.nn.loss;

import org.jgrad.autograd.Grad;
import org.jgrad.ops.Concat;
import org.jgrad.ops.composed.ComposedSoftmax;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.util.List;

/**
 * Softmax cross-entropy composed from log-softmax, a one-hot selection ({@code where} against the
 * class indices) and sums: the composition of the fused {@code softmaxCrossEntropyForward} /
 * {@code softmaxCrossEntropyBackward}. It produces the same three rows of per-element terms, so
 * {@link Losses#crossEntropy} combines them unchanged; the gradient comes from autograd through
 * the log-softmax and equals the fused backward's
 * {@code g0 * w[t] * (p[c] - [c == t]) + g1 * (p[c] * sum(w) - w[c])} in exact arithmetic.
 */
public final class ComposedCrossEntropy {
    private ComposedCrossEntropy() {}

    /**
     * The per-element terms [3, N, S] of the fused forward, from {@code logits} [N, C, S] and
     * class indices {@code target} [N, S] (INT64):
     * row 0 {@code -w[t] * logp[t]}, row 1 {@code -sum_c w[c] * logp[c]}, row 2 {@code w[t]}, all 0
     * where {@code target == ignoreIndex}. Rows 0 and 1 are on the tape for {@code logits}.
     *
     * @param weight [C] in the logits' dtype, or null (all 1); a constant
     * @throws IndexOutOfBoundsException naming the first target outside [0, C) that is not ignoreIndex
     *         (this check reads one count back to the host)
     */
    public static Tensor terms(Tensor logits, Tensor target, Tensor weight, long ignoreIndex) {
        int c = logits.size(1);
        DType dt = logits.dtype();
        Tensor valid = target.ne((double) ignoreIndex);
        checkTargets(target, valid, c, ignoreIndex);
        Tensor logp = ComposedSoftmax.softmax(logits, 1, true);
        Tensor classes = Tensor.arange(0, c, 1, DType.INT64, logits.device()).view(1, c, 1);
        Tensor hit = classes.eq(target.unsqueeze(1)); // [N, C, S]: 1 at the target class
        Tensor zero = Tensor.zeros(dt, logits.device());
        Tensor w = weight == null ? null : weight.detach().to(dt).view(1, c, 1);
        // where, not a multiply by the one-hot mask: 0 * -inf of a class with no mass would be NaN
        Tensor logpTarget = Tensor.where(hit, logp, zero).sum(1, false);
        Tensor wTarget = w == null ? hit.to(dt).sum(1, false) : Tensor.where(hit, w, zero).sum(1, false);
        Tensor nll = wTarget.mul(logpTarget).neg();
        Tensor smooth = (w == null ? logp : logp.mul(w)).sum(1, false).neg();
        return Concat.stack(List.of(Tensor.where(valid, nll, zero), Tensor.where(valid, smooth, zero),
                Tensor.where(valid, wTarget, zero)), 0);
    }

    /**
     * {@link Losses#crossEntropy(Tensor, Tensor, Tensor, long, Reduction, double)} with the terms
     * composed: input [N, C, d1, ...] (or [C] with a 0-d target), target [N, d1, ...].
     * The caller's checks (shapes, dtypes, devices, reduction) are those of {@code Losses}.
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, long ignoreIndex, Reduction reduction,
                                      double labelSmoothing) {
        if (input.dim() == 1 && target.dim() == 0) {
            Tensor r = crossEntropy(input.unsqueeze(0), target.unsqueeze(0), weight, ignoreIndex, reduction, labelSmoothing);
            return reduction == Reduction.NONE ? r.squeeze(0) : r;
        }
        int[] ts = target.shape();
        int n = input.size(0), c = input.size(1);
        int s = n == 0 ? 0 : input.numel() / (n * c);
        Tensor terms = terms(input.reshape(n, c, s), target.to(DType.INT64).reshape(n, s), weight, ignoreIndex);
        // combined exactly as the fused terms are, so the two differ only by the terms' rounding
        return Losses.combineTerms(terms, ts, c, reduction, labelSmoothing);
    }

    private static void checkTargets(Tensor target, Tensor valid, int c, long ignoreIndex) {
        try (var off = Grad.off()) {
            Tensor outOfRange = valid.mul(target.lt(0).add(target.ge(c)));
            if (outOfRange.sum().item() == 0) return;
            long[] t = target.contiguous().toLongArray();
            for (int i = 0; i < t.length; i++) {
                if (t[i] != ignoreIndex && (t[i] < 0 || t[i] >= c)) {
                    throw new IndexOutOfBoundsException("cross_entropy: target " + t[i] + " is out of bounds for " + c + " classes"
                            + " (at flat position " + i + "; valid targets are 0.." + (c - 1) + " or ignore_index " + ignoreIndex + ")");
                }
            }
        }
    }
}
