package org.jgrad.optim;

import org.jgrad.tensor.Tensor;

import java.util.List;

/**
 * Adam with PyTorch 1.13's exact update ({@code torch.optim.Adam}), including amsgrad and maximize;
 * weight decay is an L2 term added to the gradient:
 * <pre>
 * g = g + weight_decay * p;   m = b1 m + (1-b1) g;   v = b2 v + (1-b2) g^2   (amsgrad: vmax = max(vmax, v))
 * p = p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0. Checks, as PyTorch: lr &gt;= 0,
 * eps &gt;= 0, each beta in [0, 1), weight_decay &gt;= 0 (plus: finite values, every group checked).
 */
public final class Adam extends AdamBase {
    public Adam(Iterable<Tensor> params) { this(List.of(ParamGroup.of(params)), ParamGroup.defaults()); }

    public Adam(Iterable<Tensor> params, double lr) { this(List.of(ParamGroup.of(params)), ParamGroup.defaults().lr(lr)); }

    /** PyTorch's arguments: {@code Adam(params, lr, betas, eps, weight_decay, amsgrad)}. */
    public Adam(Iterable<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        this(List.of(ParamGroup.of(params)), positional(lr, beta1, beta2, eps, weightDecay, amsgrad));
    }

    public Adam(List<ParamGroup> groups, ParamGroup defaults) { super("Adam", false, groups, defaults, 0.0); }
}
