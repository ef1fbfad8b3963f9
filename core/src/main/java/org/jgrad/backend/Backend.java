package org.jgrad.backend;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Storage;
import org.jgrad.tensor.View;

import java.util.Optional;

/**
 * The contract of a device: the REQUIRED primitives, every one abstract, which are enough for
 * the front end to train the CNN and the U-Net with SGD/Adam and run both metric families
 * (see CONTRACT.md next to this file). Everything faster is an optional fused family
 * ({@link FusedNn}, {@link FusedLoss}, {@link FusedOptim}, {@link MetricCounting},
 * {@link AsyncUpload}) that a backend offers by implementing its interface and that callers
 * find through {@link #capability(Class)}; without it the front end composes the same result.
 *
 * <p>Arguments are already checked by the caller: same device, shapes agree, outputs
 * contiguous and freshly allocated unless stated. Layer primitives use PyTorch's NCHW layouts;
 * arrays of two ints are {height, width}.
 */
public interface Backend {

    // ------------------------------------------------------------------ metadata and diagnostics

    /** Short name for messages: "cpu", "cuda:0 (NVIDIA H100 ...)". */
    String name();

    /** The device whose buffers this backend makes; every storage it returns reports it. */
    Device device();

    /** Bytes copied from this device to the host so far (0 on the CPU). Tests prove metrics copy only scalars. */
    default long deviceToHostBytes() { return 0; }

    /** Number of device-to-host copies so far (0 on the CPU). */
    default long deviceToHostCopies() { return 0; }

    /**
     * An optional fused family this backend offers ({@link FusedNn}, {@link MetricCounting}, ...),
     * or empty when the caller must compose the result from the required primitives. A backend
     * offers a family by implementing its interface.
     */
    default <T> Optional<T> capability(Class<T> family) {
        return family.isInstance(this) ? Optional.of(family.cast(this)) : Optional.empty();
    }

    /** A zero-filled buffer: shorthand for {@code allocate(dtype, numel, true)}. */
    default Storage allocate(DType dtype, long numel) { return allocate(dtype, numel, true); }

    // ------------------------------------------------------------------ required: memory

    /**
     * A buffer of {@code numel} elements, zero-filled when {@code zeroed}; otherwise its contents
     * are unspecified (for outputs a primitive is about to overwrite, as {@code torch.empty}),
     * which lets a GPU skip the zero-filling pass.
     */
    Storage allocate(DType dtype, long numel, boolean zeroed);

    /** A buffer holding a copy of a host array: float[], double[], int[], long[] or byte[] matching {@code dtype}. */
    Storage fromHost(Object array, DType dtype);

    /** Copies {@code src} (any strides) into the dense row-major host array {@code dst} of src's dtype. */
    void toHost(View src, Object dst);

    /** dst[i] = (dst.dtype) src[i]; both have the same shape; any strides; dst may be a view. */
    void copy(View src, View dst);

    /** Every element of {@code dst} (any strides) set to {@code value}. */
    void fill(View dst, double value);

    // ------------------------------------------------------------------ required: tensor maths

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

    /** Fills {@code out} with draws from {@code dist} seeded by {@code seed}. */
    void random(View out, Distribution dist, double a, double b, long seed);

    /** out[..i..] = src[..index[..i..]..] along {@code dim} (torch.gather); index is INT64 with out's shape. */
    void gather(View src, int dim, View index, View out);

    /** dst[..index[..i..]..] += src[..i..] along {@code dim} (torch.scatter_add_); index INT64 with src's shape. */
    void scatterAdd(View dst, int dim, View index, View src);

    // ------------------------------------------------------------------ required: layers

    /**
     * out[N,Cout,OH,OW] = cross-correlation of x[N,Cin,H,W] with w[Cout,Cin/groups,kH,kW]
     * (cuDNN's forward call; the bias is not part of it). Inputs of one floating dtype, any
     * strides; out contiguous and overwritten.
     */
    void conv2dForward(View x, View w, View out, int[] stride, int[] padding, int[] dilation, int groups);

    /** gradX[N,Cin,H,W] = d(conv2d(x, w))/dx applied to gradOut[N,Cout,OH,OW] (also conv_transpose2d's forward). */
    void conv2dBackwardData(View gradOut, View w, View gradX, int[] stride, int[] padding, int[] dilation, int groups);

    /** gradW[Cout,Cin/groups,kH,kW] = d(conv2d(x, w))/dw applied to gradOut[N,Cout,OH,OW]. */
    void conv2dBackwardFilter(View x, View gradOut, View gradW, int[] stride, int[] padding, int[] dilation, int groups);

    /**
     * Max over each window of x[N,C,H,W] (padding counts as -inf) into out[N,C,OH,OW], with the
     * flat index (h * W + w) of the first maximum of each window in indices (INT64, out's shape).
     */
    void maxPool2dForward(View x, View out, View indices, int[] kernel, int[] stride, int[] padding, int[] dilation);

    /** gradX[N,C,H,W] (overwritten) = gradOut scattered to the positions in indices, summing repeats. */
    void maxPool2dBackward(View gradOut, View indices, View gradX);

    /**
     * Mean over each window of x into out. The divisor is PyTorch's: the window clipped to the
     * padded input when {@code countIncludePad}, else clipped to the input itself.
     */
    void avgPool2dForward(View x, View out, int[] kernel, int[] stride, int[] padding, boolean countIncludePad);

    /** gradX (overwritten) for {@link #avgPool2dForward} with the same arguments. */
    void avgPool2dBackward(View gradOut, View gradX, int[] kernel, int[] stride, int[] padding, boolean countIncludePad);

    /**
     * Nearest-neighbour resize of x[N,C,H,W] into out[N,C,OH,OW]: source row
     * min(floor(oh * scaleH), H - 1) computed in float32 as PyTorch does, likewise for columns.
     */
    void upsampleNearest2dForward(View x, View out, float scaleH, float scaleW);

    /** gradX (overwritten) = gradOut summed back onto the source pixels of {@link #upsampleNearest2dForward}. */
    void upsampleNearest2dBackward(View gradOut, View gradX, float scaleH, float scaleW);

    // ------------------------------------------------------------------ required: ordering

    /** Waits until all queued work on this device is done (nothing to wait for on the CPU). */
    void synchronize();

    /** An error naming a case (a dtype, a layout) a backend does not handle, and the backend. */
    static UnsupportedOperationException unsupported(String primitive, Object backend) {
        return new UnsupportedOperationException(primitive + " is not implemented on " + backend);
    }
}
