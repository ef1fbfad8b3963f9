package org.jgrad.nn;

import org.jgrad.ops.Concat;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small U-Net (Ronneberger et al., 2015) for segmentation: an encoder of
 * (Conv3x3-BatchNorm-ReLU)×2 blocks whose widths double at each level, 2×2 max pooling between
 * levels, a decoder that upsamples (a 2×2 stride-2 transposed convolution, or nearest upsampling
 * followed by a 3×3 convolution), concatenates the encoder's skip connection of the same level
 * and applies another double-conv block, and a 1×1 convolution head giving per-pixel scores
 * for {@code outChannels} classes (logits).
 *
 * <p>With the defaults (base width 16, depth 3) the levels have 16, 32 and 64 channels. Height
 * and width must be divisible by 2^(depth-1).
 */
public final class UNet extends Module {
    /** How the decoder doubles the resolution. */
    public enum Up {
        /** ConvTranspose2d(kernel 2, stride 2), as in the original U-Net. */
        TRANSPOSED_CONV,
        /** Nearest Upsample(×2) then Conv2d(3×3, padding 1): no checkerboard artefacts. */
        NEAREST_CONV
    }

    private final int inChannels, outChannels, baseWidth, depth;
    private final Up up;
    private final List<Module> encoders = new ArrayList<>();
    private final List<Module> pools = new ArrayList<>();
    private final List<Module> ups = new ArrayList<>();
    private final List<Module> decoders = new ArrayList<>();
    private final Module head;

    /** Base width 16, depth 3 (16-32-64). */
    public UNet(int inChannels, int outChannels) { this(inChannels, outChannels, 16, 3); }

    public UNet(int inChannels, int outChannels, int baseWidth, int depth) {
        this(inChannels, outChannels, baseWidth, depth, Up.TRANSPOSED_CONV, Generator.defaultGenerator());
    }

    public UNet(int inChannels, int outChannels, int baseWidth, int depth, Generator generator) {
        this(inChannels, outChannels, baseWidth, depth, Up.TRANSPOSED_CONV, generator);
    }

    /**
     * @param inChannels  channels of the input image
     * @param outChannels classes (score maps) of the output
     * @param baseWidth   channels of the first level; each deeper level doubles them
     * @param depth       number of levels, at least 1 (1 = no pooling, a plain conv net)
     * @param up          the decoder's upsampling
     * @param generator   draws every layer's initial weights (PyTorch's default init), so a seed repeats a model
     */
    public UNet(int inChannels, int outChannels, int baseWidth, int depth, Up up, Generator generator) {
        if (generator == null) throw new IllegalArgumentException("UNet: generator is null");
        if (up == null) throw new IllegalArgumentException("UNet: up must be TRANSPOSED_CONV or NEAREST_CONV, got null");
        if (inChannels <= 0) throw new IllegalArgumentException("UNet: in_channels must be > 0, got " + inChannels);
        if (outChannels <= 0) throw new IllegalArgumentException("UNet: out_channels must be > 0, got " + outChannels);
        if (baseWidth <= 0) throw new IllegalArgumentException("UNet: base width must be > 0, got " + baseWidth);
        if (depth < 1 || depth > 8) throw new IllegalArgumentException("UNet: depth must be in 1..8, got " + depth);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.baseWidth = baseWidth;
        this.depth = depth;
        this.up = up;
        int prev = inChannels;
        for (int level = 0; level < depth; level++) {
            int w = width(level);
            encoders.add(registerModule("enc" + level, doubleConv(prev, w, generator)));
            if (level < depth - 1) pools.add(registerModule("pool" + level, new MaxPool2d(2)));
            prev = w;
        }
        for (int level = depth - 2; level >= 0; level--) {
            int w = width(level);
            Module upsample = up == Up.TRANSPOSED_CONV
                    ? new ConvTranspose2d(width(level + 1), w, 2, 2, generator)
                    : new Sequential(Upsample.scaleFactor(2), new Conv2d(width(level + 1), w, 3, 1, 1, generator));
            ups.add(registerModule("up" + level, upsample));
            decoders.add(registerModule("dec" + level, doubleConv(2 * w, w, generator))); // w from the skip + w from below
        }
        head = registerModule("head", new Conv2d(baseWidth, outChannels, 1, 1, 0, generator));
    }

    private int width(int level) { return baseWidth << level; }

    private static Sequential doubleConv(int in, int out, Generator g) {
        return new Sequential(
                new Conv2d(in, out, 3, 1, 1, g), new BatchNorm2d(out), new ReLU(),
                new Conv2d(out, out, 3, 1, 1, g), new BatchNorm2d(out), new ReLU());
    }

    @Override
    public Tensor forward(Tensor input) {
        if (input.dim() != 4 || input.size(1) != inChannels) {
            throw new IllegalArgumentException("UNet: expected input [N, " + inChannels + ", H, W], got " + Arrays.toString(input.shape()));
        }
        int f = 1 << (depth - 1);
        if (input.size(2) % f != 0 || input.size(3) % f != 0) {
            throw new IllegalArgumentException("UNet: height and width must be divisible by " + f + " (2^(depth-1)), got "
                    + Arrays.toString(input.shape()));
        }
        List<Tensor> skips = new ArrayList<>();
        Tensor x = input;
        for (int level = 0; level < depth; level++) {
            x = encoders.get(level).forward(x);
            if (level < depth - 1) {
                skips.add(x);
                x = pools.get(level).forward(x);
            }
        }
        for (int i = 0; i < ups.size(); i++) {
            Tensor up = ups.get(i).forward(x);
            Tensor skip = skips.get(skips.size() - 1 - i);
            x = decoders.get(i).forward(Concat.cat(1, skip, up));
        }
        return head.forward(x);
    }

    @Override
    protected String extraRepr() {
        return "in_channels=" + inChannels + ", out_channels=" + outChannels + ", base_width=" + baseWidth + ", depth=" + depth + ", up=" + up;
    }
}
