package org.jgrad.cuda;

import org.jgrad.backend.Backend;
import org.jgrad.backend.BinaryOp;
import org.jgrad.backend.ReduceOp;
import org.jgrad.backend.UnaryOp;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.View;

import java.util.Arrays;

/**
 * The CUDA backend's elementwise ops, {@code where} and reductions: float32 on the one-pass
 * strided kernels of elementwise.ptx and reduce.ptx, other dtypes through {@link WideOps}.
 * Outputs a kernel can only write densely go through a temporary copied back.
 */
final class CudaElementwise {
    private final DeviceMemory memory;
    private final DeviceCopies copies;
    private final Kernels kernels;
    private final WideOps wide;

    CudaElementwise(DeviceMemory memory, DeviceCopies copies, Kernels kernels, WideOps wide) {
        this.memory = memory;
        this.copies = copies;
        this.kernels = kernels;
        this.wide = wide;
    }

    // ------------------------------------------------------------------ elementwise

    void unary(UnaryOp op, View x, View out, double a, double b) {
        memory.require("x", x);
        memory.require("out", out);
        memory.awaitStaged(x, out);
        sameShape("unary " + op, x, out);
        if (x.dtype() != DType.FLOAT32 || !(out.dtype() == DType.FLOAT32 || PtxOps.isComparison(op) && out.dtype() == DType.UINT8)) {
            wide.unary(op, x, out, a, b);
            return;
        }
        int outKind = outKind("unary " + op, out, PtxOps.isComparison(op));
        StridedMeta meta = StridedMeta.of(out.shape(), out.strides(), x.strides());
        kernels.unary(PtxOps.unary(op), meta, memory.address(out), outKind, memory.address(x), (float) a, (float) b);
    }

    void binary(BinaryOp op, View x, View y, View out) {
        memory.require("x", x);
        memory.require("y", y);
        memory.require("out", out);
        memory.awaitStaged(x, y, out);
        sameShape("binary " + op, x, out);
        sameShape("binary " + op, y, out);
        if (x.dtype() != DType.FLOAT32 || y.dtype() != DType.FLOAT32
                || !(out.dtype() == DType.FLOAT32 || op.isComparison() && out.dtype() == DType.UINT8)) {
            wide.binary(op, x, y, out);
            return;
        }
        int outKind = outKind("binary " + op, out, op.isComparison());
        StridedMeta meta = StridedMeta.of(out.shape(), out.strides(), x.strides(), y.strides());
        kernels.binary(PtxOps.binary(op), meta, memory.address(out), outKind, memory.address(x), memory.address(y));
    }

    /** out = grad where x > 0 else 0: ReLU's backward in one pass (x is the forward input). */
    void reluBackward(View x, View grad, View out) {
        memory.require("x", x);
        memory.require("grad", grad);
        memory.require("out", out);
        memory.awaitStaged(x, grad, out);
        sameShape("reluBackward", x, out);
        sameShape("reluBackward", grad, out);
        requireF32("reluBackward", x);
        requireF32("reluBackward", grad);
        outKind("reluBackward", out, false);
        StridedMeta meta = StridedMeta.of(out.shape(), out.strides(), x.strides(), grad.strides());
        kernels.binary(PtxOps.RELU_BACKWARD, meta, memory.address(out), 0, memory.address(x), memory.address(grad));
    }

    void where(View cond, View x, View y, View out) {
        memory.require("cond", cond);
        memory.require("x", x);
        memory.require("y", y);
        memory.require("out", out);
        memory.awaitStaged(cond, x, y, out);
        sameShape("where", cond, out);
        sameShape("where", x, out);
        sameShape("where", y, out);
        requireF32("where", x);
        requireF32("where", y);
        requireF32("where", out);
        int condKind = switch (cond.dtype()) {
            case FLOAT32 -> 0;
            case UINT8 -> 1;
            default -> throw Backend.unsupported("where with a " + cond.dtype() + " condition", memory);
        };
        // the kernel writes a dense output; any other layout goes through a temporary
        View target = out.isContiguous() ? out : memory.temporary(DType.FLOAT32, out.shape());
        try {
            StridedMeta meta = StridedMeta.of(out.shape(), cond.strides(), x.strides(), y.strides());
            kernels.where(meta, memory.address(target), memory.address(cond), condKind, memory.address(x), memory.address(y));
            if (target != out) copies.copy(target, out);
        } finally {
            if (target != out) memory.release(target);
        }
    }

    // ------------------------------------------------------------------ reductions

    void reduce(ReduceOp op, View x, int[] dims, View out) {
        memory.require("x", x);
        memory.require("out", out);
        memory.awaitStaged(x, out);
        int rank = x.rank();
        boolean[] reduced = new boolean[rank];
        for (int d : dims) {
            if (d < 0 || d >= rank) throw new IllegalArgumentException("reduce dims " + Arrays.toString(dims) + " out of range for rank " + rank);
            reduced[d] = true;
        }
        // permute: kept dims first (their order is out's order), reduced dims last
        int[] shape = x.shape(), strides = x.strides();
        int[] pShape = new int[rank], pStrides = new int[rank];
        int p = 0;
        long rows = 1, k = 1;
        for (int d = 0; d < rank; d++) if (!reduced[d]) { pShape[p] = shape[d]; pStrides[p++] = strides[d]; rows *= shape[d]; }
        for (int d = 0; d < rank; d++) if (reduced[d]) { pShape[p] = shape[d]; pStrides[p++] = strides[d]; k *= shape[d]; }
        if (out.numel() != rows) throw new IllegalArgumentException("reduce: out " + Arrays.toString(out.shape()) + " must have " + rows + " elements");
        if (rows == 0) return;
        if (k == 0) { copies.fill(out, identity(op)); return; }
        if (x.dtype() != DType.FLOAT32 || out.dtype() != DType.FLOAT32) {
            wide.reduce(op, new View(x.storage(), pShape, pStrides, x.offset()), (int) rows, (int) k, out);
            return;
        }
        View target = out.isContiguous() ? out : memory.temporary(DType.FLOAT32, out.shape());
        try {
            byte[] meta = StridedMeta.of(pShape, pStrides).pack(1);
            kernels.reduceRows(PtxOps.reduce(op), (int) rows, (int) k, memory.address(target), memory.address(x), meta);
            if (target != out) copies.copy(target, out);
        } finally {
            if (target != out) memory.release(target);
        }
    }

    private static double identity(ReduceOp op) {
        return switch (op) { case SUM -> 0; case PROD -> 1; case MAX -> Double.NEGATIVE_INFINITY; case MIN -> Double.POSITIVE_INFINITY; };
    }

    // ------------------------------------------------------------------ checks

    private void requireF32(String what, View t) {
        if (t.dtype() != DType.FLOAT32) throw Backend.unsupported(what + " on " + t.dtype() + " (CUDA arithmetic is float32 for now)", memory);
    }

    private int outKind(String what, View out, boolean comparison) {
        if (out.dtype() == DType.FLOAT32) return 0;
        if (comparison && out.dtype() == DType.UINT8) return 1;
        throw Backend.unsupported(what + " writing " + out.dtype(), memory);
    }

    private static void sameShape(String what, View a, View b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(what + ": shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()) + " differ");
        }
    }
}
