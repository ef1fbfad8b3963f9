package org.jgrad.nn.loss;

/** How a loss reduces its per-element values, PyTorch's {@code reduction=} argument. */
public enum Reduction {
    /** The per-element losses, in the target's shape. */
    NONE,
    /** Their mean (cross-entropy: divided by the total weight of the non-ignored targets). */
    MEAN,
    /** Their sum. */
    SUM
}
