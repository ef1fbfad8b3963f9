package org.jgrad.data;

import org.jgrad.backend.Backends;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Shapes;
import org.jgrad.tensor.Tensor;
import org.jgrad.tensor.View;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the samples of one batch into a pair of batch tensors (returned as a {@link Sample}),
 * like PyTorch's {@code collate_fn}. Runs on a loader worker thread.
 *
 * @param <S> the sample type
 */
@FunctionalInterface
public interface Collate<S> {
    Sample apply(List<S> samples);

    /**
     * The default: stacks inputs into [B, ...input shape] and targets into [B, ...target shape]
     * (0-d labels become a [B] vector), keeping dtypes, on the CPU, then closes the samples.
     */
    static Collate<Sample> stack() {
        return samples -> {
            List<Tensor> in = new ArrayList<>(samples.size());
            List<Tensor> tg = new ArrayList<>(samples.size());
            for (Sample s : samples) {
                in.add(s.input());
                tg.add(s.target());
            }
            Tensor inputs = stack(in, "input");
            Tensor targets;
            try {
                targets = stack(tg, "target");
            } catch (RuntimeException e) {
                inputs.close();
                throw e;
            }
            for (Sample s : samples) s.close();
            return new Sample(inputs, targets);
        };
    }

    /** Stacks same-shaped, same-dtype tensors along a new first dimension (a CPU copy). */
    static Tensor stack(List<Tensor> items, String what) {
        if (items.isEmpty()) throw new IllegalArgumentException("stack: no " + what + " tensors to stack");
        Tensor first = items.get(0);
        int[] shape = first.shape();
        DType dtype = first.dtype();
        int n = first.numel();
        int[] outShape = new int[shape.length + 1];
        outShape[0] = items.size();
        System.arraycopy(shape, 0, outShape, 1, shape.length);
        Tensor out = Tensor.empty(dtype, Device.cpu(), outShape);
        int[] rowStrides = Shapes.contiguousStrides(shape);
        for (int i = 0; i < items.size(); i++) {
            Tensor t = items.get(i);
            if (!Arrays.equals(t.shape(), shape) || t.dtype() != dtype) {
                out.close();
                throw new IllegalArgumentException("stack: " + what + " " + i + " has shape " + Arrays.toString(t.shape())
                        + " and dtype " + t.dtype() + " but " + what + " 0 has shape " + Arrays.toString(shape)
                        + " and dtype " + dtype + "; samples of one batch must match (or pass your own collate)");
            }
            // row i of out, as the backend sees it: a contiguous item is one array copy
            Tensor cpu = t.device().isCpu() ? t : t.to(Device.cpu());
            View row = new View(out.storage(), shape, rowStrides, i * n);
            Backends.of(Device.cpu()).copy(cpu.raw(), row);
            if (cpu != t) cpu.close();
        }
        return out;
    }
}
