package org.jgrad.backend;

import org.jgrad.tensor.View;

/**
 * Optional fused cross-entropy, offered through {@link Backend#capability(Class)}; without it
 * {@code org.jgrad.nn.loss.ComposedCrossEntropy} builds the same terms from tensor ops.
 */
public interface FusedLoss {

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
    void softmaxCrossEntropyForward(View logits, View target, View weight, long ignoreIndex,
                                    View logProbs, View terms);

    /**
     * Gradient of {@link #softmaxCrossEntropyForward} with respect to the logits, from the
     * gradients of rows 0 and 1 of {@code terms} ({@code gradTerms} [3, N, S]; row 2 carries
     * none): {@code gradLogits[c] = g0 * w[t] * (p[c] - [c == t]) + g1 * (p[c] * sum(w) - w[c])},
     * 0 where the target is ignored.
     */
    void softmaxCrossEntropyBackward(View gradTerms, View logProbs, View target, View weight, long ignoreIndex,
                                     View gradLogits);
}
