package org.jgrad.cuda;

import java.util.Arrays;

/**
 * The shape arithmetic of a grouped, strided, padded, dilated 2-D convolution (NCHW input,
 * KCRS filter), checked with messages naming the argument. Pure, so it is unit-tested
 * without a GPU; also the cache key of {@link ConvPlans}.
 */
public record ConvGeometry(int n, int c, int h, int w, int k, int r, int s, int[] stride, int[] pad, int[] dilation, int groups) {

    public ConvGeometry {
        stride = checkPair("stride", stride, 1);
        pad = checkPair("padding", pad, 0);
        dilation = checkPair("dilation", dilation, 1);
        if (groups < 1) throw new IllegalArgumentException("groups must be >= 1, got " + groups);
        if (n < 0 || c < 1 || h < 1 || w < 1) throw new IllegalArgumentException("input must be [N>=0, C>=1, H>=1, W>=1], got [" + n + ", " + c + ", " + h + ", " + w + "]");
        if (k < 1 || r < 1 || s < 1) throw new IllegalArgumentException("weight must be [K>=1, C/groups, R>=1, S>=1], got [" + k + ", ?, " + r + ", " + s + "]");
        if (c % groups != 0) throw new IllegalArgumentException("input channels " + c + " are not divisible by groups " + groups);
        if (k % groups != 0) throw new IllegalArgumentException("output channels " + k + " are not divisible by groups " + groups);
        if (outH(h, r, stride[0], pad[0], dilation[0]) < 1 || outH(w, s, stride[1], pad[1], dilation[1]) < 1) {
            throw new IllegalArgumentException("kernel " + r + "x" + s + " (dilation " + Arrays.toString(dilation) + ") does not fit input "
                    + h + "x" + w + " with padding " + Arrays.toString(pad));
        }
    }

    /** From tensor shapes: x [N,C,H,W], w [K,C/groups,R,S]; checks that the weight's C matches. */
    public static ConvGeometry of(int[] x, int[] weight, int[] stride, int[] pad, int[] dilation, int groups) {
        if (x == null || x.length != 4) throw new IllegalArgumentException("input must be 4-D [N,C,H,W], got " + Arrays.toString(x));
        if (weight == null || weight.length != 4) throw new IllegalArgumentException("weight must be 4-D [K,C/groups,R,S], got " + Arrays.toString(weight));
        if (groups >= 1 && x[1] % groups == 0 && weight[1] != x[1] / groups) {
            throw new IllegalArgumentException("weight " + Arrays.toString(weight) + " expects " + weight[1] * groups + " input channels with groups="
                    + groups + ", input " + Arrays.toString(x) + " has " + x[1]);
        }
        return new ConvGeometry(x[0], x[1], x[2], x[3], weight[0], weight[2], weight[3], stride, pad, dilation, groups);
    }

    static int outH(int in, int kernel, int stride, int pad, int dil) {
        return (in + 2 * pad - dil * (kernel - 1) - 1) / stride + 1;
    }

    public int outH() { return outH(h, r, stride[0], pad[0], dilation[0]); }

    public int outW() { return outH(w, s, stride[1], pad[1], dilation[1]); }

    public int[] inputShape() { return new int[] {n, c, h, w}; }

    public int[] weightShape() { return new int[] {k, c / groups, r, s}; }

    public int[] outputShape() { return new int[] {n, k, outH(), outW()}; }

    private static int[] checkPair(String name, int[] v, int min) {
        if (v == null || v.length != 2) throw new IllegalArgumentException(name + " must have 2 values (h, w), got " + Arrays.toString(v));
        if (v[0] < min || v[1] < min) throw new IllegalArgumentException(name + " values must be >= " + min + ", got " + Arrays.toString(v));
        return v.clone();
    }

    /** Dense NCHW strides of a shape. */
    static int[] dense(int[] shape) {
        int[] st = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = acc;
            acc *= shape[d];
        }
        return st;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvGeometry g && n == g.n && c == g.c && h == g.h && w == g.w && k == g.k && r == g.r && s == g.s
                && groups == g.groups && Arrays.equals(stride, g.stride) && Arrays.equals(pad, g.pad) && Arrays.equals(dilation, g.dilation);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {n, c, h, w, k, r, s, groups, stride[0], stride[1], pad[0], pad[1], dilation[0], dilation[1]});
    }

    @Override
    public String toString() {
        return "conv2d(x=" + Arrays.toString(inputShape()) + ", w=" + Arrays.toString(weightShape()) + ", stride=" + Arrays.toString(stride)
                + ", pad=" + Arrays.toString(pad) + ", dilation=" + Arrays.toString(dilation) + ", groups=" + groups + ")";
    }
}
