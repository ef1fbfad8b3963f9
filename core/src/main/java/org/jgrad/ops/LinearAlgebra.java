package org.jgrad.ops;

import org.jgrad.backend.Backends;
import org.jgrad.autograd.Autograd;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Shapes;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/** Matrix products with {@code torch.matmul}'s rules: 1-D promotion and batch broadcasting. */
public final class LinearAlgebra {
    private LinearAlgebra() {}

    public static Tensor matmul(Tensor a, Tensor b) {
        Elementwise.sameDevice("matmul", a, b);
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension, got shapes "
                    + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
        }
        if (a.dtype() != b.dtype() || !a.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("matmul: expected two floating-point tensors of one dtype, got " + a.dtype() + " and " + b.dtype());
        }
        // vec @ vec: the inner call already squeezed b's added column, so a's added row is last
        if (a.dim() == 1) return matmul(a.unsqueeze(0), b).squeeze(b.dim() == 1 ? -1 : -2);
        if (b.dim() == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
        int m = a.size(-2), k = a.size(-1), k2 = b.size(-2), n = b.size(-1);
        if (k != k2) {
            throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape())
                    + " cannot be multiplied (" + m + "x" + k + " and " + k2 + "x" + n + ")");
        }
        int[] ba = Arrays.copyOf(a.shape(), a.dim() - 2), bb = Arrays.copyOf(b.shape(), b.dim() - 2);
        int[] batch = Shapes.broadcast(ba, bb);
        int nb = (int) Shapes.numel(batch);
        Tensor a3 = Views.broadcastTo(a, concat(batch, m, k)).reshape(nb, m, k);
        Tensor b3 = Views.broadcastTo(b, concat(batch, k, n)).reshape(nb, k, n);
        Tensor out = Tensor.empty(a.dtype(), a.device(), nb, m, n);
        Backends.of(a.device()).matmul(a3.raw(), b3.raw(), out.raw());
        Tensor result = out.view(concat(batch, m, n));
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.record(result, "mm", new Tensor[]{a, b}, g -> new Tensor[]{
                a.requiresGrad() ? Autograd.sumToShape(g.matmul(b.transpose(-1, -2)), sa) : null,
                b.requiresGrad() ? Autograd.sumToShape(a.transpose(-1, -2).matmul(g), sb) : null});
    }

    private static int[] concat(int[] batch, int x, int y) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = x;
        s[batch.length + 1] = y;
        return s;
    }

    static boolean isFloat(DType t) { return t.isFloatingPoint(); }
}
