package org.jgrad.ops;

import org.jgrad.backend.Backends;
import org.jgrad.autograd.Autograd;
import org.jgrad.autograd.Grad;
import org.jgrad.tensor.Shapes;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@code torch.cat} and {@code torch.stack}; the gradient is split back by slicing. */
public final class Concat {
    private Concat() {}

    /** Joins tensors of one dtype and device along {@code dim}; all other sizes must agree. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors == null || tensors.isEmpty()) throw new IllegalArgumentException("cat: expected a non-empty list of tensors");
        Tensor first = tensors.get(0);
        first.checkOpen();
        int rank = first.dim();
        if (rank == 0) throw new IllegalArgumentException("cat: zero-dimensional tensors cannot be concatenated");
        int d = Shapes.dim(dim, rank);
        int[] outShape = first.shape();
        int total = 0;
        for (int k = 0; k < tensors.size(); k++) {
            Tensor t = tensors.get(k);
            if (t == null) throw new IllegalArgumentException("cat: tensor " + k + " is null");
            t.checkOpen();
            if (!t.device().equals(first.device())) {
                throw new IllegalArgumentException("cat: expected all tensors on the same device, tensor 0 is on " + first.device()
                        + " and tensor " + k + " on " + t.device());
            }
            if (t.dtype() != first.dtype()) {
                throw new IllegalArgumentException("cat: expected all tensors of one dtype, tensor 0 is " + first.dtype()
                        + " and tensor " + k + " is " + t.dtype());
            }
            int[] s = t.shape();
            boolean ok = s.length == rank;
            for (int i = 0; ok && i < rank; i++) if (i != d && s[i] != outShape[i]) ok = false;
            if (!ok) {
                throw new IllegalArgumentException("cat: sizes of tensors must match except in dimension " + d + ": tensor 0 has shape "
                        + Arrays.toString(outShape) + " and tensor " + k + " has shape " + Arrays.toString(s));
            }
            total += s[d];
        }
        outShape[d] = total;
        Tensor out = Tensor.empty(first.dtype(), first.device(), outShape);
        int[] starts = new int[tensors.size() + 1];
        try (var off = Grad.off()) {
            for (int k = 0; k < tensors.size(); k++) {
                Tensor t = tensors.get(k);
                int len = t.size(d);
                starts[k + 1] = starts[k] + len;
                if (len == 0) continue;
                try (Tensor dst = out.slice(d, starts[k], starts[k + 1])) {
                    Backends.of(first.device()).copy(t.raw(), dst.raw());
                }
            }
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        return Autograd.record(out, "cat", inputs, Autograd.SAVES_NOTHING, g -> {
            Tensor[] grads = new Tensor[inputs.length];
            for (int k = 0; k < inputs.length; k++) {
                if (inputs[k].requiresGrad()) grads[k] = g.slice(d, starts[k], starts[k + 1]);
            }
            return grads;
        });
    }

    public static Tensor cat(int dim, Tensor... tensors) { return cat(Arrays.asList(tensors), dim); }

    /** Joins tensors of one shape along a new dimension {@code dim}. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors == null || tensors.isEmpty()) throw new IllegalArgumentException("stack: expected a non-empty list of tensors");
        int[] s0 = tensors.get(0).shape();
        int r = s0.length + 1;
        int d = dim < 0 ? dim + r : dim;
        if (d < 0 || d >= r) throw new IllegalArgumentException("stack: dimension " + dim + " out of range for rank " + r);
        List<Tensor> parts = new ArrayList<>(tensors.size());
        for (int k = 0; k < tensors.size(); k++) {
            Tensor t = tensors.get(k);
            if (t == null) throw new IllegalArgumentException("stack: tensor " + k + " is null");
            if (!Arrays.equals(t.shape(), s0)) {
                throw new IllegalArgumentException("stack expects each tensor to be equal size, but got " + Arrays.toString(s0)
                        + " at entry 0 and " + Arrays.toString(t.shape()) + " at entry " + k);
            }
            parts.add(t.unsqueeze(d));
        }
        return cat(parts, d);
    }

    public static Tensor stack(int dim, Tensor... tensors) { return stack(Arrays.asList(tensors), dim); }
}
