package org.jgrad.backend;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Storage;

/** Host storage: one Java primitive array (float[], double[], int[], long[] or byte[]). */
public final class CpuStorage extends Storage {
    private Object array;

    CpuStorage(DType dtype, Object array, int length) {
        this(dtype, array, length, Device.cpu());
    }

    /**
     * Host memory that reports another device: for a test backend that runs the CPU kernels on
     * its own device type (the CPU kernels read only the array, never the device).
     */
    CpuStorage(DType dtype, Object array, int length, Device device) {
        super(dtype, length, device);
        this.array = array;
    }

    /**
     * The most elements one CPU storage holds: the longest Java array every JVM allocates (HotSpot
     * refuses a few lengths below 2^31-1 whatever the heap, with "Requested array size exceeds VM
     * limit"; the JDK's own collections stop here too).
     */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    static CpuStorage allocate(DType dtype, long numel) {
        return allocate(dtype, numel, Device.cpu());
    }

    /** A zeroed array of {@code numel} elements reporting {@code device}; a clear error past the JVM's limits. */
    static CpuStorage allocate(DType dtype, long numel, Device device) {
        long bytes = numel * dtype.byteSize(); // numel is at most 2^31-1 (checked with the shape): cannot overflow
        if (numel > MAX_ELEMENTS) {
            throw new IllegalArgumentException("cpu: cannot allocate a " + dtype + " storage of " + numel + " elements (" + bytes
                    + " bytes): a CPU tensor holds at most " + MAX_ELEMENTS + " elements (the JVM's array length limit)");
        }
        int n = (int) numel;
        try {
            Object a = switch (dtype) {
                case FLOAT32 -> new float[n];
                case FLOAT64 -> new double[n];
                case INT32 -> new int[n];
                case INT64 -> new long[n];
                case UINT8 -> new byte[n];
            };
            return new CpuStorage(dtype, a, n, device);
        } catch (OutOfMemoryError e) {
            throw new IllegalStateException("cpu: not enough memory to allocate a " + dtype + " storage of " + numel + " elements ("
                    + bytes + " bytes); the JVM heap is limited to " + Runtime.getRuntime().maxMemory() + " bytes (raise it with -Xmx)", e);
        }
    }

    /** The backing array; its type follows {@link #dtype()}. */
    public Object array() {
        Object a = array;
        if (a == null) throw new IllegalStateException("storage was freed (tensor used after close)");
        return a;
    }

    public float[] f32() { return (float[]) array(); }

    public double[] f64() { return (double[]) array(); }

    public int[] i32() { return (int[]) array(); }

    public long[] i64() { return (long[]) array(); }

    public byte[] u8() { return (byte[]) array(); }

    /** Element i as a double (UINT8 read unsigned). */
    public double get(int i) {
        return switch (dtype()) {
            case FLOAT32 -> ((float[]) array)[i];
            case FLOAT64 -> ((double[]) array)[i];
            case INT32 -> ((int[]) array)[i];
            case INT64 -> ((long[]) array)[i];
            case UINT8 -> ((byte[]) array)[i] & 0xFF;
        };
    }

    /** Stores v, converted as a C cast would (truncation toward zero for integers). */
    public void set(int i, double v) {
        switch (dtype()) {
            case FLOAT32 -> ((float[]) array)[i] = (float) v;
            case FLOAT64 -> ((double[]) array)[i] = v;
            case INT32 -> ((int[]) array)[i] = (int) v;
            case INT64 -> ((long[]) array)[i] = (long) v;
            case UINT8 -> ((byte[]) array)[i] = (byte) (long) v;
        }
    }

    @Override
    protected void free() {
        array = null;
    }
}
