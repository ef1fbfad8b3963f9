package org.jgrad.cuda;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels' metadata block: dimension merging, packing, and - by replaying the PTX index
 * loop (innermost first, stop when the remaining index is 0) in Java on the packed bytes - that
 * every element lands on the offset a direct strided walk gives.
 */
class StridedMetaTest {

    /** The index decomposition exactly as elementwise.ptx performs it, reading the packed block. */
    static int[] ptxOffsets(byte[] meta, long i, int operands, int firstSlot) {
        ByteBuffer b = ByteBuffer.wrap(meta).order(ByteOrder.LITTLE_ENDIAN);
        int[] off = new int[operands];
        long rem = i;
        for (int d = 7; d >= 0; d--) {
            int s = b.getInt(4 * d);
            long q = Integer.toUnsignedLong((int) rem) / Integer.toUnsignedLong(s);
            int c = (int) (rem - q * s);
            rem = q;
            for (int o = 0; o < operands; o++) off[o] += c * b.getInt(32 + 32 * (o + firstSlot) + 4 * d);
            if (rem == 0) break;
        }
        return off;
    }

    static int directOffset(int[] shape, int[] strides, long i) {
        int off = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            off += (int) (i % shape[d]) * strides[d];
            i /= shape[d];
        }
        return off;
    }

    @Test
    void denseTensorsMergeToOneContiguousDimension() {
        StridedMeta m = StridedMeta.of(new int[] {2, 3, 4}, new int[] {12, 4, 1}, new int[] {12, 4, 1});
        assertEquals(1, m.rank());
        assertArrayEquals(new int[] {24}, m.shape());
        assertTrue(m.contiguous());
    }

    @Test
    void broadcastAndTransposeKeepTheirDimensions() {
        // y broadcast along dim 0 (stride 0): dims 0 and 1 cannot merge for y
        StridedMeta m = StridedMeta.of(new int[] {5, 3, 4}, new int[] {12, 4, 1}, new int[] {12, 4, 1}, new int[] {0, 4, 1});
        assertArrayEquals(new int[] {5, 12}, m.shape());
        assertFalse(m.contiguous());
        StridedMeta t = StridedMeta.of(new int[] {3, 4}, new int[] {4, 1}, new int[] {1, 3});
        assertEquals(2, t.rank());
    }

    @Test
    void sizeOneDimensionsAreDropped() {
        StridedMeta m = StridedMeta.of(new int[] {1, 7, 1}, new int[] {99, 1, 5});
        assertArrayEquals(new int[] {7}, m.shape());
        assertArrayEquals(new int[] {1}, m.strides(0));
        assertTrue(m.contiguous());
    }

    @Test
    void packRightAlignsWithLeadingOnes() {
        byte[] p = StridedMeta.of(new int[] {3, 5}, new int[] {1, 3}, new int[] {5, 1}).pack();
        ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(128, p.length);
        for (int d = 0; d < 6; d++) assertEquals(1, b.getInt(4 * d));
        assertEquals(3, b.getInt(24));
        assertEquals(5, b.getInt(28));
        assertEquals(3, b.getInt(32 + 28), "out stride of the last dim");
        assertEquals(5, b.getInt(64 + 24), "x stride of dim 6");
    }

    @Test
    void replayedKernelIndexingMatchesDirectWalks() {
        Random r = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int rank = 1 + r.nextInt(6);
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) shape[d] = 1 + r.nextInt(4);
            int[][] strides = new int[3][rank];
            for (int o = 0; o < 3; o++) {
                // dense, permuted, broadcast or padded strides
                int acc = 1;
                for (int d = rank - 1; d >= 0; d--) {
                    int kind = r.nextInt(4);
                    strides[o][d] = kind == 0 ? 0 : kind == 1 ? acc * (1 + r.nextInt(2)) : acc;
                    acc *= shape[d] + (kind == 3 ? 1 : 0);
                }
            }
            StridedMeta m = StridedMeta.of(shape, strides[0], strides[1], strides[2]);
            byte[] p = m.pack();
            long n = m.numel();
            for (long i = 0; i < n; i++) {
                int[] got = ptxOffsets(p, i, 3, 0);
                for (int o = 0; o < 3; o++) {
                    assertEquals(directOffset(shape, strides[o], i), m.contiguous() ? i : got[o],
                            "element " + i + " operand " + o + " of " + m);
                }
            }
        }
    }

    @Test
    void reduceLayoutPutsTheOnlyOperandInTheXSlot() {
        int[] shape = {4, 3, 5};
        int[] st = {1, 20, 4};
        byte[] p = StridedMeta.of(shape, st).pack(1);
        for (long i = 0; i < 60; i++) assertEquals(directOffset(shape, st, i), ptxOffsets(p, i, 1, 1)[0]);
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> StridedMeta.of(new int[] {2, 3}, new int[] {3}));
        assertThrows(IllegalArgumentException.class, () -> StridedMeta.of(new int[] {-1}, new int[] {1}));
        int[] nine = {2, 2, 2, 2, 2, 2, 2, 2, 2};
        int[] st = {1000, 300, 90, 27, 9, 1, 3, 200, 500}; // nothing merges
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StridedMeta.of(nine, st).pack());
        assertTrue(e.getMessage().contains("exceeds the kernels' 8"), e.getMessage());
    }
}
