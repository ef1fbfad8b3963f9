package org.jgrad.optim;

import org.jgrad.tensor.Tensor;

import java.util.List;

/**
 * AdamW with PyTorch 1.13's exact update ({@code torch.optim.AdamW}): Adam whose weight decay is
 * decoupled from the gradient, {@code p *= 1 - lr * weight_decay} before the moment update.
 * Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2. Checks as {@link Adam}.
 */
public final class AdamW extends AdamBase {
    public AdamW(Iterable<Tensor> params) { this(List.of(ParamGroup.of(params)), ParamGroup.defaults()); }

    public AdamW(Iterable<Tensor> params, double lr) { this(List.of(ParamGroup.of(params)), ParamGroup.defaults().lr(lr)); }

    /** PyTorch's arguments: {@code AdamW(params, lr, betas, eps, weight_decay, amsgrad)}. */
    public AdamW(Iterable<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        this(List.of(ParamGroup.of(params)), positional(lr, beta1, beta2, eps, weightDecay, amsgrad));
    }

    public AdamW(List<ParamGroup> groups, ParamGroup defaults) { super("AdamW", true, groups, defaults, 1e-2); }
}
