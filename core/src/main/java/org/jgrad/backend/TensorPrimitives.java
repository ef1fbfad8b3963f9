package org.jgrad.backend;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Storage;
import org.jgrad.tensor.View;

/**
 * The small primitive set every backend implements (tinygrad's lesson: everything else is
 * composed in core). Arguments are already checked by the caller: same device, shapes agree,
 * outputs contiguous and freshly allocated unless stated.
 */
public interface TensorPrimitives {
    Device device();

    /** A zero-filled buffer of {@code numel} elements. */
    Storage allocate(DType dtype, long numel);

    /**
     * A buffer whose contents are unspecified, for outputs a primitive is about to overwrite
     * ({@code Tensor.empty}, as {@code torch.empty}): a GPU skips the zero-filling pass. The
     * default zero-fills; the CPU's Java arrays are zeroed anyway.
     */
    default Storage allocateUninitialized(DType dtype, long numel) { return allocate(dtype, numel); }

    /** A buffer holding a copy of a host array: float[], double[], int[], long[] or byte[] matching {@code dtype}. */
    Storage fromHost(Object array, DType dtype);

    /** Copies {@code src} (any strides) into the dense row-major host array {@code dst} of src's dtype. */
    void toHost(View src, Object dst);

    /** dst[i] = (dst.dtype) src[i]; both have the same shape; any strides; dst may be a view. */
    void copy(View src, View dst);

    /** Every element of {@code dst} (any strides) set to {@code value}. */
    void fill(View dst, double value);

    /** out = op(x; a, b), out has x's shape. */
    void unary(UnaryOp op, View x, View out, double a, double b);

    /** out = x op y; x and y are (possibly stride-0 broadcast) views with out's shape. */
    void binary(BinaryOp op, View x, View y, View out);

    /** out = cond != 0 ? x : y; all three are broadcast views with out's shape. */
    void where(View cond, View x, View y, View out);

    /** Reduces {@code x} over {@code dims} (sorted, distinct) into {@code out}, which has the keepdim shape. */
    void reduce(ReduceOp op, View x, int[] dims, View out);

    /**
     * Max (or min) along {@code dim} with the index of the first extreme element; values and
     * indices (INT64) have the keepdim shape. NaN counts as the extreme, as in PyTorch.
     */
    void argReduce(boolean max, View x, int dim, View values, View indices);

    /** out[b] = a[b] @ b[b] for a [B,M,K], b [B,K,N] (any strides, stride-0 batch allowed), out [B,M,N]. */
    void matmul(View a, View b, View out);

    /** (log-)softmax of x along {@code dim}, numerically stable. */
    void softmax(View x, int dim, boolean log, View out);

    /** Fills {@code out} with draws from {@code dist} seeded by {@code seed}. */
    void random(View out, Distribution dist, double a, double b, long seed);

    /** out[..i..] = src[..index[..i..]..] along {@code dim} (torch.gather); index is INT64 with out's shape. */
    void gather(View src, int dim, View index, View out);

    /** dst[..index[..i..]..] += src[..i..] along {@code dim} (torch.scatter_add_); index INT64 with src's shape. */
    void scatterAdd(View dst, int dim, View index, View src);
}
