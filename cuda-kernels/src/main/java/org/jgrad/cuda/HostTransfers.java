package org.jgrad.cuda;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.View;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Synchronous transfers between host arrays and one GPU through the runtime's staging block
 * (pinned, reused, chunked so a huge tensor never needs a huge pinned block), and the count of
 * device-to-host traffic (tests and benchmarks check that a training step makes none).
 */
final class HostTransfers {
    /** Host staging block size. */
    static final long STAGING_BYTES = 32L << 20;

    private final DeviceMemory memory;
    private final DeviceCopies copies;
    private final DeviceErrors errors;
    private final DeviceRuntime rt;
    private final AtomicLong d2hBytes = new AtomicLong();
    private final AtomicLong d2hCopies = new AtomicLong();

    HostTransfers(DeviceMemory memory, DeviceCopies copies, DeviceErrors errors, DeviceRuntime rt) {
        this.memory = memory;
        this.copies = copies;
        this.errors = errors;
        this.rt = rt;
    }

    long deviceToHostBytes() { return d2hBytes.get(); }

    long deviceToHostCopies() { return d2hCopies.get(); }

    /** New device storage holding the host array's elements. */
    CudaStorage fromHost(Object array, DType dtype) {
        int n = HostArrays.length(array, dtype);
        CudaStorage s = memory.allocate(dtype, n);
        // (no Tensor over s here: closing it would drop the only reference and free the block)
        if (n > 0) upload(s.pointer(), dtype, n, array);
        return s;
    }

    /** Copies src into the host array dst, waiting for the stream; then reports any kernel's recorded error. */
    void toHost(View src, Object dst) {
        memory.require("src", src);
        memory.awaitStaged(src);
        int n = src.numel();
        int len = HostArrays.length(dst, src.dtype());
        if (len != n) throw new IllegalArgumentException("dst has " + len + " elements, src " + Arrays.toString(src.shape()) + " has " + n);
        if (n == 0) return;
        View dense = copies.dense(src);
        try {
            DType dt = src.dtype();
            long base = memory.address(dense);
            synchronized (this) {
                MemorySegment stage = rt.staging(STAGING_BYTES);
                ValueLayout layout = HostArrays.layout(dt);
                long chunkElems = STAGING_BYTES / dt.byteSize();
                for (long e = 0; e < n; e += chunkElems) {
                    int c = (int) Math.min(chunkElems, n - e);
                    rt.copyDtoH(stage, base + e * dt.byteSize(), (long) c * dt.byteSize());
                    rt.synchronize();
                    HostArrays.copyOut(stage, layout, dst, (int) e, c);
                }
            }
            d2hBytes.addAndGet((long) n * dt.byteSize());
            d2hCopies.incrementAndGet();
            errors.check(); // the stream has synchronised: a kernel's report is complete
        } finally {
            copies.release(dense, src);
        }
    }

    /** {@code n} elements of a host array to device address {@code base}, through the staging buffer. */
    private void upload(long base, DType dtype, int n, Object array) {
        synchronized (this) {
            MemorySegment stage = rt.staging(STAGING_BYTES);
            ValueLayout layout = HostArrays.layout(dtype);
            long chunkElems = STAGING_BYTES / dtype.byteSize();
            for (long e = 0; e < n; e += chunkElems) {
                int len = (int) Math.min(chunkElems, n - e);
                HostArrays.copyIn(array, (int) e, stage, layout, len);
                rt.copyHtoD(base + e * dtype.byteSize(), stage, (long) len * dtype.byteSize());
                rt.synchronize(); // the staging block is reused by the next chunk
            }
        }
    }
}
