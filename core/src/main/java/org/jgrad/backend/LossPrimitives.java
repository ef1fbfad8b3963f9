package org.jgrad.backend;

import org.jgrad.tensor.View;

/**
 * Loss primitives. Each method has a default that throws {@link UnsupportedOperationException}
 * naming the primitive and the backend, so a backend can be brought up family by family; the
 * CPU backend implements every one (see {@code CpuLoss}).
 */
public interface LossPrimitives {

    /**
     * Fused log-softmax + negative log-likelihood over {@code logits} [N, C, S] (contiguous; S is
     * the product of the extra dims, 1 for [N, C]) with integer targets {@code target} [N, S]
     * (INT64, contiguous). Writes {@code logProbs} [N, C, S] (saved for backward) and
     * {@code terms} [3, N, S]:
     * <ul>
     *   <li>row 0: the weighted NLL {@code -w[t] * logp[t]},</li>
     *   <li>row 1: the label-smoothing term {@code -sum_c w[c] * logp[c]},</li>
     *   <li>row 2: the target's weight {@code w[t]} (the denominator of the mean),</li>
     * </ul>
     * all 0 where {@code target == ignoreIndex}; {@code weight} [C] or null (all 1). A target
     * outside [0, C) that is not {@code ignoreIndex} is an error naming the value.
     */
    default void softmaxCrossEntropyForward(View logits, View target, View weight, long ignoreIndex,
                                            View logProbs, View terms) {
        throw Backend.unsupported("softmaxCrossEntropyForward", this);
    }

    /**
     * Gradient of {@link #softmaxCrossEntropyForward} with respect to the logits, from the
     * gradients of rows 0 and 1 of {@code terms} ({@code gradTerms} [3, N, S]; row 2 carries
     * none): {@code gradLogits[c] = g0 * w[t] * (p[c] - [c == t]) + g1 * (p[c] * sum(w) - w[c])},
     * 0 where the target is ignored.
     */
    default void softmaxCrossEntropyBackward(View gradTerms, View logProbs, View target, View weight, long ignoreIndex,
                                             View gradLogits) {
        throw Backend.unsupported("softmaxCrossEntropyBackward", this);
    }
}
