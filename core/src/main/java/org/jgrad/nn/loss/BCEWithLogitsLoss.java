package org.jgrad.nn.loss;

import org.jgrad.tensor.Tensor;

/** {@code torch.nn.BCEWithLogitsLoss}; see {@link Losses#binaryCrossEntropyWithLogits}. */
public final class BCEWithLogitsLoss extends Loss {
    private final Reduction reduction;

    public BCEWithLogitsLoss() { this(null, null, Reduction.MEAN); }

    /**
     * @param weight per-element weight broadcast to the input (buffer "weight"), or null
     * @param posWeight positive-class weight broadcast to the input (buffer "pos_weight"), or null
     */
    public BCEWithLogitsLoss(Tensor weight, Tensor posWeight, Reduction reduction) {
        registerBuffer("weight", weight);
        registerBuffer("pos_weight", posWeight);
        this.reduction = checkReduction(reduction);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.binaryCrossEntropyWithLogits(input, target, buffer("weight"), buffer("pos_weight"), reduction);
    }

    @Override
    protected String extraRepr() { return "reduction=" + reduction; }
}
