package org.jgrad.nn;

import org.jgrad.tensor.Tensor;

/** {@code torch.nn.Upsample(mode="nearest")} by a fixed output size or by scale factors. */
public class Upsample extends Module {
    private final int outH, outW;
    private final double scaleH, scaleW;

    private Upsample(int outH, int outW, double scaleH, double scaleW) {
        this.outH = outH;
        this.outW = outW;
        this.scaleH = scaleH;
        this.scaleW = scaleW;
    }

    /** Output of exactly outH x outW. */
    public static Upsample size(int outH, int outW) {
        if (outH < 1 || outW < 1) throw new IllegalArgumentException("Upsample: size must be positive, got " + outH + "x" + outW);
        return new Upsample(outH, outW, 0, 0);
    }

    /** Output floor(H * scale) x floor(W * scale). */
    public static Upsample scaleFactor(double scale) { return scaleFactor(scale, scale); }

    public static Upsample scaleFactor(double scaleH, double scaleW) {
        if (!(scaleH > 0) || !(scaleW > 0) || Double.isInfinite(scaleH) || Double.isInfinite(scaleW)) {
            throw new IllegalArgumentException("Upsample: scale factors must be positive and finite, got " + scaleH + ", " + scaleW);
        }
        return new Upsample(0, 0, scaleH, scaleW);
    }

    // Settings as built, read by exporters (ONNX) that rebuild the layer elsewhere.
    /** {height, width} of the output, or null when built with scale factors. */
    public int[] size() { return outH > 0 ? new int[]{outH, outW} : null; }

    /** {height, width} scale factors, or null when built with an output size. */
    public double[] scaleFactor() { return outH > 0 ? null : new double[]{scaleH, scaleW}; }

    @Override
    public Tensor forward(Tensor input) {
        return outH > 0 ? org.jgrad.ops.Upsample.nearest2d(input, outH, outW) : org.jgrad.ops.Upsample.nearest2d(input, scaleH, scaleW);
    }

    @Override
    protected String extraRepr() {
        return (outH > 0 ? "size=(" + outH + ", " + outW + ")" : "scale_factor=(" + scaleH + ", " + scaleW + ")") + ", mode='nearest'";
    }
}
