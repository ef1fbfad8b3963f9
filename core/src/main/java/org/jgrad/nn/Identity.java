package org.jgrad.nn;

import org.jgrad.tensor.Tensor;

/** {@code torch.nn.Identity}: returns its input. */
public final class Identity extends Module {
    @Override
    public Tensor forward(Tensor input) { return input; }
}
