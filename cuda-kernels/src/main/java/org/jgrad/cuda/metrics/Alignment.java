package org.jgrad.cuda.metrics;

/**
 * When may a kernel read 4 consecutive elements of two tensors with one vector load each? The
 * PTX peels a scalar head up to the first prediction address that is a multiple of 16 bytes; the
 * target load at the same position is then aligned to 4 target elements exactly when both
 * bases sit at the same element phase (mod 4) and every stride between rows differs by a
 * multiple of 4 elements.
 */
final class Alignment {
    private Alignment() {}

    /**
     * @param aBase   byte address of element 0 of the first tensor (element size aSize)
     * @param bBase   byte address of element 0 of the second tensor (element size bSize)
     * @param strideDiffs for each dim that moves between rows, stride(a) - stride(b) in elements
     */
    static boolean coAligned(long aBase, int aSize, long bBase, int bSize, long... strideDiffs) {
        if (aBase % aSize != 0 || bBase % bSize != 0) return false;
        long aPhase = Math.floorMod(aBase, 4L * aSize) / aSize;
        long bPhase = Math.floorMod(bBase, 4L * bSize) / bSize;
        if (aPhase != bPhase) return false;
        for (long d : strideDiffs) if (Math.floorMod(d, 4) != 0) return false;
        return true;
    }

    /** Whether dims [from, shape.length) of a view are laid out row-major with unit innermost stride. */
    static boolean innerContiguous(int[] shape, int[] strides, int from) {
        long expect = 1;
        for (int d = shape.length - 1; d >= from; d--) {
            if (shape[d] != 1 && strides[d] != expect) return false;
            expect *= shape[d];
        }
        return true;
    }
}
