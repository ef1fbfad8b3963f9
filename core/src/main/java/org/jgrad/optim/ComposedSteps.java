package org.jgrad.optim;

import org.jgrad.autograd.Grad;
import org.jgrad.backend.FusedOptim.AdamHyper;
import org.jgrad.backend.FusedOptim.SgdHyper;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.List;

/**
 * The SGD and Adam/AdamW steps composed from elementwise tensor ops: the composition of the fused
 * {@code sgdStep} / {@code adamStep} primitives, with the same arguments and the same in-place
 * effect on parameters and state.
 *
 * <p>The ops run in the order of the fused CPU loops, one rounding per operation as there (no
 * multiply-add is contracted in Java), and every scalar is first rounded to the parameter's dtype
 * (the fused loops cast their scalars to the element type) and applied as a 0-d tensor through a
 * binary op, so the product or quotient is that of two values of the dtype. On the CPU the result
 * is therefore bit-identical to the fused step for FLOAT32 and FLOAT64.
 */
public final class ComposedSteps {
    private ComposedSteps() {}

    /**
     * One SGD step, in place on {@code params} and {@code momentumBuffers}; see
     * {@code FusedOptim.sgdStep} for the update and the argument contract.
     */
    public static void sgdStep(List<Tensor> params, List<Tensor> grads, List<Tensor> momentumBuffers, boolean[] firstStep,
                               SgdHyper h) {
        try (var off = Grad.off(); var scope = Scope.open()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i), g = grads.get(i);
                Tensor d = h.maximize() ? g.neg() : g;
                if (h.weightDecay() != 0) d = d.add(p.mul(scalar(h.weightDecay(), p)));
                if (h.momentum() != 0) {
                    Tensor b = momentumBuffers.get(i);
                    Tensor mom = scalar(h.momentum(), p);
                    if (firstStep != null && firstStep[i]) {
                        b.copy_(d);
                    } else {
                        b.mul_(mom).add_(d.mul(scalar(1 - h.dampening(), p))); // b * momentum + (1 - dampening) * d
                    }
                    d = h.nesterov() ? d.add(b.mul(mom)) : b;
                }
                p.add_(d.mul(scalar(-h.lr(), p)));
            }
        }
    }

    /**
     * One Adam / AdamW step, in place on {@code params} and the moment buffers; see
     * {@code FusedOptim.adamStep} for the update and the argument contract.
     */
    public static void adamStep(List<Tensor> params, List<Tensor> grads, List<Tensor> expAvgs, List<Tensor> expAvgSqs,
                                List<Tensor> maxExpAvgSqs, long[] steps, AdamHyper h) {
        try (var off = Grad.off(); var scope = Scope.open()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i), m = expAvgs.get(i), v = expAvgSqs.get(i);
                // the per-tensor scalars in double, as PyTorch computes them in Python
                double bc1 = 1 - Math.pow(h.beta1(), steps[i]);
                double bc2Sqrt = Math.sqrt(1 - Math.pow(h.beta2(), steps[i]));
                double negStepSize = -(h.lr() / bc1);
                Tensor g = h.maximize() ? grads.get(i).neg() : grads.get(i);
                if (h.decoupledWeightDecay()) {
                    // the fused loop multiplies by 1 when weight_decay is 0; skipping that exact no-op changes no bit
                    if (h.weightDecay() != 0) p.mul_(scalar(1 - h.lr() * h.weightDecay(), p));
                } else if (h.weightDecay() != 0) {
                    g = g.add(p.mul(scalar(h.weightDecay(), p)));
                }
                m.mul_(scalar(h.beta1(), p)).add_(g.mul(scalar(1 - h.beta1(), p)));              // m * b1 + (1 - b1) * g
                v.mul_(scalar(h.beta2(), p)).add_(g.mul(scalar(1 - h.beta2(), p)).mul(g));      // v * b2 + ((1 - b2) * g) * g
                Tensor second = v;
                if (h.amsgrad()) {
                    Tensor vmax = maxExpAvgSqs.get(i);
                    vmax.copy_(vmax.maximum(v));
                    second = vmax;
                }
                Tensor denom = second.sqrt().div(scalar(bc2Sqrt, p)).add(scalar(h.eps(), p));
                p.add_(m.mul(scalar(negStepSize, p)).div(denom));                              // p + (-step * m) / denom
            }
        }
    }

    /** {@code value} rounded to the dtype of {@code like}, as a 0-d tensor on its device. */
    private static Tensor scalar(double value, Tensor like) { return Tensor.scalar(value, like.dtype(), like.device()); }
}
