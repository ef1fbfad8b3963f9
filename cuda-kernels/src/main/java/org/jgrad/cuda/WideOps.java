package org.jgrad.cuda;

import org.jgrad.backend.Backend;
import org.jgrad.backend.BinaryOp;
import org.jgrad.backend.ReduceOp;
import org.jgrad.backend.UnaryOp;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.View;

import java.util.List;

/**
 * Elementwise ops and reductions for dtypes other than float32 (wide.ptx): labels, counters,
 * masks, accuracy counts. Operands are first copied into dense float64 temporaries (int64 for
 * exact int64 add/sub/mul), which resolves views, broadcasting and conversion in one
 * copy_strided pass; a dense kernel computes; a last copy casts into the output. The
 * arithmetic is exactly the CPU backend's (float64, integer results truncated toward zero),
 * so both devices give the same values. These tensors are small in a training step, so the
 * extra passes cost little; float32 keeps its one-pass kernels.
 */
final class WideOps {
    private final DeviceMemory mem;
    private final DeviceCopies copies;
    private final Kernels kernels;
    private final KernelLauncher launcher;

    WideOps(DeviceMemory mem, DeviceCopies copies, Kernels kernels, KernelLauncher launcher) {
        this.mem = mem;
        this.copies = copies;
        this.kernels = kernels;
        this.launcher = launcher;
    }

    void binary(BinaryOp op, View x, View y, View out) {
        if (op == BinaryOp.POW) throw Backend.unsupported("binary POW on " + x.dtype() + "/" + y.dtype() + " (float32 only)", mem);
        boolean exact = x.dtype() == DType.INT64 && y.dtype() == DType.INT64 && out.dtype() == DType.INT64
                && (op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL);
        DType work = exact ? DType.INT64 : DType.FLOAT64;
        int n = out.numel();
        if (n == 0) return;
        View xd = dense(x, work), yd = dense(y, work);
        View r = mem.temporary(work, out.shape());
        try {
            launcher.launch("wide", exact ? "ew_binary_s64" : "ew_binary_f64", kernels.gridFor(n), Kernels.BLOCK,
                    List.of(PtxOps.binary(op), n, mem.address(r), mem.address(xd), mem.address(yd)));
            copies.copy(r, out);
        } finally {
            mem.release(xd);
            mem.release(yd);
            mem.release(r);
        }
    }

    void unary(UnaryOp op, View x, View out, double a, double b) {
        switch (op) {
            case NEG, ABS, SIGN, CLAMP, ADD_SCALAR, MUL_SCALAR, RDIV_SCALAR,
                 GT_SCALAR, LT_SCALAR, GE_SCALAR, LE_SCALAR, EQ_SCALAR, NE_SCALAR -> { }
            default -> throw Backend.unsupported("unary " + op + " on " + x.dtype() + " into " + out.dtype() + " (float32 only)", mem);
        }
        int n = out.numel();
        if (n == 0) return;
        View xd = dense(x, DType.FLOAT64);
        View r = mem.temporary(DType.FLOAT64, out.shape());
        try {
            launcher.launch("wide", "ew_unary_f64", kernels.gridFor(n), Kernels.BLOCK,
                    List.of(PtxOps.unary(op), n, mem.address(r), mem.address(xd), a, b));
            copies.copy(r, out);
        } finally {
            mem.release(xd);
            mem.release(r);
        }
    }

    /** {@code permuted}: x viewed with the kept dims first and the reduced ones last; {@code rows * k} elements. */
    void reduce(ReduceOp op, View permuted, int rows, int k, View out) {
        View xd = mem.temporary(DType.FLOAT64, permuted.shape());
        View r = mem.temporary(DType.FLOAT64, out.shape());
        try {
            copies.copy(permuted, xd);
            int grid = (int) Math.min(rows, (long) launcher.multiprocessors() * 32);
            launcher.launch("wide", "reduce_rows_f64", grid, 32,
                    List.of(PtxOps.reduce(op), rows, k, mem.address(r), mem.address(xd)));
            copies.copy(r, out);
        } finally {
            mem.release(xd);
            mem.release(r);
        }
    }

    /** A dense copy of a (possibly broadcast) view in {@code dtype}. */
    private View dense(View t, DType dtype) {
        View d = mem.temporary(dtype, t.shape());
        copies.copy(t, d);
        return d;
    }
}
