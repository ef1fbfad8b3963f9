package org.jgrad.data;

import org.jgrad.tensor.Tensor;

import java.util.Objects;

/**
 * One batch from a {@link DataLoader}: {@link #index()} is PyTorch's {@code batch_idx} (0, 1, 2,
 * ... within the epoch), {@link #inputs()} and {@link #targets()} are the collated tensors and
 * {@link #indices()} the data set indices they came from. The caller owns the tensors: close the
 * batch when done with it (try-with-resources), otherwise the garbage collector frees them late.
 */
public final class Batch implements AutoCloseable {
    private final int index;
    private final int epoch;
    private final int[] indices;
    private final Tensor inputs;
    private final Tensor targets;

    public Batch(int index, int epoch, int[] indices, Tensor inputs, Tensor targets) {
        if (index < 0) throw new IllegalArgumentException("Batch: index must be >= 0, got " + index);
        this.index = index;
        this.epoch = epoch;
        this.indices = Objects.requireNonNull(indices, "indices").clone();
        this.inputs = Objects.requireNonNull(inputs, "inputs");
        this.targets = Objects.requireNonNull(targets, "targets");
    }

    /** Position of this batch in its epoch, the {@code batch_idx} of {@code enumerate(loader)}. */
    public int index() { return index; }

    /** The epoch this batch belongs to. */
    public int epoch() { return epoch; }

    /** Number of samples in the batch. */
    public int size() { return indices.length; }

    /** The data set indices of the samples, in batch order. */
    public int[] indices() { return indices.clone(); }

    public Tensor inputs() { return inputs; }

    public Tensor targets() { return targets; }

    /** The same batch with other tensors (used by a {@link BatchStager} that moves or copies them). */
    public Batch withTensors(Tensor newInputs, Tensor newTargets) {
        return new Batch(index, epoch, indices, newInputs, newTargets);
    }

    @Override
    public void close() {
        inputs.close();
        targets.close();
    }

    @Override
    public String toString() {
        return "Batch(index=" + index + ", epoch=" + epoch + ", size=" + indices.length + ")";
    }
}
