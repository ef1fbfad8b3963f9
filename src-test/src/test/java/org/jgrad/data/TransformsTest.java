package org.jgrad.data;

import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.*;

/** Hand-worked transforms on a 2x3 image: flips move image and mask together, labels stay, normalize is (x-m)/s. */
class TransformsTest {
    static final RandomGenerator ALWAYS = new SplittableRandom(1);

    static Sample imageAndMask() {
        return new Sample(Tensor.fromArray(new float[]{1, 2, 3, 4, 5, 6}, 1, 2, 3),
                Tensor.fromArray(new byte[]{0, 0, 1, 1, 0, 0}, 1, 2, 3));
    }

    @Test
    void horizontalFlipMirrorsImageAndMask() {
        Sample s = Transforms.randomHorizontalFlip(1.0).apply(imageAndMask(), ALWAYS);
        assertArrayEquals(new float[]{3, 2, 1, 6, 5, 4}, s.input().toFloatArray());
        assertArrayEquals(new byte[]{1, 0, 0, 0, 0, 1}, s.target().toByteArray());
        Sample same = Transforms.randomHorizontalFlip(0.0).apply(imageAndMask(), ALWAYS);
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, same.input().toFloatArray());
    }

    @Test
    void verticalFlipMirrorsImageAndMask() {
        Sample s = Transforms.randomVerticalFlip(1.0).apply(imageAndMask(), ALWAYS);
        assertArrayEquals(new float[]{4, 5, 6, 1, 2, 3}, s.input().toFloatArray());
        assertArrayEquals(new byte[]{1, 0, 0, 0, 0, 1}, s.target().toByteArray());
    }

    @Test
    void flipLeavesALabelAlone() {
        Sample labelled = new Sample(Tensor.fromArray(new float[]{1, 2, 3, 4}, 1, 2, 2), Tensor.fromArray(new long[]{7}));
        Sample s = Transforms.randomHorizontalFlip(1.0).apply(labelled, ALWAYS);
        assertArrayEquals(new float[]{2, 1, 4, 3}, s.input().toFloatArray());
        assertEquals(7L, (long) s.target().item());
    }

    @Test
    void cropWithPaddingCutsTheSameWindowFromBoth() {
        // every possible 2x2 window of the 2x3 image padded by 1 (4x5): 3x4 positions
        for (int seed = 0; seed < 40; seed++) {
            Sample s = Transforms.randomCrop(2, 1).apply(imageAndMask(), new SplittableRandom(seed));
            float[] img = s.input().toFloatArray();
            byte[] mask = s.target().toByteArray();
            assertArrayEquals(new int[]{1, 2, 2}, s.input().shape());
            // recover the window from any non-padded pixel and check all four against the hand-padded image
            float[][] padded = {{0, 0, 0, 0, 0}, {0, 1, 2, 3, 0}, {0, 4, 5, 6, 0}, {0, 0, 0, 0, 0}};
            byte[][] paddedMask = {{0, 0, 0, 0, 0}, {0, 0, 0, 1, 0}, {0, 1, 0, 0, 0}, {0, 0, 0, 0, 0}};
            boolean found = false;
            for (int top = 0; top <= 2 && !found; top++) {
                for (int left = 0; left <= 3 && !found; left++) {
                    boolean match = true;
                    for (int r = 0; r < 2; r++) {
                        for (int c = 0; c < 2; c++) {
                            match &= img[r * 2 + c] == padded[top + r][left + c] && mask[r * 2 + c] == paddedMask[top + r][left + c];
                        }
                    }
                    found = match;
                }
            }
            assertTrue(found, "seed " + seed + ": the crop is a window of the padded image, with the mask's same window");
        }
        assertThrows(IllegalArgumentException.class, () -> Transforms.randomCrop(5, 0).apply(imageAndMask(), ALWAYS));
        assertThrows(IllegalArgumentException.class, () -> Transforms.randomCrop(0, 0));
        assertThrows(IllegalArgumentException.class, () -> Transforms.randomCrop(2, -1));
    }

    @Test
    void normalizePerChannel() {
        Sample two = new Sample(Tensor.fromArray(new float[]{0, 0.5f, 1, 1}, 2, 1, 2), Tensor.fromArray(new long[]{0}));
        Sample s = Transforms.normalize(new double[]{0.5, 1}, new double[]{0.25, 2}).apply(two, ALWAYS);
        assertArrayEquals(new float[]{-2, 0, 0, 0}, s.input().toFloatArray(), 1e-6f);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Transforms.normalize(new double[]{0.5}, new double[]{0.2}).apply(imageAndMask().withInput(Tensor.zeros(3, 2, 2)), ALWAYS));
        assertTrue(e.getMessage().contains("3 channels"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Transforms.normalize(new double[]{0.5}, new double[]{0}));
        assertThrows(IllegalArgumentException.class, () -> Transforms.randomHorizontalFlip(1.5));
    }
}
