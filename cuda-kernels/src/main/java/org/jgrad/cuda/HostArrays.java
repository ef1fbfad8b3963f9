package org.jgrad.cuda;

import org.jgrad.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Java primitive arrays to and from native memory, by dtype. */
final class HostArrays {
    private HostArrays() {}

    /** Length of {@code array}, checked to be the Java array type of {@code dtype}. */
    static int length(Object array, DType dtype) {
        if (dtype == null) throw new IllegalArgumentException("dtype must not be null");
        return switch (dtype) {
            case FLOAT32 -> array instanceof float[] a ? a.length : mismatch(array, dtype);
            case FLOAT64 -> array instanceof double[] a ? a.length : mismatch(array, dtype);
            case INT32 -> array instanceof int[] a ? a.length : mismatch(array, dtype);
            case INT64 -> array instanceof long[] a ? a.length : mismatch(array, dtype);
            case UINT8 -> array instanceof byte[] a ? a.length : mismatch(array, dtype);
        };
    }

    private static int mismatch(Object array, DType dtype) {
        throw new IllegalArgumentException("array must be the Java array of " + dtype + ", got "
                + (array == null ? "null" : array.getClass().getSimpleName()));
    }

    static ValueLayout layout(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> ValueLayout.JAVA_FLOAT;
            case FLOAT64 -> ValueLayout.JAVA_DOUBLE;
            case INT32 -> ValueLayout.JAVA_INT;
            case INT64 -> ValueLayout.JAVA_LONG;
            case UINT8 -> ValueLayout.JAVA_BYTE;
        };
    }

    static void copyIn(Object array, int from, MemorySegment dst, ValueLayout layout, int count) {
        MemorySegment.copy(array, from, dst, layout, 0, count);
    }

    static void copyOut(MemorySegment src, ValueLayout layout, Object array, int to, int count) {
        MemorySegment.copy(src, layout, 0, array, to, count);
    }
}
