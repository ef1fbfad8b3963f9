package org.jgrad.data;

import org.jgrad.tensor.Tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * Samples are the rows (first dimension) of two in-memory tensors, like
 * {@code torch.utils.data.TensorDataset(inputs, targets)}. {@link #get} returns views that
 * share the tensors' storage, so reading a sample copies nothing.
 */
public final class TensorDataset implements Dataset<Sample> {
    private final Tensor inputs;
    private final Tensor targets;

    public TensorDataset(Tensor inputs, Tensor targets) {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(targets, "targets");
        inputs.checkOpen();
        targets.checkOpen();
        if (inputs.dim() == 0 || targets.dim() == 0) {
            throw new IllegalArgumentException("TensorDataset: inputs and targets need a first (sample) dimension, got shapes "
                    + Arrays.toString(inputs.shape()) + " and " + Arrays.toString(targets.shape()));
        }
        if (inputs.size(0) != targets.size(0)) {
            throw new IllegalArgumentException("TensorDataset: inputs have " + inputs.size(0) + " samples (shape "
                    + Arrays.toString(inputs.shape()) + ") but targets have " + targets.size(0) + " (shape "
                    + Arrays.toString(targets.shape()) + ")");
        }
        this.inputs = inputs.detach();
        this.targets = targets.detach();
    }

    @Override
    public int size() { return inputs.size(0); }

    @Override
    public Sample get(int index) {
        Dataset.checkIndex(index, size(), "TensorDataset");
        return new Sample(inputs.select(0, index), targets.select(0, index));
    }

    public Tensor inputs() { return inputs; }

    public Tensor targets() { return targets; }
}
