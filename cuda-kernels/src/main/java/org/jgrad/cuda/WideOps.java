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
    private final CudaBackend backend;
    private final Kernels kernels;
    private final KernelLauncher launcher;

    WideOps(CudaBackend backend, Kernels kernels, KernelLauncher launcher) {
        this.backend = backend;
        this.kernels = kernels;
        this.launcher = launcher;
    }

    void binary(BinaryOp op, View x, View y, View out) {
        if (op == BinaryOp.POW) throw Backend.unsupported("binary POW on " + x.dtype() + "/" + y.dtype() + " (float32 only)", backend);
        boolean exact = x.dtype() == DType.INT64 && y.dtype() == DType.INT64 && out.dtype() == DType.INT64
                && (op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL);
        DType work = exact ? DType.INT64 : DType.FLOAT64;
        int n = out.numel();
        if (n == 0) return;
        View xd = dense(x, work), yd = dense(y, work);
        View r = DeviceViews.hold(backend.allocateRaw(work, n), out.shape());
        try {
            launcher.launch("wide", exact ? "ew_binary_s64" : "ew_binary_f64", kernels.gridFor(n), Kernels.BLOCK,
                    List.of(PtxOps.binary(op), n, backend.address(r), backend.address(xd), backend.address(yd)));
            backend.copy(r, out);
        } finally {
            DeviceViews.release(xd);
            DeviceViews.release(yd);
            DeviceViews.release(r);
        }
    }

    void unary(UnaryOp op, View x, View out, double a, double b) {
        switch (op) {
            case NEG, ABS, SIGN, CLAMP, ADD_SCALAR, MUL_SCALAR, RDIV_SCALAR,
                 GT_SCALAR, LT_SCALAR, GE_SCALAR, LE_SCALAR, EQ_SCALAR, NE_SCALAR -> { }
            default -> throw Backend.unsupported("unary " + op + " on " + x.dtype() + " into " + out.dtype() + " (float32 only)", backend);
        }
        int n = out.numel();
        if (n == 0) return;
        View xd = dense(x, DType.FLOAT64);
        View r = DeviceViews.hold(backend.allocateRaw(DType.FLOAT64, n), out.shape());
        try {
            launcher.launch("wide", "ew_unary_f64", kernels.gridFor(n), Kernels.BLOCK,
                    List.of(PtxOps.unary(op), n, backend.address(r), backend.address(xd), a, b));
            backend.copy(r, out);
        } finally {
            DeviceViews.release(xd);
            DeviceViews.release(r);
        }
    }

    /** {@code permuted}: x viewed with the kept dims first and the reduced ones last; {@code rows * k} elements. */
    void reduce(ReduceOp op, View permuted, int rows, int k, View out) {
        View xd = DeviceViews.hold(backend.allocateRaw(DType.FLOAT64, (long) rows * k), permuted.shape());
        View r = DeviceViews.hold(backend.allocateRaw(DType.FLOAT64, rows), out.shape());
        try {
            backend.copy(permuted, xd);
            int grid = (int) Math.min(rows, (long) launcher.multiprocessors() * 32);
            launcher.launch("wide", "reduce_rows_f64", grid, 32,
                    List.of(PtxOps.reduce(op), rows, k, backend.address(r), backend.address(xd)));
            backend.copy(r, out);
        } finally {
            DeviceViews.release(xd);
            DeviceViews.release(r);
        }
    }

    /** A dense copy of a (possibly broadcast) view in {@code dtype}. */
    private View dense(View t, DType dtype) {
        View d = DeviceViews.hold(backend.allocateRaw(dtype, t.numel()), t.shape());
        backend.copy(t, d);
        return d;
    }
}
