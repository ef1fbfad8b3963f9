package org.jgrad.backend;

import org.jgrad.tensor.View;

/**
 * Nn primitives. Each method has a default that throws {@link UnsupportedOperationException}
 * naming the primitive and the backend, so a backend can be brought up family by family; the
 * CPU backend implements every one (see {@code CpuNn}).
 *
 * <p>Convolution follows cuDNN's three calls (forward, backward data, backward filter) with
 * PyTorch's NCHW layouts; the bias is not part of them (ops add it and sum its gradient).
 * Arguments are checked by the ops in {@code org.jgrad.ops}: inputs of one floating dtype on
 * this device, any strides; outputs contiguous, of the right shape, and overwritten.
 */
public interface NnPrimitives {

    /**
     * Batch normalisation over {@code x} of shape [N, C, S] (contiguous; S is the product of the
     * spatial dims, 1 for [N, C] input), shaped like cuDNN's spatial batch norm so a GPU backend
     * can map it onto {@code cudnnBatchNormalizationForwardTraining/Inference}.
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
    default void batchNormForward(View x, View runningMean, View runningVar, View weight, View bias,
                                  boolean training, double momentum, double eps,
                                  View out, View saveMean, View saveInvStd) {
        throw Backend.unsupported("batchNormForward", this);
    }

    /**
     * Gradients of {@link #batchNormForward} from {@code gradOut} [N, C, S] (contiguous), given
     * the saved mean and inverse std. In training mode the batch statistics depend on x and the
     * full formula applies; in eval mode they are constants. Any of gradInput [N, C, S],
     * gradWeight [C], gradBias [C] may be null when not needed.
     */
    default void batchNormBackward(View gradOut, View x, View weight, View saveMean, View saveInvStd,
                                   boolean training, View gradInput, View gradWeight, View gradBias) {
        throw Backend.unsupported("batchNormBackward", this);
    }

    /**
     * relu's backward fused into one pass: {@code gradIn = out > 0 ? gradOut : gradOut * 0}, the
     * same values (signed zeros and NaN included) as {@code gradOut * (out > 0)}. All three of one
     * floating dtype and shape; gradIn contiguous. Returns false, writing nothing, where this
     * backend has no fused form for these operands; the op then composes it from elementwise
     * primitives.
     */
    default boolean reluBackwardFused(View gradOut, View out, View gradIn) {
        return false;
    }

    /**
     * out[N,Cout,OH,OW] = cross-correlation of x[N,Cin,H,W] with w[Cout,Cin/groups,kH,kW];
     * arrays are {height, width}.
     */
    default void conv2dForward(View x, View w, View out, int[] stride, int[] padding, int[] dilation, int groups) {
        throw Backend.unsupported("conv2dForward", this);
    }

    /** gradX[N,Cin,H,W] = d(conv2d(x, w))/dx applied to gradOut[N,Cout,OH,OW] (also conv_transpose2d's forward). */
    default void conv2dBackwardData(View gradOut, View w, View gradX, int[] stride, int[] padding, int[] dilation, int groups) {
        throw Backend.unsupported("conv2dBackwardData", this);
    }

    /** gradW[Cout,Cin/groups,kH,kW] = d(conv2d(x, w))/dw applied to gradOut[N,Cout,OH,OW]. */
    default void conv2dBackwardFilter(View x, View gradOut, View gradW, int[] stride, int[] padding, int[] dilation, int groups) {
        throw Backend.unsupported("conv2dBackwardFilter", this);
    }

    /** out[n, c, h, w] += bias[c] in place for a contiguous out [N, C, H, W] (cuDNN: cudnnAddTensor). */
    default void conv2dBiasAdd(View out, View bias) {
        throw Backend.unsupported("conv2dBiasAdd", this);
    }

    /**
     * gradBias[c] = sum of gradOut[n, c, h, w] over n, h, w (cuDNN: cudnnConvolutionBackwardBias).
     * Optional: where a backend lacks it, the ops reduce with the generic sum instead.
     */
    default void conv2dBiasBackward(View gradOut, View gradBias) {
        throw Backend.unsupported("conv2dBiasBackward", this);
    }

    /**
     * Max over each window of x[N,C,H,W] (padding counts as -inf) into out[N,C,OH,OW], with the
     * flat index (h * W + w) of the first maximum of each window in indices (INT64, out's shape).
     */
    default void maxPool2dForward(View x, View out, View indices, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        throw Backend.unsupported("maxPool2dForward", this);
    }

    /** gradX[N,C,H,W] (overwritten) = gradOut scattered to the positions in indices, summing repeats. */
    default void maxPool2dBackward(View gradOut, View indices, View gradX) {
        throw Backend.unsupported("maxPool2dBackward", this);
    }

    /**
     * Mean over each window of x into out. The divisor is PyTorch's: the window clipped to the
     * padded input when {@code countIncludePad}, else clipped to the input itself.
     */
    default void avgPool2dForward(View x, View out, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        throw Backend.unsupported("avgPool2dForward", this);
    }

    /** gradX (overwritten) for {@link #avgPool2dForward} with the same arguments. */
    default void avgPool2dBackward(View gradOut, View gradX, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        throw Backend.unsupported("avgPool2dBackward", this);
    }

    /**
     * Nearest-neighbour resize of x[N,C,H,W] into out[N,C,OH,OW]: source row
     * min(floor(oh * scaleH), H - 1) computed in float32 as PyTorch does, likewise for columns.
     */
    default void upsampleNearest2dForward(View x, View out, float scaleH, float scaleW) {
        throw Backend.unsupported("upsampleNearest2dForward", this);
    }

    /** gradX (overwritten) = gradOut summed back onto the source pixels of {@link #upsampleNearest2dForward}. */
    default void upsampleNearest2dBackward(View gradOut, View gradX, float scaleH, float scaleW) {
        throw Backend.unsupported("upsampleNearest2dBackward", this);
    }
}
