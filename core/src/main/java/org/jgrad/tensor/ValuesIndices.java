package org.jgrad.tensor;

/** The pair {@code torch.max(x, dim)} returns: the extreme values and their INT64 indices. */
public record ValuesIndices(Tensor values, Tensor indices) implements AutoCloseable {
    @Override
    public void close() {
        values.close();
        indices.close();
    }
}
