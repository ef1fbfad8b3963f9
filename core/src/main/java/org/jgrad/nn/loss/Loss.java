package org.jgrad.nn.loss;

import org.jgrad.nn.Module;
import org.jgrad.tensor.Tensor;

/**
 * A criterion as a module, like {@code torch.nn.CrossEntropyLoss}: configured once, applied as
 * {@code loss = criterion.apply(output, target)}. Losses take two inputs, so the one-input
 * {@link Module#forward(Tensor)} is not theirs to use.
 */
public abstract class Loss extends Module {

    /** The loss of {@code input} (the model's output) against {@code target}. */
    public abstract Tensor forward(Tensor input, Tensor target);

    /** Same as {@link #forward(Tensor, Tensor)}, PyTorch's {@code criterion(input, target)}. */
    public final Tensor apply(Tensor input, Tensor target) { return forward(input, target); }

    @Override
    public final Tensor forward(Tensor input) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " needs an input and a target: call forward(input, target)");
    }

    static Reduction checkReduction(Reduction r) {
        if (r == null) throw new IllegalArgumentException("reduction must be NONE, MEAN or SUM, got null");
        return r;
    }
}
