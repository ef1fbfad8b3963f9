package org.jgrad.nn.loss;

import org.jgrad.tensor.Tensor;

/** Soft Dice loss for segmentation, as segmentation_models_pytorch's {@code DiceLoss}; see {@link Losses#diceLoss}. */
public final class DiceLoss extends Loss {
    /** BINARY: one foreground channel; MULTICLASS: softmax over C, integer targets; MULTILABEL: C independent sigmoids. */
    public enum Mode { BINARY, MULTICLASS, MULTILABEL }

    private final Mode mode;
    private final boolean fromLogits, logLoss;
    private final double smooth, eps;

    /** With smp's defaults: from logits, smooth 0, eps 1e-7, 1 - dice. */
    public DiceLoss(Mode mode) { this(mode, true, 0.0, 1e-7, false); }

    public DiceLoss(Mode mode, boolean fromLogits, double smooth, double eps, boolean logLoss) {
        if (mode == null) throw new IllegalArgumentException("DiceLoss: mode must be BINARY, MULTICLASS or MULTILABEL, got null");
        if (!(smooth >= 0)) throw new IllegalArgumentException("DiceLoss: smooth must be >= 0, got " + smooth);
        if (!(eps >= 0)) throw new IllegalArgumentException("DiceLoss: eps must be >= 0, got " + eps);
        this.mode = mode;
        this.fromLogits = fromLogits;
        this.smooth = smooth;
        this.eps = eps;
        this.logLoss = logLoss;
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Losses.diceLoss(input, target, mode, fromLogits, smooth, eps, logLoss);
    }

    @Override
    protected String extraRepr() {
        return "mode=" + mode + ", from_logits=" + fromLogits + ", smooth=" + smooth + ", eps=" + eps + ", log_loss=" + logLoss;
    }
}
