package org.jgrad.tensor;

/** Element types. FLOAT32 is first-class everywhere; FLOAT64 exists on the CPU for gradient checks. */
public enum DType {
    FLOAT32(4, true), FLOAT64(8, true), INT32(4, false), INT64(8, false), UINT8(1, false);

    private final int byteSize;
    private final boolean floating;

    DType(int byteSize, boolean floating) {
        this.byteSize = byteSize;
        this.floating = floating;
    }

    public int byteSize() { return byteSize; }

    public boolean isFloatingPoint() { return floating; }

    /** A new zeroed Java array of this type's element (float[], double[], int[], long[] or byte[]) and length n. */
    public Object newArray(int n) {
        return switch (this) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
            case UINT8 -> new byte[n];
        };
    }

    /** NumPy/PyTorch-style promotion for binary ops: floating wins, then the wider type. */
    public static DType promote(DType a, DType b) {
        if (a == b) return a;
        if (a.floating != b.floating) return a.floating ? a : b;
        if (a.floating) return FLOAT64;
        return a.byteSize >= b.byteSize ? (a == UINT8 ? b : a) : b;
    }
}
