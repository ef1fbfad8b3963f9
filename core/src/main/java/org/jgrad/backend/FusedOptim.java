package org.jgrad.backend;

import org.jgrad.tensor.View;

import java.util.List;

/**
 * Optional fused optimizer steps, offered through {@link Backend#capability(Class)}; without
 * them {@code org.jgrad.optim.ComposedSteps} runs the same update with tensor ops.
 *
 * <p>Each primitive is a whole optimizer step over a list of tensors (one parameter group on one
 * device): the math of an update lives here and nowhere else, so a GPU backend can run the step
 * as one fused launch over all parameters. Lists are parallel: entry {@code i} of every list
 * belongs to parameter {@code i}. All tensors are contiguous, of the parameter's dtype
 * (FLOAT32 or FLOAT64), shape and device; the caller checks that. The order of floating-point
 * operations follows PyTorch 1.13's single-tensor implementations, in the tensor's dtype, so a
 * CPU trajectory matches PyTorch's to within rounding of fused multiply-adds.
 */
public interface FusedOptim {

    /** Hyper-parameters of one SGD step (PyTorch's names: lr, momentum, dampening, weight_decay, nesterov, maximize). */
    record SgdHyper(double lr, double momentum, double dampening, double weightDecay, boolean nesterov, boolean maximize) {}

    /**
     * Hyper-parameters of one Adam or AdamW step. {@code decoupledWeightDecay} selects AdamW
     * (param *= 1 - lr * weight_decay before the moments) instead of Adam's L2 term added to the gradient.
     */
    record AdamHyper(double lr, double beta1, double beta2, double eps, double weightDecay,
                     boolean decoupledWeightDecay, boolean amsgrad, boolean maximize) {}

    /**
     * One SGD step, in place on {@code params} and {@code momentumBuffers}:
     * <pre>
     * d = maximize ? -g : g;  if (weight_decay != 0) d += weight_decay * p
     * if (momentum != 0) { b = first ? d : momentum * b + (1 - dampening) * d;  d = nesterov ? d + momentum * b : b }
     * p -= lr * d
     * </pre>
     *
     * @param momentumBuffers one buffer per parameter, or {@code null} when momentum is 0
     * @param firstStep       per parameter: true when its buffer is to be initialised from this gradient
     */
    void sgdStep(List<View> params, List<View> grads, List<View> momentumBuffers, boolean[] firstStep, SgdHyper h);

    /**
     * One Adam / AdamW step, in place on {@code params} and the moment buffers:
     * <pre>
     * g = maximize ? -g : g
     * AdamW: p *= 1 - lr * weight_decay          Adam: if (weight_decay != 0) g += weight_decay * p
     * m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g * g
     * amsgrad: vmax = max(vmax, v), used in place of v below
     * p += -(lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
     * </pre>
     *
     * @param maxExpAvgSqs one buffer per parameter when amsgrad, else {@code null}
     * @param steps        per parameter: its step count t, already including this step (1 on the first)
     */
    void adamStep(List<View> params, List<View> grads, List<View> expAvgs, List<View> expAvgSqs,
                          List<View> maxExpAvgSqs, long[] steps, AdamHyper h);
}
