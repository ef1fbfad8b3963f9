package org.jgrad.ops;

import org.jgrad.backend.Backends;
import org.jgrad.backend.FusedNn;
import org.jgrad.ops.composed.ComposedSoftmax;
import org.jgrad.autograd.Autograd;
import org.jgrad.backend.ReduceOp;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Shapes;
import org.jgrad.tensor.Tensor;
import org.jgrad.tensor.ValuesIndices;

/** Reductions along axes, max/argmax with indices, softmax. */
public final class Reductions {
    private Reductions() {}

    static Tensor reduceRaw(ReduceOp op, Tensor x, int[] dims, boolean keepdim, DType outType) {
        x.checkOpen();
        int[] d = Shapes.normalizeDims(dims, x.dim());
        int[] keepShape = Shapes.reduced(x.shape(), d, true);
        Tensor out = Tensor.empty(outType, x.device(), keepShape);
        Backends.of(x.device()).reduce(op, x.raw(), d, out.raw());
        if (!keepdim) {
            Tensor squeezed = out.view(Shapes.reduced(x.shape(), d, false));
            return squeezed;
        }
        return out;
    }

    /** Sum; integer inputs sum to INT64 as in PyTorch. */
    public static Tensor sum(Tensor x, int[] dims, boolean keepdim) {
        DType dt = x.dtype().isFloatingPoint() ? x.dtype() : DType.INT64;
        Tensor out = reduceRaw(ReduceOp.SUM, x, dims, keepdim, dt);
        int[] xs = x.shape();
        int[] d = Shapes.normalizeDims(dims, x.dim());
        int[] keepShape = Shapes.reduced(xs, d, true);
        return Autograd.record(out, "sum", new Tensor[]{x}, Autograd.SAVES_NOTHING, g -> new Tensor[]{g.reshape(keepShape).expand(xs)});
    }

    public static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("mean needs a floating-point tensor, got " + x.dtype());
        }
        int[] d = Shapes.normalizeDims(dims, x.dim());
        long n = 1;
        for (int i : d) n *= x.size(i);
        return sum(x, d, keepdim).div((double) n);
    }

    public static Tensor amax(Tensor x, int[] dims, boolean keepdim) { return extreme(ReduceOp.MAX, x, dims, keepdim); }

    public static Tensor amin(Tensor x, int[] dims, boolean keepdim) { return extreme(ReduceOp.MIN, x, dims, keepdim); }

    // Gradient split evenly among tied extremes, as torch.amax does.
    private static Tensor extreme(ReduceOp op, Tensor x, int[] dims, boolean keepdim) {
        if (x.numel() == 0) throw new IllegalArgumentException(op.name().toLowerCase() + "(): cannot reduce an empty tensor");
        int[] d = Shapes.normalizeDims(dims, x.dim());
        Tensor out = reduceRaw(op, x, d, keepdim, x.dtype());
        int[] xs = x.shape();
        int[] keepShape = Shapes.reduced(xs, d, true);
        return Autograd.record(out, op == ReduceOp.MAX ? "amax" : "amin", new Tensor[]{x}, Autograd.saves(x, out), g -> {
            Tensor mask = x.eq(out.reshape(keepShape)).to(g.dtype());
            Tensor count = mask.sum(d, true);
            return new Tensor[]{mask.mul(g.reshape(keepShape)).div(count)};
        });
    }

    public static ValuesIndices max(Tensor x, int dim, boolean keepdim) { return arg(true, x, dim, keepdim); }

    public static ValuesIndices min(Tensor x, int dim, boolean keepdim) { return arg(false, x, dim, keepdim); }

    private static ValuesIndices arg(boolean max, Tensor x, int dim, boolean keepdim) {
        x.checkOpen();
        int d = Shapes.dim(dim, x.dim());
        if (x.dim() > 0 && x.size(d) == 0) {
            throw new IllegalArgumentException((max ? "max" : "min") + "(): dimension " + dim + " has size 0");
        }
        int[] xs = x.shape();
        int[] keepShape = x.dim() == 0 ? new int[0] : Shapes.reduced(xs, new int[]{d}, true);
        Tensor values = Tensor.empty(x.dtype(), x.device(), keepShape);
        Tensor indices = Tensor.empty(DType.INT64, x.device(), keepShape);
        Backends.of(x.device()).argReduce(max, x.raw(), d, values.raw(), indices.raw());
        if (!keepdim && x.dim() > 0) {
            int[] sq = Shapes.reduced(xs, new int[]{d}, false);
            values = values.view(sq);
            indices = indices.view(sq);
        }
        Tensor idxKeep = indices.reshape(keepShape);
        Tensor v = Autograd.record(values, max ? "max" : "min", new Tensor[]{x}, Autograd.SAVES_NOTHING, g -> {
            Tensor grad = Tensor.zeros(g.dtype(), g.device(), xs);
            Backends.of(x.device()).scatterAdd(grad.raw(), d, idxKeep.raw(), g.reshape(keepShape).contiguous().raw());
            return new Tensor[]{grad};
        });
        return new ValuesIndices(v, indices);
    }

    public static Tensor argmax(Tensor x, int dim, boolean keepdim) {
        try (var off = org.jgrad.autograd.Grad.off()) {
            ValuesIndices vi = arg(true, x, dim, keepdim);
            vi.values().close();
            return vi.indices();
        }
    }

    public static Tensor argmin(Tensor x, int dim, boolean keepdim) {
        try (var off = org.jgrad.autograd.Grad.off()) {
            ValuesIndices vi = arg(false, x, dim, keepdim);
            vi.values().close();
            return vi.indices();
        }
    }

    public static Tensor softmax(Tensor x, int dim, boolean log) {
        if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException("softmax needs a floating-point tensor, got " + x.dtype());
        int d = Shapes.dim(dim, x.dim());
        var fused = Backends.of(x.device()).capability(FusedNn.class);
        if (fused.isEmpty()) return ComposedSoftmax.softmax(x, d, log);
        Tensor out = Tensor.empty(x.dtype(), x.device(), x.shape());
        fused.get().softmax(x.raw(), d, log, out.raw());
        // the backward reads the output, not x: an in-place write to the output must be caught
        return Autograd.record(out, log ? "log_softmax" : "softmax", new Tensor[]{x}, Autograd.saves(out), g -> {
            if (log) { // g - softmax * sum(g)
                return new Tensor[]{g.sub(out.exp().mul(g.sum(d, true)))};
            }
            return new Tensor[]{out.mul(g.sub(g.mul(out).sum(d, true)))};
        });
    }
}
