package org.jgrad.ops;

import org.junit.jupiter.api.Test;

/**
 * The float32 implicit-GEMM convolution (column matrix packed straight from the image; the
 * unit-stride data gradient as a convolution with flipped filters) against the float64 direct
 * loops. It runs on planes whose output rows split into whole micro-panels, so every shape
 * here is 64 or 128 pixels wide; edges, several reduction slices, ragged row and column tiles,
 * strides, dilation and groups each appear.
 */
class ImplicitConvGemmTest {

    private static void compare(int[] xs, int[] ws, int[] s, int[] p, int[] d, int groups) {
        ConvFloat64Check.compare(5, xs, ws, s, p, d, groups, false, null);
    }

    @Test
    void samePadding3x3() {
        compare(new int[]{2, 5, 12, 64}, new int[]{8, 5, 3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1);
    }

    @Test
    void severalReductionSlicesAndRaggedChannelTiles() {
        // K = 40 * 9 = 360 spans two slices of the reduction; 40 input channels are 5 row tiles of the data gradient
        compare(new int[]{1, 40, 6, 64}, new int[]{12, 40, 3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1);
    }

    @Test
    void dilatedGroupedRectangular() {
        compare(new int[]{2, 6, 9, 64}, new int[]{4, 3, 3, 5}, new int[]{1, 1}, new int[]{1, 4}, new int[]{1, 2}, 2);
    }

    @Test
    void stridedForwardAndFilterGradient() {
        compare(new int[]{2, 4, 10, 128}, new int[]{6, 4, 3, 3}, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1}, 1);
    }

    @Test
    void repeatsBitForBit() {
        ConvFloat64Check.assertRepeatsBitForBit(11, new int[]{3, 16, 32, 64}, new int[]{16, 16, 3, 3});
    }
}
