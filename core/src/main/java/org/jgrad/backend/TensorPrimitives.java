package org.jgrad.backend;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Storage;
import org.jgrad.tensor.Tensor;

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
    void toHost(Tensor src, Object dst);

    /** dst[i] = (dst.dtype) src[i]; both have the same shape; any strides; dst may be a view. */
    void copy(Tensor src, Tensor dst);

    /** Every element of {@code dst} (any strides) set to {@code value}. */
    void fill(Tensor dst, double value);

    /** out = op(x; a, b), out has x's shape. */
    void unary(UnaryOp op, Tensor x, Tensor out, double a, double b);

    /** out = x op y; x and y are (possibly stride-0 broadcast) views with out's shape. */
    void binary(BinaryOp op, Tensor x, Tensor y, Tensor out);

    /** out = cond != 0 ? x : y; all three are broadcast views with out's shape. */
    void where(Tensor cond, Tensor x, Tensor y, Tensor out);

    /** Reduces {@code x} over {@code dims} (sorted, distinct) into {@code out}, which has the keepdim shape. */
    void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out);

    /**
     * Max (or min) along {@code dim} with the index of the first extreme element; values and
     * indices (INT64) have the keepdim shape. NaN counts as the extreme, as in PyTorch.
     */
    void argReduce(boolean max, Tensor x, int dim, Tensor values, Tensor indices);

    /** out[b] = a[b] @ b[b] for a [B,M,K], b [B,K,N] (any strides, stride-0 batch allowed), out [B,M,N]. */
    void matmul(Tensor a, Tensor b, Tensor out);

    /** (log-)softmax of x along {@code dim}, numerically stable. */
    void softmax(Tensor x, int dim, boolean log, Tensor out);

    /** Fills {@code out} with draws from {@code dist} seeded by {@code seed}. */
    void random(Tensor out, Distribution dist, double a, double b, long seed);

    /** out[..i..] = src[..index[..i..]..] along {@code dim} (torch.gather); index is INT64 with out's shape. */
    void gather(Tensor src, int dim, Tensor index, Tensor out);

    /** dst[..index[..i..]..] += src[..i..] along {@code dim} (torch.scatter_add_); index INT64 with src's shape. */
    void scatterAdd(Tensor dst, int dim, Tensor index, Tensor src);
}
