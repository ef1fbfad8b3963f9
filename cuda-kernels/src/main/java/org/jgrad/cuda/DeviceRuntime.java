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

    // ---- a second stream for host-to-device staging (the DataLoader's pinned path), ordered by events

    /** The stream every kernel, copy and library call above is queued on. */
    long computeStream();

    /** A new stream for asynchronous copies beside the compute stream. */
    long newStream();

    /** A new page-locked host block (the caller keeps it for the runtime's lifetime). */
    MemorySegment pinned(long bytes);

    /** Gives back a block from {@link #pinned} that no copy reads any more. */
    void freePinned(MemorySegment block);

    /** As {@link #allocate}, but ready for work queued on {@code stream} (the pool orders reuse across streams). */
    long allocateOn(long stream, long bytes);

    /** Asynchronous copy from pinned host memory, queued on {@code stream}. */
    void copyHtoDOn(long stream, long dst, MemorySegment src, long bytes);

    /** A new event used for ordering only; a host waiting on it sleeps rather than spins. */
    long newEvent();

    /** Marks the point in {@code stream} that {@code event} completes at. */
    void recordEvent(long event, long stream);

    /** Work queued on {@code stream} afterwards waits, on the device, for {@code event}. */
    void streamWaitEvent(long stream, long event);

    /** The host waits until {@code event} has completed. */
    void eventSynchronize(long event);

    /** The cuBLAS call C = A·B in column-major terms ({@link GemmMapping.Call}); a and b are cuBLAS's operand order. */
    void gemm(GemmMapping.Call call, long a, long b, long c, boolean tf32);

    /**
     * One convolution pass on dense float32 operands (cuDNN on a GPU): FORWARD (x, w) to y,
     * BACKWARD_DATA (w, dy) to dx, BACKWARD_FILTER (x, dy) to dw; the output is overwritten.
     */
    void conv(ConvGeometry g, Cudnn.Pass pass, long in0, long in1, long out, boolean tf32);

    /** Cached convolution plans (tests check reuse). */
    int convPlanCount();

    /** The driver-backed runtime of a real context. */
    static DeviceRuntime of(CudaContext ctx) {
        KernelLauncher launcher = KernelLauncher.of(ctx);
        ConvPlans convPlans = new ConvPlans(ctx);
        return new DeviceRuntime() {
            @Override public void conv(ConvGeometry g, Cudnn.Pass pass, long in0, long in1, long out, boolean tf32) {
                convPlans.run(g, pass, in0, in1, out, tf32);
            }

            @Override public int convPlanCount() { return convPlans.size(); }

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

            @Override public long computeStream() { return ctx.stream; }

            @Override public long newStream() {
                ctx.makeCurrent();
                return ctx.driver.streamCreate(true);
            }

            @Override public MemorySegment pinned(long bytes) {
                ctx.makeCurrent();
                return ctx.driver.memHostAlloc(bytes);
            }

            @Override public void freePinned(MemorySegment block) {
                ctx.makeCurrent();
                ctx.driver.memFreeHost(block);
            }

            @Override public long allocateOn(long stream, long bytes) { return ctx.allocator.allocate(bytes, stream); }

            @Override public void copyHtoDOn(long stream, long dst, MemorySegment src, long bytes) {
                ctx.makeCurrent();
                ctx.driver.memcpyHtoDAsync(dst, src, bytes, stream);
            }

            @Override public long newEvent() {
                ctx.makeCurrent();
                return ctx.driver.eventCreateForSync();
            }

            @Override public void recordEvent(long event, long stream) {
                ctx.makeCurrent();
                ctx.driver.eventRecord(event, stream);
            }

            @Override public void streamWaitEvent(long stream, long event) {
                ctx.makeCurrent();
                ctx.driver.streamWaitEvent(stream, event);
            }

            @Override public void eventSynchronize(long event) {
                ctx.makeCurrent();
                ctx.driver.eventSynchronize(event);
            }

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
