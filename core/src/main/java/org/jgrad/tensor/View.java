package org.jgrad.tensor;

import java.util.Arrays;

/**
 * The plain data a backend sees: a strided window onto a {@link Storage}. It carries no
 * autograd state and no behaviour, so the backend layer never needs {@link Tensor}. Shapes and
 * strides are in elements; the arrays are shared, never modified by anyone, and must not be.
 *
 * @param storage the buffer (its dtype and device are the view's)
 * @param shape   sizes per dimension, row-major
 * @param strides element step per dimension (0 for a broadcast dimension)
 * @param offset  index of element [0, ..., 0] in the storage
 */
public record View(Storage storage, int[] shape, int[] strides, int offset) {

    public View {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("view: shape " + Arrays.toString(shape) + " and strides "
                    + Arrays.toString(strides) + " differ in rank");
        }
    }

    /** A contiguous view over the whole of {@code storage} with {@code shape}. */
    public static View contiguous(Storage storage, int... shape) {
        return new View(storage, shape, Shapes.contiguousStrides(shape), 0);
    }

    public DType dtype() { return storage.dtype(); }

    public Device device() { return storage.device(); }

    public int rank() { return shape.length; }

    public int size(int dim) { return shape[dim]; }

    public int stride(int dim) { return strides[dim]; }

    /** Number of elements (at most 2^31-1, as checked where shapes are made). */
    public int numel() { return (int) Shapes.numel(shape); }

    public boolean isContiguous() { return Shapes.isContiguous(shape, strides); }

    @Override
    public boolean equals(Object o) {
        return o instanceof View v && v.storage == storage && v.offset == offset
                && Arrays.equals(v.shape, shape) && Arrays.equals(v.strides, strides);
    }

    @Override
    public int hashCode() { return System.identityHashCode(storage) * 31 + Arrays.hashCode(shape); }

    @Override
    public String toString() {
        return "View(" + dtype() + " " + Arrays.toString(shape) + " strides " + Arrays.toString(strides)
                + " offset " + offset + " on " + device() + ")";
    }
}
