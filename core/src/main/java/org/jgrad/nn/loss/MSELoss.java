package org.jgrad.nn.loss;

import org.jgrad.tensor.Tensor;

/** {@code torch.nn.MSELoss}; see {@link Losses#mseLoss}. */
public final class MSELoss extends Loss {
    private final Reduction reduction;

    public MSELoss() { this(Reduction.MEAN); }

    public MSELoss(Reduction reduction) { this.reduction = checkReduction(reduction); }

    @Override
    public Tensor forward(Tensor input, Tensor target) { return Losses.mseLoss(input, target, reduction); }

    @Override
    protected String extraRepr() { return "reduction=" + reduction; }
}
