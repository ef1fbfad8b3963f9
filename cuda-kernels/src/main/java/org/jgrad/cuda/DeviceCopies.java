package org.jgrad.cuda;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.View;

import java.util.Arrays;

/**
 * Device-side copies and fills (copy.ptx's strided copy and fill, or the driver's copy and
 * memset when both sides are dense), shared by the backend's {@code copy}/{@code fill} and the
 * helpers that write through dense temporaries.
 */
final class DeviceCopies {
    private final DeviceMemory memory;
    private final DeviceRuntime rt;
    private final Kernels kernels;

    DeviceCopies(DeviceMemory memory, DeviceRuntime rt, Kernels kernels) {
        this.memory = memory;
        this.rt = rt;
        this.kernels = kernels;
    }

    /** dst = src, casting between dtypes and resolving any strides (broadcast src included). */
    void copy(View src, View dst) {
        memory.require("src", src);
        memory.require("dst", dst);
        memory.awaitStaged(src, dst);
        if (!Arrays.equals(src.shape(), dst.shape())) {
            throw new IllegalArgumentException("copy: shapes " + Arrays.toString(src.shape()) + " and " + Arrays.toString(dst.shape()) + " differ");
        }
        if (src.numel() == 0) return;
        if (src.dtype() == dst.dtype() && src.isContiguous() && dst.isContiguous()) {
            rt.copyDtoD(memory.address(dst), memory.address(src), (long) src.numel() * src.dtype().byteSize());
            return;
        }
        StridedMeta meta = StridedMeta.of(dst.shape(), dst.strides(), src.strides());
        kernels.copy(meta, memory.address(dst), dst.dtype().ordinal(), memory.address(src), src.dtype().ordinal());
    }

    /** Every element of dst = value, in dst's dtype. */
    void fill(View dst, double value) {
        memory.require("dst", dst);
        memory.awaitStaged(dst);
        if (dst.numel() == 0) return;
        DType dt = dst.dtype();
        long bits = switch (dt) {
            case FLOAT32 -> Float.floatToRawIntBits((float) value) & 0xFFFFFFFFL;
            case FLOAT64 -> Double.doubleToRawLongBits(value);
            case INT32 -> ((int) value) & 0xFFFFFFFFL;
            case INT64 -> (long) value;
            case UINT8 -> ((int) value) & 0xFFL;
        };
        if (dst.isContiguous() && dt.byteSize() == 4) {
            rt.memsetD32(memory.address(dst), (int) bits, dst.numel());
        } else if (dst.isContiguous() && dt.byteSize() == 1) {
            rt.memsetD8(memory.address(dst), (byte) bits, dst.numel());
        } else {
            kernels.fill(StridedMeta.of(dst.shape(), dst.strides()), memory.address(dst), dt.byteSize(), bits);
        }
    }

    /** The view itself when contiguous, else a dense temporary copy (give it back with {@link #release}). */
    View dense(View t) {
        if (t.isContiguous()) return t;
        View d = memory.temporary(t.dtype(), t.shape());
        copy(t, d);
        return d;
    }

    /** Where a kernel writes {@code out}: itself when contiguous, else a dense temporary that {@link #finish} copies back. */
    View target(View out) {
        return out.isContiguous() ? out : memory.temporary(out.dtype(), out.shape());
    }

    /** Copies a {@link #target} temporary into {@code out} and gives it back; nothing when the target was out itself. */
    void finish(View target, View out) {
        if (target == out) return;
        try {
            copy(target, out);
        } finally {
            memory.release(target);
        }
    }

    /** Gives back a {@link #dense} or {@link #target} temporary, never the caller's own view. */
    void release(View temporary, View original) {
        if (temporary != original) memory.release(temporary);
    }
}
