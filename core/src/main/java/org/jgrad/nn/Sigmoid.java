package org.jgrad.nn;

import org.jgrad.tensor.Tensor;

/** {@code torch.nn.Sigmoid}: 1 / (1 + exp(-x)). */
public final class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor input) { return input.sigmoid(); }
}
