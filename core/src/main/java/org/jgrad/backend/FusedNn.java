package org.jgrad.backend;

import org.jgrad.tensor.View;

/**
 * Optional fused layer kernels, offered through {@link Backend#capability(Class)}. Without
 * them the front end composes each from the required primitives
 * ({@code org.jgrad.ops.composed}): same maths, not always the same rounding.
 */
public interface FusedNn {

    /**
     * Batch normalisation over {@code x} of shape [N, C, S] (contiguous; S is the product of the
     * spatial dims, 1 for [N, C] input), shaped like cuDNN's spatial batch norm.
     *
     * <p>Training: per-channel batch mean and biased variance normalise {@code x}; they are
     * written to {@code saveMean} and {@code saveInvStd} (1/sqrt(var+eps)), and when running
     * statistics are given they are updated in place as {@code r = (1-f) r + f stat} with the
     * unbiased variance (PyTorch's convention, f = {@code momentum}).
     * Eval: the running statistics normalise; {@code saveMean}/{@code saveInvStd} receive them.
     *
     * @param weight [C] or null (scale 1)   @param bias [C] or null (shift 0)
     * @param out [N, C, S], contiguous      @param saveMean [C]   @param saveInvStd [C]
     */
    void batchNormForward(View x, View runningMean, View runningVar, View weight, View bias,
                          boolean training, double momentum, double eps,
                          View out, View saveMean, View saveInvStd);

    /**
     * Gradients of {@link #batchNormForward} from {@code gradOut} [N, C, S] (contiguous), given
     * the saved mean and inverse std. Any of gradInput [N, C, S], gradWeight [C], gradBias [C]
     * may be null when not needed.
     */
    void batchNormBackward(View gradOut, View x, View weight, View saveMean, View saveInvStd,
                           boolean training, View gradInput, View gradWeight, View gradBias);

    /**
     * relu's backward in one pass: {@code gradIn = out > 0 ? gradOut : gradOut * 0}, the same
     * values (signed zeros and NaN included) as {@code gradOut * (out > 0)}. Returns false,
     * writing nothing, where the kernel does not take these operands (dtype, layout); the op
     * then composes it from elementwise primitives.
     */
    boolean reluBackwardFused(View gradOut, View out, View gradIn);

    /** out[n, c, h, w] += bias[c] in place for a contiguous out [N, C, H, W] (cuDNN: cudnnAddTensor). */
    void conv2dBiasAdd(View out, View bias);

    /** gradBias[c] = sum of gradOut[n, c, h, w] over n, h, w (cuDNN: cudnnConvolutionBackwardBias). */
    void conv2dBiasBackward(View gradOut, View gradBias);

    /** (log-)softmax of x along {@code dim}, numerically stable, into out of x's shape. */
    void softmax(View x, int dim, boolean log, View out);
}
