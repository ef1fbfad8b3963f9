package org.jgrad.ops.composed;

import org.jgrad.autograd.Grad;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * Batch normalisation from mean, subtract, multiply, sum, sqrt and divide: the composition of
 * the fused {@code batchNormForward}; its backward is the autograd of these ops, which equals
 * the fused {@code batchNormBackward} in exact arithmetic (the batch statistics depend on x and
 * are differentiated through).
 *
 * <p>As the fused kernel: the variance is taken in two passes (mean first, then the mean squared
 * deviation), so a large mean does not cancel; the biased variance normalises, and the running
 * statistics are updated in place with PyTorch's momentum convention
 * {@code running = (1 - momentum) * running + momentum * stat}, the variance unbiased
 * ({@code sum((x - mean)^2) / (m - 1)}, NaN for a single value per channel).
 */
public final class ComposedBatchNorm {
    private ComposedBatchNorm() {}

    /**
     * Normalises {@code x} per channel (dimension 1).
     *
     * @param x           [N, C, S] as the fused primitive takes it (any [N, C, d1, ...] works)
     * @param runningMean [C] or null; updated in place when training
     * @param runningVar  [C] or null (both or neither); updated in place when training
     * @param weight      [C] or null (1)
     * @param bias        [C] or null (0)
     * @param training    true: batch statistics normalise; false: the running statistics (required)
     * @return the normalised tensor, shaped as {@code x}, on the tape for x, weight and bias
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        x.checkOpen();
        if (x.dim() < 2) {
            throw new IllegalArgumentException("batch_norm: expected input of shape [N, C] or [N, C, ...], got " + Arrays.toString(x.shape()));
        }
        if (!training && (runningMean == null || runningVar == null)) {
            throw new IllegalArgumentException("batch_norm: running_mean and running_var are required in eval mode (training=false)");
        }
        int c = x.size(1);
        int[] channelShape = new int[x.dim()]; // [1, C, 1, ...]: a per-channel vector broadcast over x
        Arrays.fill(channelShape, 1);
        channelShape[1] = c;
        int[] dims = new int[x.dim() - 1]; // every dimension but the channel
        for (int i = 0, k = 0; i < x.dim(); i++) if (i != 1) dims[k++] = i;

        Tensor xhat;
        if (training) {
            long m = c == 0 ? 0 : x.numel() / c;
            Tensor mean = x.mean(dims, true);
            Tensor centred = x.sub(mean);
            Tensor squares = centred.mul(centred).sum(dims, true);
            Tensor var = squares.div((double) m); // biased: what normalises
            xhat = centred.div(var.add(eps).sqrt());
            if (runningMean != null) updateRunning(runningMean, runningVar, mean, squares, m, momentum, c);
        } else {
            Tensor mean = sameType(runningMean, x).view(channelShape);
            Tensor var = sameType(runningVar, x).view(channelShape);
            xhat = x.sub(mean).div(var.add(eps).sqrt());
        }
        Tensor out = weight == null ? xhat : xhat.mul(sameTypeKeepGrad(weight, x).view(channelShape));
        return bias == null ? out : out.add(sameTypeKeepGrad(bias, x).view(channelShape));
    }

    /** running = (1 - momentum) * running + momentum * stat, in place and off the tape. */
    private static void updateRunning(Tensor runningMean, Tensor runningVar, Tensor mean, Tensor squares, long m,
                                      double momentum, int c) {
        try (var off = Grad.off()) {
            Tensor unbiased = squares.detach().reshape(c).div((double) (m - 1)); // m == 1: 0 * inf = NaN, as PyTorch
            runningMean.mul_(1 - momentum).add_(mean.detach().reshape(c), momentum);
            runningVar.mul_(1 - momentum).add_(unbiased, momentum);
        }
    }

    /** A running statistic (a constant) in the input's dtype. */
    private static Tensor sameType(Tensor t, Tensor x) { return t.dtype() == x.dtype() ? t.detach() : t.detach().to(x.dtype()); }

    /** weight or bias in the input's dtype, the cast on the tape so the gradient returns in the parameter's dtype. */
    private static Tensor sameTypeKeepGrad(Tensor t, Tensor x) { return t.dtype() == x.dtype() ? t : t.to(x.dtype()); }
}
