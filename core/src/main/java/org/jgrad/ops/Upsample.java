package org.jgrad.ops;

import org.jgrad.backend.Backends;
import org.jgrad.autograd.Autograd;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * {@code torch.nn.functional.interpolate(mode="nearest")} on NCHW input, with autograd. Source
 * pixel of output row oh: min(floor(oh * scale), H - 1) in float32, where scale is H / OH when
 * a size is given and 1 / scaleFactor when a scale factor is given (PyTorch 1.13's rule).
 */
public final class Upsample {
    private Upsample() {}

    /** Nearest resize to outH x outW. */
    public static Tensor nearest2d(Tensor x, int outH, int outW) {
        ConvArgs.rank4("upsample_nearest2d", "input", x);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("upsample_nearest2d: output size must be positive, got " + outH + "x" + outW);
        }
        return run(x, outH, outW, (float) x.size(2) / outH, (float) x.size(3) / outW);
    }

    /** Nearest resize by scale factors: output floor(H * scaleH) x floor(W * scaleW). */
    public static Tensor nearest2d(Tensor x, double scaleH, double scaleW) {
        ConvArgs.rank4("upsample_nearest2d", "input", x);
        if (!(scaleH > 0) || !(scaleW > 0) || Double.isInfinite(scaleH) || Double.isInfinite(scaleW)) {
            throw new IllegalArgumentException("upsample_nearest2d: scale factors must be positive and finite, got " + scaleH + ", " + scaleW);
        }
        int oh = (int) Math.floor(x.size(2) * scaleH), ow = (int) Math.floor(x.size(3) * scaleW);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("upsample_nearest2d: scale factors " + scaleH + ", " + scaleW + " on input of shape "
                    + Arrays.toString(x.shape()) + " give an empty output " + oh + "x" + ow);
        }
        return run(x, oh, ow, (float) (1.0 / scaleH), (float) (1.0 / scaleW));
    }

    private static Tensor run(Tensor x, int oh, int ow, float scaleH, float scaleW) {
        int[] xs = x.shape();
        Tensor out = Tensor.empty(x.dtype(), x.device(), xs[0], xs[1], oh, ow);
        Backends.of(x.device()).upsampleNearest2dForward(x.raw(), out.raw(), scaleH, scaleW);
        return Autograd.record(out, "upsample_nearest2d", new Tensor[]{x}, Autograd.SAVES_NOTHING, g -> {
            Tensor gx = Tensor.empty(x.dtype(), x.device(), xs);
            Backends.of(x.device()).upsampleNearest2dBackward(g.raw(), gx.raw(), scaleH, scaleW);
            return new Tensor[]{gx};
        });
    }
}
