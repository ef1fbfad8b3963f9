package org.jgrad.nn.init;

import org.jgrad.autograd.Grad;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;

/**
 * Weight initialisation as {@code torch.nn.init} defines it (fan computation, gains,
 * kaiming/xavier bounds). Fills in place under {@link Grad#off()}; returns the tensor.
 */
public final class Init {
    private Init() {}

    /** [fanIn, fanOut] for a weight of shape [out, in, k...] (Linear: [out, in]). */
    public static int[] fans(Tensor t) {
        int[] s = t.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException("fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions, shape has " + s.length);
        }
        int receptive = 1;
        for (int i = 2; i < s.length; i++) receptive *= s[i];
        return new int[]{s[1] * receptive, s[0] * receptive};
    }

    /** torch.nn.init.calculate_gain. */
    public static double gain(String nonlinearity, double param) {
        return switch (nonlinearity) {
            case "linear", "conv1d", "conv2d", "conv3d", "sigmoid" -> 1.0;
            case "tanh" -> 5.0 / 3;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> Math.sqrt(2.0 / (1 + param * param));
            case "selu" -> 3.0 / 4;
            default -> throw new IllegalArgumentException("unsupported nonlinearity '" + nonlinearity + "'");
        };
    }

    public static Tensor uniform_(Tensor t, double low, double high, Generator g) {
        if (!(low <= high)) throw new IllegalArgumentException("uniform_: low " + low + " > high " + high);
        try (var off = Grad.off(); Tensor r = Tensor.uniform(low, high, g, t.dtype(), t.device(), t.shape())) {
            raw(t).copy_(r);
        }
        return t;
    }

    public static Tensor normal_(Tensor t, double mean, double std, Generator g) {
        if (std < 0) throw new IllegalArgumentException("normal_: std must be >= 0, got " + std);
        try (var off = Grad.off(); Tensor r = Tensor.randn(g, t.dtype(), t.device(), t.shape())) {
            raw(t).copy_(r.mul(std).add(mean));
        }
        return t;
    }

    public static Tensor constant_(Tensor t, double v) {
        try (var off = Grad.off()) {
            raw(t).fill_(v);
        }
        return t;
    }

    public static Tensor zeros_(Tensor t) { return constant_(t, 0); }

    public static Tensor ones_(Tensor t) { return constant_(t, 1); }

    /** kaiming_uniform_(a, mode="fan_in"|"fan_out", nonlinearity="leaky_relu"|"relu"...). */
    public static Tensor kaimingUniform_(Tensor t, double a, String mode, String nonlinearity, Generator g) {
        double std = gain(nonlinearity, a) / Math.sqrt(fan(t, mode));
        double bound = Math.sqrt(3.0) * std;
        return uniform_(t, -bound, bound, g);
    }

    public static Tensor kaimingNormal_(Tensor t, double a, String mode, String nonlinearity, Generator g) {
        double std = gain(nonlinearity, a) / Math.sqrt(fan(t, mode));
        return normal_(t, 0, std, g);
    }

    public static Tensor xavierUniform_(Tensor t, double gain, Generator g) {
        int[] f = fans(t);
        double a = gain * Math.sqrt(6.0 / (f[0] + f[1]));
        return uniform_(t, -a, a, g);
    }

    public static Tensor xavierNormal_(Tensor t, double gain, Generator g) {
        int[] f = fans(t);
        return normal_(t, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])), g);
    }

    private static int fan(Tensor t, String mode) {
        int[] f = fans(t);
        return switch (mode) {
            case "fan_in" -> f[0];
            case "fan_out" -> f[1];
            default -> throw new IllegalArgumentException("mode must be fan_in or fan_out, got '" + mode + "'");
        };
    }

    /**
     * PyTorch's default for Linear and Conv layers: kaiming_uniform_(a=sqrt(5)) on the weight and
     * uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) on the bias.
     */
    public static void defaultLayerInit(Tensor weight, Tensor bias, Generator g) {
        kaimingUniform_(weight, Math.sqrt(5), "fan_in", "leaky_relu", g);
        if (bias != null) {
            int fanIn = fans(weight)[0];
            double b = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            uniform_(bias, -b, b, g);
        }
    }

    // A leaf that requires grad may be written under Grad.off(): the detached view shares storage.
    private static Tensor raw(Tensor t) { return t.detach(); }
}
