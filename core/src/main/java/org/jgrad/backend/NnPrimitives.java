package org.jgrad.backend;

import org.jgrad.tensor.Tensor;

/**
 * Nn primitives. Each method has a default that throws {@link UnsupportedOperationException}
 * naming the primitive and the backend, so a backend can be brought up family by family; the
 * CPU backend implements every one (see {@code CpuNn}).
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
    default void batchNormForward(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                  boolean training, double momentum, double eps,
                                  Tensor out, Tensor saveMean, Tensor saveInvStd) {
        throw Backend.unsupported("batchNormForward", this);
    }

    /**
     * Gradients of {@link #batchNormForward} from {@code gradOut} [N, C, S] (contiguous), given
     * the saved mean and inverse std. In training mode the batch statistics depend on x and the
     * full formula applies; in eval mode they are constants. Any of gradInput [N, C, S],
     * gradWeight [C], gradBias [C] may be null when not needed.
     */
    default void batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor saveMean, Tensor saveInvStd,
                                   boolean training, Tensor gradInput, Tensor gradWeight, Tensor gradBias) {
        throw Backend.unsupported("batchNormBackward", this);
    }
}
