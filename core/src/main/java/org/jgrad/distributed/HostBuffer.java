package org.jgrad.distributed;

import org.jgrad.autograd.Grad;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Native memory holding a CPU tensor's elements for one MPI call. MPI needs an address that
 * stays put while the call runs (on the communication thread, possibly during a garbage
 * collection), which a Java array is not, so values are copied out before the call and back
 * after it, on the caller's thread; only the public tensor API is used.
 */
final class HostBuffer implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    final MemorySegment segment;
    final DType dtype;
    final int count;

    private HostBuffer(DType dtype, int count) {
        this.dtype = dtype;
        this.count = count;
        this.segment = arena.allocate(Math.max(1L, (long) count * dtype.byteSize()), 8);
    }

    /** A buffer of {@code count} elements, zero-filled. */
    static HostBuffer allocate(DType dtype, int count) { return new HostBuffer(dtype, count); }

    /** A buffer holding a copy of {@code t}'s elements. */
    static HostBuffer of(Tensor t) {
        HostBuffer b = new HostBuffer(t.dtype(), t.numel());
        switch (t.dtype()) {
            case FLOAT32 -> MemorySegment.copy(t.toFloatArray(), 0, b.segment, ValueLayout.JAVA_FLOAT, 0, b.count);
            case FLOAT64 -> MemorySegment.copy(t.toDoubleArray(), 0, b.segment, ValueLayout.JAVA_DOUBLE, 0, b.count);
            case INT64 -> MemorySegment.copy(t.toLongArray(), 0, b.segment, ValueLayout.JAVA_LONG, 0, b.count);
            default -> throw new IllegalArgumentException("no MPI datatype for " + t.dtype());
        }
        return b;
    }

    /** Divides every element by {@code n} (the AVG of a SUM); INT64 truncates toward zero. */
    void divideBy(int n) {
        switch (dtype) {
            case FLOAT32 -> { for (int i = 0; i < count; i++) segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, segment.getAtIndex(ValueLayout.JAVA_FLOAT, i) / n); }
            case FLOAT64 -> { for (int i = 0; i < count; i++) segment.setAtIndex(ValueLayout.JAVA_DOUBLE, i, segment.getAtIndex(ValueLayout.JAVA_DOUBLE, i) / n); }
            case INT64 -> { for (int i = 0; i < count; i++) segment.setAtIndex(ValueLayout.JAVA_LONG, i, segment.getAtIndex(ValueLayout.JAVA_LONG, i) / n); }
            default -> throw new IllegalStateException();
        }
    }

    /** Writes the buffer's elements into {@code t} (same number of elements), as an in-place update. */
    void copyInto(Tensor t) {
        int[] shape = t.shape();
        Tensor src = switch (dtype) {
            case FLOAT32 -> Tensor.fromArray(segment.asSlice(0, (long) count * 4).toArray(ValueLayout.JAVA_FLOAT), shape);
            case FLOAT64 -> Tensor.fromArray(segment.asSlice(0, (long) count * 8).toArray(ValueLayout.JAVA_DOUBLE), shape);
            case INT64 -> Tensor.fromArray(segment.asSlice(0, (long) count * 8).toArray(ValueLayout.JAVA_LONG), shape);
            default -> throw new IllegalStateException();
        };
        try (Grad.Off off = Grad.off(); src) {
            t.copy_(src);
        }
    }

    @Override
    public void close() { arena.close(); }
}
