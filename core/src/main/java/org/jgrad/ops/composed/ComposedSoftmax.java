package org.jgrad.ops.composed;

import org.jgrad.ops.Reductions;
import org.jgrad.tensor.Shapes;
import org.jgrad.tensor.Tensor;

/**
 * Softmax and log-softmax along one dimension from max, subtract, exp, sum and log: the
 * composition of the fused {@code softmax} primitive. Numerically stable as the fused kernel:
 * the row maximum is subtracted first, and {@code log_softmax = (x - max) - log(sum(exp(x - max)))}.
 * Differentiable through the ops it is made of.
 */
public final class ComposedSoftmax {
    private ComposedSoftmax() {}

    /** {@code x.softmax(dim)} ({@code log == false}) or {@code x.logSoftmax(dim)} ({@code log == true}). */
    public static Tensor softmax(Tensor x, int dim, boolean log) {
        x.checkOpen();
        if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException("softmax needs a floating-point tensor, got " + x.dtype());
        if (x.dim() == 0) return softmax(x.unsqueeze(0), 0, log).squeeze(0);
        int d = Shapes.dim(dim, x.dim());
        // The shift is a constant: softmax does not change when a row moves by one value, so its
        // gradient through the maximum is zero and the maximum is taken off the tape.
        Tensor max = Reductions.amax(x.detach(), new int[]{d}, true);
        Tensor shifted = x.sub(max);
        Tensor exp = shifted.exp();
        Tensor sum = exp.sum(d, true);
        return log ? shifted.sub(sum.log()) : exp.div(sum);
    }
}
