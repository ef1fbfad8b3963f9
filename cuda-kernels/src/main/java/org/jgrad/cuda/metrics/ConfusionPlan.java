package org.jgrad.cuda.metrics;

import org.jgrad.tensor.DType;

import java.util.List;

/**
 * Launch plans for the confusion kernels. Logits {@code [N, C, ...]} are R = N rows of L = H*W
 * positions (class planes lSC apart); {@code [N, C]} is one row of N positions, lSS = C apart.
 * The histogram bins live in shared memory as {@link #copies} sub-histograms of C*C 32-bit
 * counters when they fit, else in global memory (64-bit atomics).
 */
public final class ConfusionPlan {
    private ConfusionPlan() {}

    /**
     * Dynamic shared memory the sub-histograms may take: under the default 48 KB per block (no
     * opt-in attribute needed), leaving room for the kernel's 128 static bytes.
     */
    static final int SHARED_BUDGET = 48 * 1024 - 256;
    /** The logits kernel uses up to 48 registers a thread (ptxas -v, sm_80): 5 blocks of 256 fit 64K registers; 4 leaves slack. */
    static final int LOGITS_BLOCKS_PER_SM = 4;
    /** Shared memory per SM assumed when sizing the grid: A100's 164 KB less a margin (H100/H200 have 228 KB). */
    static final int SHARED_PER_SM = 160 * 1024;

    /** Blocks per SM for a kernel taking {@code sharedBytes} of dynamic shared memory per block. */
    static int blocksPerSm(int registerLimited, int sharedBytes) {
        return Math.max(1, Math.min(registerLimited, SHARED_PER_SM / (sharedBytes + 1024)));
    }
    /** C*C must fit a 32-bit bin index in the kernel. */
    static final int MAX_CLASSES = 46340;

    static String suffix(DType t) {
        return switch (t) {
            case UINT8 -> "u8";
            case INT32 -> "s32";
            case INT64 -> "s64";
            default -> throw new IllegalArgumentException("labels must be UINT8, INT32 or INT64, got " + t);
        };
    }

    /**
     * Sub-histogram copies for C classes in a block of {@link Grid#THREADS} threads: the largest
     * power of two up to the warp count whose copies fit {@link #SHARED_BUDGET}; 0 (global
     * atomics) when even one does not. Warp w writes copy {@code w & (copies - 1)}.
     */
    public static int copies(int classes) {
        long one = 4L * classes * classes;
        int k = Grid.THREADS / 32;
        while (k > 0 && k * one > SHARED_BUDGET) k >>= 1;
        return k;
    }

    static void checkClasses(int classes) {
        if (classes < 1 || classes > MAX_CLASSES) {
            throw new IllegalArgumentException("classes must be in [1, " + MAX_CLASSES + "], got " + classes);
        }
    }

    /** The ignore value in the target's width, or null when the dtype cannot hold it (then nothing is ignored, as on the CPU). */
    static Long ignoreBits(DType target, long ignoreIndex) {
        if (ignoreIndex == Long.MIN_VALUE) return null;
        return SegStatsPlan.representable(target, ignoreIndex) ? ignoreIndex : null;
    }

    /**
     * Plan for {@code confusion_logits_f32_<target>}, or null when the spatial dims of either
     * tensor are not contiguous (the caller then passes contiguous copies).
     */
    public static Launch logits(int[] shape, int[] lStrides, long logitsBase, int[] tStrides, long targBase, DType target,
                                long ignoreIndex, long histAddr, long badAddr, int multiprocessors) {
        if (shape.length < 2) throw new IllegalArgumentException("logits must be [N, C, ...], got rank " + shape.length);
        int c = shape[1];
        checkClasses(c);
        int tsize = target.byteSize();
        long rows, rowLen, lSN, lSC = lStrides[1], lSS, tSN, tSS;
        if (shape.length == 2) {
            rows = 1;
            rowLen = shape[0];
            lSN = 0;
            lSS = lStrides[0];
            tSN = 0;
            tSS = tStrides[0];
        } else {
            int[] tShape = new int[shape.length - 1];
            tShape[0] = shape[0];
            System.arraycopy(shape, 2, tShape, 1, shape.length - 2);
            if (!Alignment.innerContiguous(shape, lStrides, 2) || !Alignment.innerContiguous(tShape, tStrides, 1)) return null;
            rows = shape[0];
            rowLen = 1;
            for (int d = 2; d < shape.length; d++) rowLen *= shape[d];
            lSN = lStrides[0];
            lSS = 1;
            tSN = tStrides[0];
            tSS = 1;
        }
        boolean vec = lSS == 1 && tSS == 1 && Math.floorMod(lSC, 4) == 0
                && Alignment.coAligned(logitsBase, 4, targBase, tsize, rows > 1 ? lSN - tSN : 0);
        Long ign = ignoreBits(target, ignoreIndex);
        int k = copies(c);
        Grid g = Grid.of(rows, rowLen, multiprocessors, blocksPerSm(LOGITS_BLOCKS_PER_SM, k * 4 * c * c));
        List<Object> args = List.of(logitsBase, targBase, histAddr, badAddr, rows, rowLen, g.chunksPerRow(), g.chunkLen(),
                c, lSN, lSC, lSS, tSN, tSS, ign == null ? 0 : 1, ign == null ? 0L : ign, k, vec ? 1 : 0);
        return new Launch("confusion", "confusion_logits_f32_" + suffix(target), g.blocks(), Grid.THREADS,
                k * 4 * c * c, args);
    }

    /** Plan for {@code confusion_labels_<pred>_<target>} over label tensors of one shape, or null when not inner-contiguous. */
    public static Launch labels(int[] shape, int[] pStrides, long predBase, DType pred, int[] tStrides, long targBase, DType target,
                                int classes, long ignoreIndex, long histAddr, long badAddr, int multiprocessors) {
        checkClasses(classes);
        long rows, rowLen, pSN, pSS, tSN, tSS;
        if (shape.length <= 1) {
            rows = 1;
            rowLen = shape.length == 0 ? 1 : shape[0];
            pSN = 0;
            tSN = 0;
            pSS = shape.length == 0 ? 0 : pStrides[0];
            tSS = shape.length == 0 ? 0 : tStrides[0];
        } else {
            if (!Alignment.innerContiguous(shape, pStrides, 1) || !Alignment.innerContiguous(shape, tStrides, 1)) return null;
            rows = shape[0];
            rowLen = 1;
            for (int d = 1; d < shape.length; d++) rowLen *= shape[d];
            pSN = pStrides[0];
            tSN = tStrides[0];
            pSS = 1;
            tSS = 1;
            if (pSN == rowLen && tSN == rowLen) { // dense: one long row
                rowLen *= rows;
                rows = 1;
                pSN = 0;
                tSN = 0;
            }
        }
        Long ign = ignoreBits(target, ignoreIndex);
        int k = copies(classes);
        Grid g = Grid.of(rows, rowLen, multiprocessors, blocksPerSm(Grid.BLOCKS_PER_SM, k * 4 * classes * classes));
        List<Object> args = List.of(predBase, targBase, histAddr, badAddr, rows, rowLen, g.chunksPerRow(), g.chunkLen(),
                classes, pSN, pSS, tSN, tSS, ign == null ? 0 : 1, ign == null ? 0L : ign, k);
        return new Launch("confusion", "confusion_labels_" + suffix(pred) + "_" + suffix(target), g.blocks(), Grid.THREADS,
                k * 4 * classes * classes, args);
    }
}
