package org.jgrad.ops.composed;

import org.jgrad.autograd.Grad;
import org.jgrad.tensor.Tensor;

/**
 * The per-channel bias of a convolution from a broadcast add and a sum: the composition of the
 * fused {@code conv2dBiasAdd} and {@code conv2dBiasBackward}. The add is the same single float
 * addition per element as the fused kernel (bit-identical); the gradient is a sum over N, H and W.
 */
public final class ComposedConvBias {
    private ComposedConvBias() {}

    /** {@code out[n, c, h, w] += bias[c]} in place, off the tape (as the fused primitive: the convolution's node covers it). */
    public static void biasAdd(Tensor out, Tensor bias) {
        try (var off = Grad.off()) {
            out.add_(bias.detach().view(channelShape(out)));
        }
    }

    /** The bias gradient {@code gradOut} [N, C, H, W] summed over N, H and W: [C]. */
    public static Tensor biasBackward(Tensor gradOut) {
        try (var off = Grad.off()) {
            return gradOut.detach().sum(new int[]{0, 2, 3}, false);
        }
    }

    /** {@code out + bias} broadcast over [N, C, H, W], on the tape for both (the differentiable form). */
    public static Tensor addBias(Tensor out, Tensor bias) {
        return out.add(bias.view(channelShape(out)));
    }

    private static int[] channelShape(Tensor out) {
        int[] s = new int[out.dim()];
        java.util.Arrays.fill(s, 1);
        s[1] = out.size(1);
        return s;
    }
}
