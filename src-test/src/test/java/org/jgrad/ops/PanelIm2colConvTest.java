package org.jgrad.ops;

import org.junit.jupiter.api.Test;

/**
 * The float32 convolution on output planes whose rows do not split into whole micro-panels
 * (widths such as the small CNN's 28 and 14): the forward and the unit-stride data gradient pack
 * whole column-matrix rows into panels per strip of pixels. Compared with the float64 direct
 * loops, on shapes that put a panel across output rows, padding on every side, more than one
 * strip per image (a long reduction), strides, dilation, groups, and a single image.
 */
class PanelIm2colConvTest {

    private static void compare(int[] xs, int[] ws, int[] s, int[] p, int[] d, int groups) {
        ConvFloat64Check.compare(9, xs, ws, s, p, d, groups, false, null);
    }

    @Test
    void smallCnnSecondLayerShape() {
        compare(new int[]{3, 32, 14, 14}, new int[]{64, 32, 3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1);
    }

    @Test
    void firstLayerOneInputChannel() {
        compare(new int[]{2, 1, 28, 28}, new int[]{32, 1, 3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1);
    }

    @Test
    void longReductionSpansSeveralStripsAndSlices() {
        // K = 80 * 9 = 720: three reduction slices, and a strip of at most 64 Ki / (720 * 16) = 5 panels of the 19 x 21 plane
        compare(new int[]{1, 80, 19, 21}, new int[]{10, 80, 3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1);
    }

    @Test
    void wideKernelLargePaddingRectangular() {
        // padding 2 and a 5x5 kernel on an 11 x 13 plane: shifted rows reach two columns and rows past every edge
        compare(new int[]{2, 6, 11, 13}, new int[]{9, 6, 5, 5}, new int[]{1, 1}, new int[]{2, 2}, new int[]{1, 1}, 1);
    }

    @Test
    void unpaddedNarrowerOutput() {
        compare(new int[]{2, 8, 12, 30}, new int[]{12, 8, 3, 3}, new int[]{1, 1}, new int[]{0, 0}, new int[]{1, 1}, 1);
    }

    @Test
    void stridedDilatedGrouped() {
        compare(new int[]{2, 6, 17, 23}, new int[]{10, 3, 3, 3}, new int[]{2, 1}, new int[]{1, 3}, new int[]{1, 2}, 2);
    }

    @Test
    void repeatsBitForBit() {
        ConvFloat64Check.assertRepeatsBitForBit(13, new int[]{5, 32, 14, 14}, new int[]{64, 32, 3, 3});
    }
}
