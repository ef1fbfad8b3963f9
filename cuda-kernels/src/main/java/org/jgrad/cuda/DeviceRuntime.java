package org.jgrad.cuda;

import java.lang.foreign.MemorySegment;

/**
 * What {@link CudaBackend} needs from a device below the tensor level: stream-ordered memory,
 * copies, kernel launches and the GEMM. On a GPU it is {@link #of(CudaContext)}; the CPU tests
 * put a PTX simulator behind it, so the backend's own logic (views, casts, broadcasting,
 * reductions, the GEMM argument mapping, transfer counting) is tested without a GPU.
 * Addresses are device addresses; all operations are ordered on one stream.
 */
interface DeviceRuntime {
    String deviceName();

    /** e.g. "sm_90". */
    String architecture();

    long allocate(long bytes);

    void free(long ptr, long bytes);

    void memsetD8(long dst, byte value, long count);

    void memsetD32(long dst, int value, long count);

    void copyHtoD(long dst, MemorySegment src, long bytes);

    void copyDtoH(MemorySegment dst, long src, long bytes);

    void copyDtoD(long dst, long src, long bytes);

    /** Waits for everything queued. */
    void synchronize();

    /** A host buffer for staging transfers (pinned on a GPU), allocated once. */
    MemorySegment staging(long bytes);

    KernelLauncher launcher();

    /** Host memory that kernels address directly: {@code host} as the CPU sees it, {@code device} for kernel arguments. */
    record Mapped(MemorySegment host, long device) {}

    /** A block of mapped host memory (zeroed), allocated for the runtime's lifetime. */
    Mapped mapped(long bytes);

    /** The cuBLAS call C = A·B in column-major terms ({@link GemmMapping.Call}); a and b are cuBLAS's operand order. */
    void gemm(GemmMapping.Call call, long a, long b, long c, boolean tf32);

    /** The driver-backed runtime of a real context. */
    static DeviceRuntime of(CudaContext ctx) {
        KernelLauncher launcher = KernelLauncher.of(ctx);
        return new DeviceRuntime() {
            @Override public String deviceName() { return ctx.deviceName; }

            @Override public String architecture() { return "sm_" + ctx.ccMajor + ctx.ccMinor; }

            @Override public long allocate(long bytes) { return ctx.allocator.allocate(bytes); }

            @Override public void free(long ptr, long bytes) { ctx.allocator.free(ptr, bytes); }

            @Override public void memsetD8(long dst, byte value, long count) {
                ctx.makeCurrent();
                ctx.driver.memsetD8Async(dst, value, count, ctx.stream);
            }

            @Override public void memsetD32(long dst, int value, long count) {
                ctx.makeCurrent();
                ctx.driver.memsetD32Async(dst, value, count, ctx.stream);
            }

            @Override public void copyHtoD(long dst, MemorySegment src, long bytes) {
                ctx.makeCurrent();
                ctx.driver.memcpyHtoDAsync(dst, src, bytes, ctx.stream);
            }

            @Override public void copyDtoH(MemorySegment dst, long src, long bytes) {
                ctx.makeCurrent();
                ctx.driver.memcpyDtoHAsync(dst, src, bytes, ctx.stream);
            }

            @Override public void copyDtoD(long dst, long src, long bytes) {
                ctx.makeCurrent();
                ctx.driver.memcpyDtoDAsync(dst, src, bytes, ctx.stream);
            }

            @Override public void synchronize() { ctx.synchronize(); }

            private MemorySegment staging;

            @Override public synchronized MemorySegment staging(long bytes) {
                if (staging == null) {
                    ctx.makeCurrent();
                    staging = ctx.driver.memHostAlloc(bytes);
                }
                return staging;
            }

            @Override public KernelLauncher launcher() { return launcher; }

            @Override public Mapped mapped(long bytes) {
                ctx.makeCurrent();
                MemorySegment host = ctx.driver.memHostAllocMapped(bytes);
                host.fill((byte) 0);
                return new Mapped(host, ctx.driver.memHostGetDevicePointer(host));
            }

            @Override public void gemm(GemmMapping.Call call, long a, long b, long c, boolean tf32) {
                ctx.makeCurrent();
                ctx.cublas.gemm(ctx.cublasHandle, call, a, b, c, 1f, 0f, tf32);
            }
        };
    }
}
