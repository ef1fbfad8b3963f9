package org.jgrad.ops;

import org.jgrad.backend.Backends;
import org.jgrad.autograd.Autograd;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * {@code torch.nn.functional.max_pool2d} and {@code avg_pool2d} on NCHW input, with autograd.
 * Size arrays take one value (both dimensions) or two ({height, width}); a null stride means
 * the kernel size, as in PyTorch.
 */
public final class Pooling {
    private Pooling() {}

    /** Max pooling; the gradient goes to the first maximum of each window (PyTorch's rule). */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        String op = "max_pool2d";
        ConvArgs.rank4(op, "input", x);
        ConvArgs.floating(op, "input", x);
        int[] k = ConvArgs.pair(op, "kernel_size", kernel, 1);
        int[] s = stride == null || stride.length == 0 ? k : ConvArgs.pair(op, "stride", stride, 1);
        int[] p = ConvArgs.pair(op, "padding", padding, 0);
        int[] d = ConvArgs.pair(op, "dilation", dilation, 1);
        checkPad(op, k, p);
        int[] xs = x.shape();
        int[] o = outSize(op, xs, k, s, p, d, ceilMode);
        Tensor out = Tensor.empty(x.dtype(), x.device(), xs[0], xs[1], o[0], o[1]);
        Tensor idx = Tensor.empty(DType.INT64, x.device(), xs[0], xs[1], o[0], o[1]);
        Backends.of(x.device()).maxPool2dForward(x.raw(), out.raw(), idx.raw(), k, s, p, d);
        return Autograd.record(out, op, new Tensor[]{x}, Autograd.SAVES_NOTHING, g -> {
            Tensor gx = Tensor.empty(x.dtype(), x.device(), xs);
            Backends.of(x.device()).maxPool2dBackward(g.raw(), idx.raw(), gx.raw());
            return new Tensor[]{gx};
        });
    }

    /** max_pool2d with a square kernel, stride = kernel, no padding. */
    public static Tensor maxPool2d(Tensor x, int kernel) {
        return maxPool2d(x, new int[]{kernel}, null, new int[]{0}, new int[]{1}, false);
    }

    /**
     * Average pooling. With {@code countIncludePad} the divisor counts padding (but not the part
     * of a ceil-mode window beyond it); without, only input pixels, as in PyTorch.
     */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
        String op = "avg_pool2d";
        ConvArgs.rank4(op, "input", x);
        ConvArgs.floating(op, "input", x);
        int[] k = ConvArgs.pair(op, "kernel_size", kernel, 1);
        int[] s = stride == null || stride.length == 0 ? k : ConvArgs.pair(op, "stride", stride, 1);
        int[] p = ConvArgs.pair(op, "padding", padding, 0);
        checkPad(op, k, p);
        int[] xs = x.shape();
        int[] o = outSize(op, xs, k, s, p, new int[]{1, 1}, ceilMode);
        Tensor out = Tensor.empty(x.dtype(), x.device(), xs[0], xs[1], o[0], o[1]);
        Backends.of(x.device()).avgPool2dForward(x.raw(), out.raw(), k, s, p, countIncludePad);
        return Autograd.record(out, op, new Tensor[]{x}, Autograd.SAVES_NOTHING, g -> {
            Tensor gx = Tensor.empty(x.dtype(), x.device(), xs);
            Backends.of(x.device()).avgPool2dBackward(g.raw(), gx.raw(), k, s, p, countIncludePad);
            return new Tensor[]{gx};
        });
    }

    private static void checkPad(String op, int[] k, int[] p) {
        for (int i = 0; i < 2; i++) {
            if (p[i] > k[i] / 2) {
                throw new IllegalArgumentException(op + ": padding should be at most half of the kernel size, got padding "
                        + Arrays.toString(p) + " for kernel " + Arrays.toString(k));
            }
        }
    }

    private static int[] outSize(String op, int[] xs, int[] k, int[] s, int[] p, int[] d, boolean ceil) {
        int oh = ConvArgs.outSize(xs[2], k[0], s[0], p[0], d[0], ceil);
        int ow = ConvArgs.outSize(xs[3], k[1], s[1], p[1], d[1], ceil);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": input of shape " + Arrays.toString(xs) + " with kernel " + Arrays.toString(k)
                    + ", stride " + Arrays.toString(s) + ", padding " + Arrays.toString(p) + ", dilation " + Arrays.toString(d)
                    + " gives output size " + oh + "x" + ow + ", which is too small");
        }
        return new int[]{oh, ow};
    }
}
