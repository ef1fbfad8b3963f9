package org.jgrad.tensor;

/** How {@link Tensor#div(Tensor, RoundingMode)} rounds the quotient, as PyTorch's {@code rounding_mode}. */
public enum RoundingMode {
    /** Toward zero, like C's integer division ({@code rounding_mode="trunc"}). */
    TRUNC,
    /** Toward negative infinity, like Python's {@code //} ({@code rounding_mode="floor"}). */
    FLOOR
}
