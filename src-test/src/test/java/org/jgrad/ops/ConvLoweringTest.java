package org.jgrad.ops;

import org.junit.jupiter.api.Test;

/**
 * The float32 convolutions against the float64 path (direct loops) on shapes large enough to use
 * every GEMM block and edge: the two share no code. The 3x3 unit-stride shapes run the panel path
 * (see {@link PanelIm2colConvTest}); pointwise, strided and transposed ones the lowered path
 * (im2col / col2im around the blocked GEMM).
 */
class ConvLoweringTest {

    private static void compare(int[] xs, int[] ws, int[] s, int[] p, int[] d, int groups, boolean transposed, int[] outPad) {
        ConvFloat64Check.compare(99, xs, ws, s, p, d, groups, transposed, outPad);
    }

    @Test
    void smallCnnShapes() {
        compare(new int[]{4, 1, 28, 28}, new int[]{32, 1, 3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1, false, null);
        compare(new int[]{3, 32, 14, 14}, new int[]{64, 32, 3, 3}, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1, false, null);
    }

    @Test
    void stridedDilatedGrouped() {
        compare(new int[]{2, 12, 17, 19}, new int[]{18, 4, 3, 5}, new int[]{2, 3}, new int[]{2, 1}, new int[]{2, 1}, 3, false, null);
        compare(new int[]{3, 20, 9, 9}, new int[]{40, 20, 1, 1}, new int[]{1, 1}, new int[]{0, 0}, new int[]{1, 1}, 1, false, null);
    }

    @Test
    void samePaddingShortcutWithDilationGroupsAndRectangularKernel() {
        // unit stride and output as wide as the input: the column matrix is built from shifted planes
        compare(new int[]{5, 6, 10, 9}, new int[]{4, 3, 3, 5}, new int[]{1, 1}, new int[]{1, 4}, new int[]{1, 2}, 2, false, null);
        compare(new int[]{3, 2, 7, 7}, new int[]{3, 2, 5, 5}, new int[]{1, 1}, new int[]{0, 2}, new int[]{1, 1}, 1, false, null);
    }

    @Test
    void transposed() {
        compare(new int[]{2, 16, 8, 8}, new int[]{16, 8, 2, 2}, new int[]{2, 2}, new int[]{0, 0}, new int[]{1, 1}, 1, true, new int[]{0, 0});
        compare(new int[]{2, 6, 7, 5}, new int[]{6, 5, 3, 3}, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1}, 2, true, new int[]{1, 1});
    }
}
