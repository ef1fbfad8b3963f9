package org.jgrad.cuda;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Stream-ordered device memory from the device's default memory pool
 * ({@code cuMemAllocAsync}/{@code cuMemFreeAsync}). The pool's release threshold is set to
 * "never", so freed blocks stay cached in the pool and the next allocation of a similar size
 * is served without a driver round trip to the OS - never one cudaMalloc per op. Frees are
 * queued on the same stream as the work that used the block, so a block is reused only after
 * that work is done, with no host synchronisation.
 *
 * <p>On out-of-memory the pool is trimmed (after the stream drains) and the allocation tried
 * once more; then {@link CudaOutOfMemoryException} names the bytes asked and free.
 */
public final class DeviceAllocator {
    private final CudaContext ctx;
    private final long pool;
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong allocations = new AtomicLong();

    DeviceAllocator(CudaContext ctx) {
        this.ctx = ctx;
        Driver d = ctx.driver;
        if (d.attribute(ctx.device, Driver.ATTR_MEMORY_POOLS_SUPPORTED) == 0) {
            throw new CudaException("device " + ctx.deviceName + " does not support stream-ordered memory pools (cuMemAllocAsync); "
                    + "a driver of CUDA 11.2 or newer is needed");
        }
        pool = d.defaultMemPool(ctx.device);
        d.memPoolSetAttribute64(pool, Driver.MEMPOOL_ATTR_RELEASE_THRESHOLD, -1L); // UINT64_MAX: keep everything cached
    }

    /** A block of {@code bytes} (0 gives the null pointer), ready for work queued after this call on the backend's stream. */
    public long allocate(long bytes) {
        return allocate(bytes, ctx.stream);
    }

    /**
     * A block ready for work queued on {@code stream} (the DataLoader's copy stream). The pool
     * hands out a block freed on another stream only once that free is ordered before this
     * stream's work, so cross-stream reuse needs no host synchronisation.
     */
    public long allocate(long bytes, long stream) {
        if (bytes < 0) throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
        if (bytes == 0) return 0;
        ctx.makeCurrent();
        int[] status = new int[1];
        long p = ctx.driver.memAllocAsyncRaw(bytes, stream, status);
        if (status[0] == Driver.CUDA_ERROR_OUT_OF_MEMORY) {
            // cached blocks of other sizes may be what is missing: give them back and retry once
            ctx.driver.streamSynchronize(ctx.stream);
            if (stream != ctx.stream) ctx.driver.streamSynchronize(stream);
            ctx.driver.memPoolTrimTo(pool, 0);
            p = ctx.driver.memAllocAsyncRaw(bytes, stream, status);
        }
        if (status[0] != 0) {
            long[] info = ctx.driver.memGetInfo();
            // an absurd size can come back as "invalid value" rather than "out of memory": same message
            if (status[0] == Driver.CUDA_ERROR_OUT_OF_MEMORY || bytes > info[0]) {
                throw new CudaOutOfMemoryException("cuMemAllocAsync", status[0], bytes, info[0], info[1],
                        ctx.driver.errorText(status[0]) + "; jgrad holds " + liveBytes.get() + " bytes in live tensors on " + ctx.deviceName);
            }
            ctx.driver.check(status[0], "cuMemAllocAsync(" + bytes + " bytes)");
        }
        liveBytes.addAndGet(bytes);
        allocations.incrementAndGet();
        return p;
    }

    /** Returns a block; safe from any thread (the Cleaner's, say). */
    public void free(long ptr, long bytes) {
        if (ptr == 0) return;
        ctx.makeCurrent();
        ctx.driver.memFreeAsync(ptr, ctx.stream);
        liveBytes.addAndGet(-bytes);
    }

    /** Bytes in blocks handed out and not yet freed. */
    public long liveBytes() { return liveBytes.get(); }

    /** Number of allocations served so far. */
    public long allocationCount() { return allocations.get(); }

    /** Bytes the pool holds from the driver (in use plus cached): must not grow in a steady loop. */
    public long reservedBytes() {
        ctx.makeCurrent();
        return ctx.driver.memPoolGetAttribute64(pool, Driver.MEMPOOL_ATTR_RESERVED_MEM_CURRENT);
    }

    /** Bytes of the pool in use by live blocks, as the driver counts them. */
    public long usedBytes() {
        ctx.makeCurrent();
        return ctx.driver.memPoolGetAttribute64(pool, Driver.MEMPOOL_ATTR_USED_MEM_CURRENT);
    }

    /** Gives cached, unused memory back to the driver. */
    public void trim() {
        ctx.synchronize();
        ctx.driver.memPoolTrimTo(pool, 0);
    }
}
