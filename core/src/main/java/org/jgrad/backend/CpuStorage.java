package org.jgrad.backend;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Storage;

import java.util.Arrays;

/**
 * Host storage: one Java primitive array (float[], double[], int[], long[] or byte[]).
 *
 * <p><b>Ownership of the array.</b> Storages made by {@link #allocate} take their arrays from the
 * {@link CpuBufferPool} and give them back when their last reference is released explicitly
 * (a tensor's {@code close()}, a {@code Scope} closing, a backend's {@link Scratch} closing); the
 * next allocation of that dtype and length may then receive the very same array. Hence the rule
 * for code that reads {@link #array()} (or {@link #f32()} and the like): <i>the raw array is
 * borrowed for as long as the caller holds a reference to the storage</i> (a live tensor or view
 * it keeps open) and never beyond: do not return it to a user, wrap it in another storage, keep it
 * in a field or cache, or hand it to a task that outlives the call; copy instead. Arrays are
 * <b>not</b> recycled when any reference was given back by the {@code Cleaner} (a tensor dropped
 * unclosed), since a primitive may still be working on the raw array of a tensor that became
 * unreachable; nor are arrays a storage was built around by the package constructors (a caller's
 * array wrapped by {@code toHost}, a copy made by {@code fromHost}): those go to the collector.
 */
public final class CpuStorage extends Storage {
    private Object array;
    /** Whether the array came from {@link #allocate} and may go back to the pool on an explicit release. */
    private final boolean pooled;

    /** Storage around an array the caller made; never recycled (the caller may still hold the array). */
    CpuStorage(DType dtype, Object array, int length) {
        this(dtype, array, length, Device.cpu());
    }

    /**
     * Host memory that reports another device: for a test backend that runs the CPU kernels on
     * its own device type (the CPU kernels read only the array, never the device).
     */
    CpuStorage(DType dtype, Object array, int length, Device device) {
        this(dtype, array, length, device, false);
    }

    private CpuStorage(DType dtype, Object array, int length, Device device, boolean pooled) {
        super(dtype, length, device);
        this.array = array;
        this.pooled = pooled;
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

    /**
     * A zeroed array of {@code numel} elements reporting {@code device}, reused from the
     * {@link CpuBufferPool} when it keeps one of that dtype and length (then zero-filled here);
     * a clear error past the JVM's limits.
     */
    static CpuStorage allocate(DType dtype, long numel, Device device) {
        long bytes = numel * dtype.byteSize(); // numel is at most 2^31-1 (checked with the shape): cannot overflow
        if (numel > MAX_ELEMENTS) {
            throw new IllegalArgumentException("cpu: cannot allocate a " + dtype + " storage of " + numel + " elements (" + bytes
                    + " bytes): a CPU tensor holds at most " + MAX_ELEMENTS + " elements (the JVM's array length limit)");
        }
        int n = (int) numel;
        CpuBufferPool pool = CpuBufferPool.shared();
        Object reused = pool.take(dtype, n);
        if (reused != null) {
            zero(dtype, reused);
            return new CpuStorage(dtype, reused, n, device, true);
        }
        try {
            return new CpuStorage(dtype, dtype.newArray(n), n, device, true);
        } catch (OutOfMemoryError first) {
            pool.trim(); // the kept arrays may be what fills the heap
        }
        try {
            return new CpuStorage(dtype, dtype.newArray(n), n, device, true);
        } catch (OutOfMemoryError e) {
            throw new IllegalStateException("cpu: not enough memory to allocate a " + dtype + " storage of " + numel + " elements ("
                    + bytes + " bytes); the JVM heap is limited to " + Runtime.getRuntime().maxMemory() + " bytes (raise it with -Xmx)", e);
        }
    }

    /** Zero-fills a reused array, keeping the allocate contract. */
    private static void zero(DType dtype, Object a) {
        switch (dtype) {
            case FLOAT32 -> Arrays.fill((float[]) a, 0f);
            case FLOAT64 -> Arrays.fill((double[]) a, 0d);
            case INT32 -> Arrays.fill((int[]) a, 0);
            case INT64 -> Arrays.fill((long[]) a, 0L);
            case UINT8 -> Arrays.fill((byte[]) a, (byte) 0);
        }
    }

    /**
     * The backing array; its type follows {@link #dtype()}. Borrowed: valid while the caller holds
     * a reference to this storage, never kept beyond it (see the class comment).
     */
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
        Object a = array;
        array = null;
        if (pooled && a != null && !releasedByCleaner()) CpuBufferPool.shared().give(dtype(), (int) numel(), a);
    }
}
