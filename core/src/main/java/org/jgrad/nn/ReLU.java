package org.jgrad.nn;

import org.jgrad.tensor.Tensor;

/** {@code torch.nn.ReLU}: max(x, 0). */
public final class ReLU extends Module {
    @Override
    public Tensor forward(Tensor input) { return input.relu(); }
}
