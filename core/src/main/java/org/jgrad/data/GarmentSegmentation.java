package org.jgrad.data;

import org.jgrad.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * A binary segmentation task made from real Fashion-MNIST garments, for the U-Net: sample i
 * places garment {@code i % source.size()} at a random offset on a larger canvas (48x48 by
 * default) over a cluttered background, and the target is that garment's own mask.
 *
 * <p>The background is a random brightness gradient, four to six faint, shifted pieces of other
 * garments (cut-outs of 10 to 20 pixels a side, at 0.3 to 0.8 of full brightness) and Gaussian noise; the
 * garment itself is drawn at a random contrast (0.45 to 1) that overlaps the clutter's. So no
 * single intensity threshold separates garment from background (see the tests: the best
 * global threshold reaches a Dice of about 0.62 on the bundled set), while a network that has learnt garment
 * shapes can. The garment covers a minority of the canvas (about 15%), so pixel accuracy and
 * Dice disagree.
 *
 * <p>Input: [1,S,S] FLOAT32 in [0,1]. Target: [1,S,S] FLOAT32 of 0/1, 1 where the garment's
 * own pixel exceeds {@link #MASK_THRESHOLD} (of 255). Every sample is a pure function of
 * (source, seed, index): deterministic, and cheap to make in the loader's workers.
 */
public final class GarmentSegmentation implements Dataset<Sample> {
    /** A garment pixel belongs to the mask when its raw value (0..255) is above this (about 10%). */
    public static final int MASK_THRESHOLD = 25;
    public static final int DEFAULT_CANVAS = 48;
    private static final int GARMENT = 28;

    private final FashionMnist source;
    private final int count;
    private final int canvas;
    private final long seed;

    /** Where sample i's garment went: its index in the source and the canvas row/column of its top-left corner. */
    public record Placement(int garmentIndex, int top, int left) {}

    /**
     * @param source garments to draw from
     * @param count number of samples (may exceed the source: garments are reused with new placements)
     * @param canvas canvas side, at least 28
     * @param seed the random stream of every placement, clutter piece and noise value
     */
    public GarmentSegmentation(FashionMnist source, int count, int canvas, long seed) {
        if (source == null) throw new IllegalArgumentException("GarmentSegmentation: source must not be null");
        if (source.size() < 2) throw new IllegalArgumentException("GarmentSegmentation: source needs >= 2 garments, has " + source.size());
        if (count < 0) throw new IllegalArgumentException("GarmentSegmentation: count must be >= 0, got " + count);
        if (canvas < GARMENT) throw new IllegalArgumentException("GarmentSegmentation: canvas must be >= " + GARMENT + ", got " + canvas);
        this.source = source;
        this.count = count;
        this.canvas = canvas;
        this.seed = seed;
    }

    /** Built on the bundled Fashion-MNIST subset: 6,000 training or 1,000 test samples, 48x48, fixed seeds. */
    public static GarmentSegmentation bundled(boolean train) {
        FashionMnist src = FashionMnist.bundled(train);
        return new GarmentSegmentation(src, src.size(), DEFAULT_CANVAS, train ? 0x5E6_0001L : 0x5E6_0002L);
    }

    @Override
    public int size() { return count; }

    public int canvas() { return canvas; }

    /** The garment and offset of sample {@code index} (the first draws of its random stream). */
    public Placement placement(int index) {
        Dataset.checkIndex(index, count, "GarmentSegmentation");
        SplittableRandom r = rng(index);
        int top = r.nextInt(canvas - GARMENT + 1);
        int left = r.nextInt(canvas - GARMENT + 1);
        return new Placement(index % source.size(), top, left);
    }

    private SplittableRandom rng(int index) { return new SplittableRandom(Mix.mix(seed, index)); }

    @Override
    public Sample get(int index) {
        Dataset.checkIndex(index, count, "GarmentSegmentation");
        SplittableRandom r = rng(index);
        int top = r.nextInt(canvas - GARMENT + 1); // same draws as placement()
        int left = r.nextInt(canvas - GARMENT + 1);
        int garment = index % source.size();
        int s = canvas;
        float[] img = new float[s * s];
        float[] mask = new float[s * s];

        // 1. a smooth background: a level and a gradient in a random direction
        double base = r.nextDouble(0.0, 0.2);
        double gx = r.nextDouble(-0.2, 0.2);
        double gy = r.nextDouble(-0.2, 0.2);
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                img[y * s + x] = (float) Math.max(0, base + gx * ((double) x / s - 0.5) + gy * ((double) y / s - 0.5));
            }
        }

        // 2. clutter: faint, shifted cut-outs of other garments (they may run off the canvas)
        int pieces = 4 + r.nextInt(3);
        for (int p = 0; p < pieces; p++) {
            int other = r.nextInt(source.size() - 1);
            if (other >= garment) other++; // never the garment itself
            byte[] px = source.rawImage(other);
            int ph = 10 + r.nextInt(11);
            int pw = 10 + r.nextInt(11);
            int sy = r.nextInt(GARMENT - ph + 1);
            int sx = r.nextInt(GARMENT - pw + 1);
            int dy = r.nextInt(s + ph / 2) - ph / 2;
            int dx = r.nextInt(s + pw / 2) - pw / 2;
            float scale = (float) r.nextDouble(0.3, 0.8);
            for (int y = 0; y < ph; y++) {
                int cy = dy + y;
                if (cy < 0 || cy >= s) continue;
                for (int x = 0; x < pw; x++) {
                    int cx = dx + x;
                    if (cx < 0 || cx >= s) continue;
                    float v = (px[(sy + y) * GARMENT + sx + x] & 0xFF) / 255f * scale;
                    if (v > img[cy * s + cx]) img[cy * s + cx] = v;
                }
            }
        }

        // 3. the garment, on top: its own pixels replace the background, its faint fringe blends
        byte[] g = source.rawImage(garment);
        float contrast = (float) r.nextDouble(0.45, 1.0);
        for (int y = 0; y < GARMENT; y++) {
            for (int x = 0; x < GARMENT; x++) {
                int raw = g[y * GARMENT + x] & 0xFF;
                int o = (top + y) * s + left + x;
                float v = raw / 255f * contrast;
                if (raw > MASK_THRESHOLD) {
                    img[o] = v;
                    mask[o] = 1f;
                } else if (v > img[o]) {
                    img[o] = v;
                }
            }
        }

        // 4. sensor noise
        for (int k = 0; k < img.length; k++) {
            float v = img[k] + (float) (0.06 * r.nextGaussian());
            img[k] = v < 0 ? 0 : (v > 1 ? 1 : v);
        }
        return new Sample(Tensor.fromArray(img, 1, s, s), Tensor.fromArray(mask, 1, s, s));
    }
}
