package org.jgrad.nn.loss;

import org.jgrad.tensor.Tensor;

/** {@code torch.nn.CrossEntropyLoss} with class-index targets; see {@link Losses#crossEntropy}. */
public final class CrossEntropyLoss extends Loss {
    private final long ignoreIndex;
    private final Reduction reduction;
    private final double labelSmoothing;

    /** Mean reduction, no class weights, ignore_index -100, no smoothing. */
    public CrossEntropyLoss() { this(null, Losses.NO_IGNORE, Reduction.MEAN, 0); }

    /**
     * @param weight per-class weights [C] (kept as the buffer "weight"), or null
     * @param labelSmoothing in [0, 1]
     */
    public CrossEntropyLoss(Tensor weight, long ignoreIndex, Reduction reduction, double labelSmoothing) {
        if (weight != null && weight.dim() != 1) {
            throw new IllegalArgumentException("CrossEntropyLoss: weight must be 1-D (one per class), got shape "
                    + java.util.Arrays.toString(weight.shape()));
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("CrossEntropyLoss: label_smoothing must be in [0, 1], got " + labelSmoothing);
        }
        registerBuffer("weight", weight);
        this.ignoreIndex = ignoreIndex;
        this.reduction = checkReduction(reduction);
        this.labelSmoothing = labelSmoothing;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.crossEntropy(input, target, buffer("weight"), ignoreIndex, reduction, labelSmoothing);
    }

    @Override
    protected String extraRepr() {
        return "ignore_index=" + ignoreIndex + ", reduction=" + reduction + ", label_smoothing=" + labelSmoothing;
    }
}
