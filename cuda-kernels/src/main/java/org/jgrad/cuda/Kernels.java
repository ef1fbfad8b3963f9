package org.jgrad.cuda;

import java.util.List;

/**
 * Typed launchers for the PTX kernels: each takes device addresses (already advanced by the
 * views' offsets) and a {@link StridedMeta}, picks the launch shape, and hands the arguments,
 * in the order of the kernel's .param list, to a {@link KernelLauncher}. The CPU tests run
 * these same launchers against a PTX simulator, so the order is checked without a GPU.
 */
final class Kernels {
    static final int BLOCK = 256;
    private final KernelLauncher launcher;

    Kernels(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    /** A 1-D grid for a grid-stride loop: enough blocks to fill every SM (8 x 256 threads each), no more than needed. */
    int gridFor(long n) {
        long blocks = (n + BLOCK - 1) / BLOCK;
        return (int) Math.max(1, Math.min(blocks, (long) launcher.multiprocessors() * 8));
    }

    /** out = x op y (op: an ew_binary_f32 code); outKind 0 = float32, 1 = uint8. Meta operands: out, x, y. */
    void binary(int op, StridedMeta meta, long out, int outKind, long x, long y) {
        if (meta.numel() == 0) return;
        launcher.launch("elementwise", "ew_binary_f32", gridFor(meta.numel()), BLOCK, List.of(
                op, (int) meta.numel(), outKind, meta.contiguous() ? 1 : 0, out, x, y, meta.pack()));
    }

    /** out = op(x; a, b) (op: an ew_unary_f32 code). Meta operands: out, x. */
    void unary(int op, StridedMeta meta, long out, int outKind, long x, float s1, float s2) {
        if (meta.numel() == 0) return;
        launcher.launch("elementwise", "ew_unary_f32", gridFor(meta.numel()), BLOCK, List.of(
                op, (int) meta.numel(), outKind, meta.contiguous() ? 1 : 0, out, x, s1, s2, meta.pack()));
    }

    /** out[i] = cond != 0 ? x : y; out dense; condKind 0 = float32, 1 = uint8. Meta operands: cond, x, y. */
    void where(StridedMeta meta, long out, long cond, int condKind, long x, long y) {
        if (meta.numel() == 0) return;
        launcher.launch("elementwise", "ew_where_f32", gridFor(meta.numel()), BLOCK, List.of(
                (int) meta.numel(), condKind, meta.contiguous() ? 1 : 0, out, cond, x, y, meta.pack()));
    }

    /** dst = (dstType) src over strided views; types are DType ordinals. Meta operands: dst, src. */
    void copy(StridedMeta meta, long dst, int dstType, long src, int srcType) {
        if (meta.numel() == 0) return;
        launcher.launch("copy", "copy_strided", gridFor(meta.numel()), BLOCK, List.of(
                (int) meta.numel(), srcType, dstType, meta.contiguous() ? 1 : 0, dst, src, meta.pack()));
    }

    /** Every element of a strided destination set to the low {@code size} bytes of {@code bits}. Meta operand: dst. */
    void fill(StridedMeta meta, long dst, int size, long bits) {
        if (meta.numel() == 0) return;
        launcher.launch("copy", "fill_strided", gridFor(meta.numel()), BLOCK, List.of(
                (int) meta.numel(), size, meta.contiguous() ? 1 : 0, dst, bits, meta.pack()));
    }

    /**
     * out[r] = fold over j < k of x[r * k + j] (linear index into the permuted view the meta
     * describes in its x slot). One block per row at a time; narrow rows get a narrow block
     * (a multiple of 32, as the kernel's warp folding needs).
     */
    void reduceRows(int op, int rows, int k, long out, long x, byte[] meta) {
        if (rows == 0) return;
        int block = 32;
        while (block < k && block < BLOCK) block <<= 1;
        int grid = (int) Math.min(rows, (long) launcher.multiprocessors() * 32);
        launcher.launch("reduce", "reduce_rows_f32", grid, block, List.of(op, rows, k, out, x, meta));
    }
}
