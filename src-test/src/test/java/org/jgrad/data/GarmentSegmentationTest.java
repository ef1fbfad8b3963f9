package org.jgrad.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The segmentation set must be a real task: the target is exactly the garment's own mask at its
 * placement (checked against the source pixels), no global intensity threshold solves it, and
 * the foreground is a minority of pixels.
 */
class GarmentSegmentationTest {
    static GarmentSegmentation train;
    static FashionMnist source;

    @BeforeAll
    static void load() {
        train = GarmentSegmentation.bundled(true);
        source = FashionMnist.bundled(true);
    }

    @Test
    void shapesAndDeterminism() {
        assertEquals(6000, train.size());
        assertEquals(48, train.canvas());
        try (Sample a = train.get(17); Sample b = GarmentSegmentation.bundled(true).get(17); Sample c = train.get(18)) {
            assertArrayEquals(new int[]{1, 48, 48}, a.input().shape());
            assertArrayEquals(new int[]{1, 48, 48}, a.target().shape());
            assertArrayEquals(a.input().toFloatArray(), b.input().toFloatArray());
            assertArrayEquals(a.target().toFloatArray(), b.target().toFloatArray());
            assertFalse(java.util.Arrays.equals(a.input().toFloatArray(), c.input().toFloatArray()));
        }
        try (Sample a = new GarmentSegmentation(source, 10, 48, 1).get(3);
             Sample b = new GarmentSegmentation(source, 10, 48, 2).get(3)) {
            assertFalse(java.util.Arrays.equals(a.input().toFloatArray(), b.input().toFloatArray()), "the seed must matter");
        }
    }

    @Test
    void targetIsTheGarmentsOwnMaskAtItsPlacement() {
        for (int i = 0; i < 40; i++) {
            GarmentSegmentation.Placement p = train.placement(i);
            assertEquals(i, p.garmentIndex());
            float[] mask;
            float[] img;
            try (Sample s = train.get(i)) {
                mask = s.target().toFloatArray();
                img = s.input().toFloatArray();
            }
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 48; x++) {
                    int gy = y - p.top();
                    int gx = x - p.left();
                    boolean inside = gy >= 0 && gy < 28 && gx >= 0 && gx < 28;
                    float expected = inside && source.pixel(i, gy, gx) > GarmentSegmentation.MASK_THRESHOLD ? 1f : 0f;
                    assertEquals(expected, mask[y * 48 + x], "sample " + i + " pixel (" + y + "," + x + ")");
                    assertTrue(img[y * 48 + x] >= 0 && img[y * 48 + x] <= 1, "input in [0,1]");
                }
            }
        }
    }

    /**
     * Dice of "pixel > t" against the target, pooled over 400 samples, for every t in 0, 0.005,
     * ..., 1: the best one must stay well below what a trained U-Net is asked to reach, and the
     * foreground must be a minority (so predicting all-background scores a high accuracy).
     */
    @Test
    void noGlobalThresholdSolvesItAndForegroundIsAMinority() {
        int bins = 200;
        long[] fgHist = new long[bins + 1];
        long[] bgHist = new long[bins + 1];
        long fg = 0, total = 0;
        for (int i = 0; i < 400; i++) {
            try (Sample s = train.get(i * 13 % train.size())) {
                float[] x = s.input().toFloatArray();
                float[] m = s.target().toFloatArray();
                for (int k = 0; k < x.length; k++) {
                    int b = (int) Math.floor(x[k] * bins);
                    if (m[k] == 1f) {
                        fgHist[b]++;
                        fg++;
                    } else {
                        bgHist[b]++;
                    }
                    total++;
                }
            }
        }
        double fgFraction = (double) fg / total;
        // predicted foreground = pixels with bin >= b (intensity >= b / bins)
        double best = 0;
        int bestBin = -1;
        long tp = fg, fp = total - fg;
        for (int b = 0; b <= bins; b++) {
            long fn = fg - tp;
            double dice = 2.0 * tp / (2.0 * tp + fp + fn);
            if (dice > best) {
                best = dice;
                bestBin = b;
            }
            tp -= fgHist[b];
            fp -= bgHist[b];
        }
        System.out.printf("GarmentSegmentation: foreground %.3f of pixels, best global threshold %.3f gives Dice %.3f%n",
                fgFraction, (double) bestBin / bins, best);
        assertTrue(fgFraction < 0.25, "foreground fraction " + fgFraction);
        assertTrue(fgFraction > 0.05, "foreground fraction " + fgFraction);
        assertTrue(best < 0.7, "the best global threshold reaches Dice " + best + " at " + (double) bestBin / bins);
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> new GarmentSegmentation(source, 10, 20, 0));
        assertThrows(IllegalArgumentException.class, () -> new GarmentSegmentation(source, -1, 48, 0));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> train.get(6000));
        assertTrue(e.getMessage().contains("6000"), e.getMessage());
    }
}
