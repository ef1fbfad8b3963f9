package org.jgrad.data;

import org.jgrad.backend.Backends;
import org.jgrad.ops.Concat;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * Ready {@link Transform}s for image samples: an input of shape [C,H,W] (or [H,W]) and a target
 * that is either a label (left alone) or a mask whose last two dimensions are also H and W
 * (flipped and cropped together with the image, so they stay aligned). CPU tensors; the
 * replaced tensors are closed.
 */
public final class Transforms {
    private Transforms() {}

    /** (x - mean[c]) / std[c] per channel c of the input, like torchvision's Normalize. */
    public static Transform<Sample> normalize(double[] mean, double[] std) {
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalize: mean and std need the same, non-zero length, got "
                    + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        for (double s : std) {
            if (!(s > 0)) throw new IllegalArgumentException("normalize: every std must be > 0, got " + Arrays.toString(std));
        }
        double[] m = mean.clone();
        double[] sd = std.clone();
        return (sample, rng) -> {
            Tensor in = sample.input();
            int channels = in.dim() >= 3 ? in.size(-3) : 1;
            if (channels != m.length) {
                throw new IllegalArgumentException("normalize: input of shape " + Arrays.toString(in.shape()) + " has " + channels
                        + " channels but " + m.length + " means were given");
            }
            float[] x = in.toFloatArray();
            int plane = x.length / channels;
            for (int c = 0; c < channels; c++) {
                float mc = (float) m[c];
                float inv = (float) (1.0 / sd[c]);
                for (int k = c * plane; k < (c + 1) * plane; k++) x[k] = (x[k] - mc) * inv;
            }
            Tensor out = Tensor.fromArray(x, in.shape());
            in.close();
            return sample.withInput(out);
        };
    }

    /** Mirrors left-right with probability p (image and mask together). */
    public static Transform<Sample> randomHorizontalFlip(double p) {
        checkProbability(p, "randomHorizontalFlip");
        return (sample, rng) -> {
            if (rng.nextDouble() >= p) return sample;
            int h = sample.input().size(-2);
            int w = sample.input().size(-1);
            int[] map = new int[h * w];
            for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) map[r * w + c] = r * w + (w - 1 - c);
            return remapBoth(sample, h, w, h, w, map);
        };
    }

    /** Mirrors top-bottom with probability p (image and mask together). */
    public static Transform<Sample> randomVerticalFlip(double p) {
        checkProbability(p, "randomVerticalFlip");
        return (sample, rng) -> {
            if (rng.nextDouble() >= p) return sample;
            int h = sample.input().size(-2);
            int w = sample.input().size(-1);
            int[] map = new int[h * w];
            for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) map[r * w + c] = (h - 1 - r) * w + c;
            return remapBoth(sample, h, w, h, w, map);
        };
    }

    /**
     * Pads by {@code padding} zeros on every side, then cuts a size x size window at a uniformly
     * random position (image and mask together), like torchvision's RandomCrop(size, padding).
     */
    public static Transform<Sample> randomCrop(int size, int padding) {
        if (size < 1) throw new IllegalArgumentException("randomCrop: size must be >= 1, got " + size);
        if (padding < 0) throw new IllegalArgumentException("randomCrop: padding must be >= 0, got " + padding);
        return (sample, rng) -> {
            int h = sample.input().size(-2);
            int w = sample.input().size(-1);
            int ph = h + 2 * padding;
            int pw = w + 2 * padding;
            if (size > ph || size > pw) {
                throw new IllegalArgumentException("randomCrop: a " + size + "x" + size + " crop does not fit a " + h + "x" + w
                        + " image padded by " + padding);
            }
            int top = rng.nextInt(ph - size + 1) - padding;
            int left = rng.nextInt(pw - size + 1) - padding;
            int[] map = new int[size * size];
            for (int r = 0; r < size; r++) {
                for (int c = 0; c < size; c++) {
                    int sr = top + r;
                    int sc = left + c;
                    map[r * size + c] = (sr < 0 || sr >= h || sc < 0 || sc >= w) ? -1 : sr * w + sc;
                }
            }
            return remapBoth(sample, h, w, size, size, map);
        };
    }

    private static void checkProbability(double p, String what) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(what + ": p must be in [0, 1], got " + p);
    }

    private static Sample remapBoth(Sample s, int h, int w, int oh, int ow, int[] map) {
        Tensor in = s.input();
        Tensor tg = s.target();
        if (in.dim() < 2) {
            throw new IllegalArgumentException("spatial transform: input must be [C,H,W] or [H,W], got shape " + Arrays.toString(in.shape()));
        }
        Tensor newIn = remap(in, h, w, oh, ow, map);
        boolean isMask = tg.dim() >= 2 && tg.size(-2) == h && tg.size(-1) == w;
        Tensor newTg = isMask ? remap(tg, h, w, oh, ow, map) : tg;
        in.close();
        if (isMask) tg.close();
        return new Sample(newIn, newTg);
    }

    /** out[plane, q] = t[plane, map[q]] for each H x W plane (0 where map[q] is -1); any dtype. */
    private static Tensor remap(Tensor t, int h, int w, int oh, int ow, int[] map) {
        Tensor cpu = t.device().isCpu() ? t : t.to(Device.cpu());
        Tensor c = cpu.contiguous();
        int[] shape = t.shape();
        int planes = t.numel() / (h * w);
        shape[shape.length - 2] = oh;
        shape[shape.length - 1] = ow;
        int outPlane = oh * ow;
        // one gather along the pixels of each plane; a column of zeros after the last pixel
        // stands for the positions that map from outside the image
        long[] index = new long[outPlane];
        for (int q = 0; q < outPlane; q++) index[q] = map[q] >= 0 ? map[q] : h * w;
        Tensor out = Tensor.empty(t.dtype(), Device.cpu(), planes, outPlane);
        try (Tensor planesView = c.reshape(planes, h * w);
             Tensor zero = Tensor.zeros(t.dtype(), Device.cpu(), planes, 1);
             Tensor padded = Concat.cat(1, planesView, zero);
             Tensor idx = Tensor.fromArray(index, 1, outPlane);
             Tensor idxAll = idx.expand(planes, outPlane)) {
            Backends.of(Device.cpu()).gather(padded.raw(), 1, idxAll.raw(), out.raw());
        }
        if (c != cpu) c.close();
        if (cpu != t) cpu.close();
        try (out) {
            return out.reshape(shape);
        }
    }
}
