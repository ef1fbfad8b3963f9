package org.jgrad.cuda;

/**
 * Typed launchers for the PTX kernels: each takes device addresses (already advanced by the
 * views' offsets) and a {@link StridedMeta}, picks the launch shape, and queues the kernel on
 * the context's stream. The parameter order here must match the .param list in the .ptx file.
 */
final class Kernels {
    static final int BLOCK = 256;
    private final CudaContext ctx;

    Kernels(CudaContext ctx) {
        this.ctx = ctx;
    }

    /** A 1-D grid for a grid-stride loop: enough blocks to fill every SM (8 x 256 threads each), no more than needed. */
    int gridFor(long n) {
        long blocks = (n + BLOCK - 1) / BLOCK;
        return (int) Math.max(1, Math.min(blocks, (long) ctx.multiprocessors * 8));
    }

    private void launch(String family, String entry, long n, int block, KernelArgs args) {
        ctx.makeCurrent();
        long fn = ctx.modules.function(family, entry);
        int grid = gridFor(n);
        ctx.driver.launch(entry, fn, grid, 1, 1, block, 1, 1, 0, ctx.stream, args.pointers());
    }

    /** out = x op y (op: an ew_binary_f32 code); outKind 0 = float32, 1 = uint8. Meta operands: out, x, y. */
    void binary(int op, StridedMeta meta, long out, int outKind, long x, long y) {
        if (meta.numel() == 0) return;
        try (KernelArgs a = new KernelArgs()) {
            a.u32(op).u32((int) meta.numel()).u32(outKind).u32(meta.contiguous() ? 1 : 0)
                    .u64(out).u64(x).u64(y).bytes(meta.pack());
            launch("elementwise", "ew_binary_f32", meta.numel(), BLOCK, a);
        }
    }

    /** out = op(x; a, b) (op: an ew_unary_f32 code). Meta operands: out, x. */
    void unary(int op, StridedMeta meta, long out, int outKind, long x, float s1, float s2) {
        if (meta.numel() == 0) return;
        try (KernelArgs a = new KernelArgs()) {
            a.u32(op).u32((int) meta.numel()).u32(outKind).u32(meta.contiguous() ? 1 : 0)
                    .u64(out).u64(x).f32(s1).f32(s2).bytes(meta.pack());
            launch("elementwise", "ew_unary_f32", meta.numel(), BLOCK, a);
        }
    }

    /** dst = (dstType) src over strided views; types are DType ordinals. Meta operands: dst, src. */
    void copy(StridedMeta meta, long dst, int dstType, long src, int srcType) {
        if (meta.numel() == 0) return;
        try (KernelArgs a = new KernelArgs()) {
            a.u32((int) meta.numel()).u32(srcType).u32(dstType).u32(meta.contiguous() ? 1 : 0)
                    .u64(dst).u64(src).bytes(meta.pack());
            launch("copy", "copy_strided", meta.numel(), BLOCK, a);
        }
    }

    /** Every element of a strided destination set to the low {@code size} bytes of {@code bits}. Meta operand: dst. */
    void fill(StridedMeta meta, long dst, int size, long bits) {
        if (meta.numel() == 0) return;
        try (KernelArgs a = new KernelArgs()) {
            a.u32((int) meta.numel()).u32(size).u32(meta.contiguous() ? 1 : 0).u64(dst).u64(bits).bytes(meta.pack());
            launch("copy", "fill_strided", meta.numel(), BLOCK, a);
        }
    }

    /**
     * out[r] = fold over j < k of x[r * k + j] (linear index into the permuted view the meta
     * describes in its x slot, operand 1). One block per row; narrow rows get a narrow block.
     */
    void reduceRows(int op, int rows, int k, long out, long x, byte[] meta) {
        if (rows == 0) return;
        int block = 32;
        while (block < k && block < BLOCK) block <<= 1;
        try (KernelArgs a = new KernelArgs()) {
            a.u32(op).u32(rows).u32(k).u64(out).u64(x).bytes(meta);
            ctx.makeCurrent();
            long fn = ctx.modules.function("reduce", "reduce_rows_f32");
            int grid = (int) Math.min(rows, (long) ctx.multiprocessors * 32);
            ctx.driver.launch("reduce_rows_f32", fn, grid, 1, 1, block, 1, 1, 0, ctx.stream, a.pointers());
        }
    }
}
