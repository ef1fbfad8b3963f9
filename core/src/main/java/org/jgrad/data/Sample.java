package org.jgrad.data;

import org.jgrad.tensor.Tensor;

import java.util.Objects;

/**
 * One input and its target, e.g. a [1,28,28] image and a 0-d INT64 class label, or an image
 * and its [1,H,W] mask. Closing it closes both handles.
 */
public record Sample(Tensor input, Tensor target) implements AutoCloseable {
    public Sample {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(target, "target");
    }

    /** The same target with another input (for transforms). */
    public Sample withInput(Tensor newInput) { return new Sample(newInput, target); }

    @Override
    public void close() {
        input.close();
        target.close();
    }
}
