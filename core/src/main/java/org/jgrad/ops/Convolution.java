package org.jgrad.ops;

import org.jgrad.backend.Backends;
import org.jgrad.backend.FusedNn;
import org.jgrad.ops.composed.ComposedConvBias;
import org.jgrad.autograd.Autograd;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * {@code torch.nn.functional.conv2d} and {@code conv_transpose2d} (NCHW, PyTorch's weight
 * layouts) with autograd. The numeric work is the backend's three convolution primitives:
 * a transposed convolution's forward is a convolution's backward-data and vice versa.
 * Size arrays take one value (both dimensions) or two ({height, width}).
 */
public final class Convolution {
    private Convolution() {}

    /**
     * x [N, Cin, H, W], w [Cout, Cin/groups, kH, kW], bias [Cout] or null; returns
     * [N, Cout, (H + 2p - d(kH - 1) - 1)/s + 1, ...].
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        String op = "conv2d";
        int[] s = ConvArgs.pair(op, "stride", stride, 1);
        int[] p = ConvArgs.pair(op, "padding", padding, 0);
        int[] d = ConvArgs.pair(op, "dilation", dilation, 1);
        checkOperands(op, x, w, bias, groups);
        int[] xs = x.shape(), ws = w.shape();
        if (xs[1] != ws[1] * groups) {
            throw new IllegalArgumentException("conv2d: weight of shape " + Arrays.toString(ws) + " with groups=" + groups
                    + " expects input with " + ws[1] * groups + " channels, but input of shape " + Arrays.toString(xs) + " has " + xs[1]);
        }
        if (ws[0] % groups != 0) {
            throw new IllegalArgumentException("conv2d: out channels " + ws[0] + " (weight shape " + Arrays.toString(ws)
                    + ") must be divisible by groups=" + groups);
        }
        checkBias(op, bias, ws[0]);
        int[] k = {ws[2], ws[3]};
        ConvArgs.fits(op, new int[]{xs[2], xs[3]}, k, p, d);
        int oh = ConvArgs.outSize(xs[2], k[0], s[0], p[0], d[0], false);
        int ow = ConvArgs.outSize(xs[3], k[1], s[1], p[1], d[1], false);
        Tensor out = Tensor.empty(x.dtype(), x.device(), xs[0], ws[0], oh, ow);
        Backends.of(x.device()).conv2dForward(x.raw(), w.raw(), out.raw(), s, p, d, groups);
        addBias(out, bias);
        return Autograd.record(out, op, new Tensor[]{x, w, bias}, g -> {
            Tensor gx = null, gw = null;
            if (x.requiresGrad()) {
                gx = Tensor.empty(x.dtype(), x.device(), xs);
                Backends.of(x.device()).conv2dBackwardData(g.raw(), w.raw(), gx.raw(), s, p, d, groups);
            }
            if (w.requiresGrad()) {
                gw = Tensor.empty(w.dtype(), w.device(), ws);
                Backends.of(x.device()).conv2dBackwardFilter(x.raw(), g.raw(), gw.raw(), s, p, d, groups);
            }
            return new Tensor[]{gx, gw, biasGrad(bias, g)};
        });
    }

    /** conv2d with one stride/padding value for both dimensions, no dilation, one group. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return conv2d(x, w, bias, new int[]{stride}, new int[]{padding}, new int[]{1}, 1);
    }

    /**
     * x [N, Cin, H, W], w [Cin, Cout/groups, kH, kW], bias [Cout] or null; returns
     * [N, Cout, (H - 1)s - 2p + d(kH - 1) + outputPadding + 1, ...].
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] outputPadding,
                                         int[] dilation, int groups) {
        String op = "conv_transpose2d";
        int[] s = ConvArgs.pair(op, "stride", stride, 1);
        int[] p = ConvArgs.pair(op, "padding", padding, 0);
        int[] op2 = ConvArgs.pair(op, "output_padding", outputPadding, 0);
        int[] d = ConvArgs.pair(op, "dilation", dilation, 1);
        checkOperands(op, x, w, bias, groups);
        int[] xs = x.shape(), ws = w.shape();
        if (xs[1] != ws[0]) {
            throw new IllegalArgumentException("conv_transpose2d: weight of shape " + Arrays.toString(ws)
                    + " expects input with " + ws[0] + " channels, but input of shape " + Arrays.toString(xs) + " has " + xs[1]);
        }
        if (ws[0] % groups != 0) {
            throw new IllegalArgumentException("conv_transpose2d: in channels " + ws[0] + " (weight shape " + Arrays.toString(ws)
                    + ") must be divisible by groups=" + groups);
        }
        for (int i = 0; i < 2; i++) {
            if (op2[i] >= s[i] && op2[i] >= d[i]) {
                throw new IllegalArgumentException("conv_transpose2d: output padding must be smaller than either stride or dilation, got output_padding="
                        + Arrays.toString(op2) + ", stride=" + Arrays.toString(s) + ", dilation=" + Arrays.toString(d));
            }
        }
        int cout = ws[1] * groups;
        checkBias(op, bias, cout);
        int[] outHW = new int[2];
        for (int i = 0; i < 2; i++) {
            long o = (long) (xs[2 + i] - 1) * s[i] - 2L * p[i] + (long) d[i] * (ws[2 + i] - 1) + op2[i] + 1;
            if (o <= 0) {
                throw new IllegalArgumentException("conv_transpose2d: input of shape " + Arrays.toString(xs) + " with kernel "
                        + ws[2] + "x" + ws[3] + ", stride " + Arrays.toString(s) + ", padding " + Arrays.toString(p)
                        + " gives a non-positive output size " + o);
            }
            outHW[i] = (int) o;
        }
        Tensor out = Tensor.empty(x.dtype(), x.device(), xs[0], cout, outHW[0], outHW[1]);
        Backends.of(x.device()).conv2dBackwardData(x.raw(), w.raw(), out.raw(), s, p, d, groups);
        addBias(out, bias);
        return Autograd.record(out, op, new Tensor[]{x, w, bias}, g -> {
            Tensor gx = null, gw = null;
            if (x.requiresGrad()) {
                gx = Tensor.empty(x.dtype(), x.device(), xs);
                Backends.of(x.device()).conv2dForward(g.raw(), w.raw(), gx.raw(), s, p, d, groups);
            }
            if (w.requiresGrad()) {
                gw = Tensor.empty(w.dtype(), w.device(), ws);
                // in convolution terms the transposed output is the input and x is the output gradient
                Backends.of(x.device()).conv2dBackwardFilter(g.raw(), x.raw(), gw.raw(), s, p, d, groups);
            }
            return new Tensor[]{gx, gw, biasGrad(bias, g)};
        });
    }

    private static void checkOperands(String op, Tensor x, Tensor w, Tensor bias, int groups) {
        if (x == null || w == null) throw new IllegalArgumentException(op + ": input and weight must not be null");
        ConvArgs.rank4(op, "input", x);
        ConvArgs.rank4(op, "weight", w);
        ConvArgs.floating(op, "input", x);
        ConvArgs.like(op, "weight", x, w);
        if (bias != null) ConvArgs.like(op, "bias", x, bias);
        if (groups < 1) throw new IllegalArgumentException(op + ": groups must be positive, got " + groups);
        if (x.size(1) % groups != 0) {
            throw new IllegalArgumentException(op + ": input channels " + x.size(1) + " (shape " + Arrays.toString(x.shape())
                    + ") must be divisible by groups=" + groups);
        }
        for (int i = 0; i < 4; i++) {
            if (w.size(i) == 0) throw new IllegalArgumentException(op + ": weight of shape " + Arrays.toString(w.shape()) + " is empty");
        }
    }

    private static void checkBias(String op, Tensor bias, int channels) {
        if (bias != null && (bias.dim() != 1 || bias.size(0) != channels)) {
            throw new IllegalArgumentException(op + ": expected bias of shape [" + channels + "], got " + Arrays.toString(bias.shape()));
        }
    }

    /** out += bias[c] over N, H, W, in place on the fresh output (no recording: the node covers it). */
    private static void addBias(Tensor out, Tensor bias) {
        if (bias == null) return;
        var fused = Backends.of(out.device()).capability(FusedNn.class);
        if (fused.isPresent()) fused.get().conv2dBiasAdd(out.raw(), bias.raw());
        else ComposedConvBias.biasAdd(out, bias);
    }

    /** The bias gradient: g summed over N, H and W. */
    private static Tensor biasGrad(Tensor bias, Tensor g) {
        if (bias == null || !bias.requiresGrad()) return null;
        var fused = Backends.of(g.device()).capability(FusedNn.class);
        if (fused.isEmpty()) return ComposedConvBias.biasBackward(g);
        Tensor gb = Tensor.empty(bias.dtype(), bias.device(), bias.size(0));
        try {
            fused.get().conv2dBiasBackward(g.raw(), gb.raw());
            return gb;
        } catch (UnsupportedOperationException e) {
            // the fused kernel may decline some operands (a dtype); the generic sum gives the same sums
            gb.close();
            return g.sum(new int[]{0, 2, 3}, false);
        }
    }
}
