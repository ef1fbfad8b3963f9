package org.jgrad.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static org.jgrad.cuda.Native.BYTE;
import static org.jgrad.cuda.Native.FLOAT;
import static org.jgrad.cuda.Native.INT;
import static org.jgrad.cuda.Native.LONG;
import static org.jgrad.cuda.Native.PTR;
import static org.jgrad.cuda.Native.rethrow;

/**
 * The CUDA driver API ({@code libcuda.so.1}) through FFM. Handles (contexts, streams,
 * events, modules, functions, pools) and device pointers are carried as {@code long}
 * addresses. Versioned names ({@code _v2}) are the ones cuda.h maps the plain names to.
 * Every call checks its CUresult and throws {@link CudaException} with the driver's name and
 * text for it.
 */
public final class Driver {
    public static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    public static final int ATTR_MULTIPROCESSOR_COUNT = 16;
    public static final int ATTR_CC_MAJOR = 75;
    public static final int ATTR_CC_MINOR = 76;
    public static final int ATTR_MEMORY_POOLS_SUPPORTED = 115;
    static final int MEMPOOL_ATTR_RELEASE_THRESHOLD = 4;
    static final int MEMPOOL_ATTR_RESERVED_MEM_CURRENT = 5;
    static final int MEMPOOL_ATTR_USED_MEM_CURRENT = 7;
    static final int JIT_INFO_LOG_BUFFER = 3;
    static final int JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4;
    static final int JIT_ERROR_LOG_BUFFER = 5;
    static final int JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
    static final int STREAM_NON_BLOCKING = 1;
    static final int MEMHOSTALLOC_PORTABLE = 1;
    static final int MEMHOSTALLOC_DEVICEMAP = 2;
    static final int EVENT_BLOCKING_SYNC = 1;
    static final int EVENT_DISABLE_TIMING = 2;

    private final MethodHandle cuInit, cuDriverGetVersion, cuDeviceGetCount, cuDeviceGet, cuDeviceGetName,
            cuDeviceGetAttribute, cuDeviceTotalMem, cuDevicePrimaryCtxRetain, cuDevicePrimaryCtxRelease,
            cuCtxSetCurrent, cuCtxSynchronize, cuStreamCreate, cuStreamDestroy, cuStreamSynchronize,
            cuEventCreate, cuEventRecord, cuEventSynchronize, cuEventElapsedTime, cuEventDestroy,
            cuDeviceGetDefaultMemPool, cuMemPoolSetAttribute, cuMemPoolGetAttribute, cuMemPoolTrimTo,
            cuMemAllocAsync, cuMemFreeAsync, cuMemHostAlloc, cuMemFreeHost, cuMemcpyHtoDAsync,
            cuMemcpyDtoHAsync, cuMemcpyDtoDAsync, cuMemsetD8Async, cuMemsetD32Async, cuModuleLoadDataEx,
            cuModuleGetFunction, cuModuleUnload, cuLaunchKernel, cuGetErrorName, cuGetErrorString, cuMemGetInfo,
            cuMemHostGetDevicePointer, cuStreamWaitEvent, cuEventQuery;

    Driver(SymbolLookup lib) {
        String l = "libcuda.so.1";
        cuInit = Native.status(lib, l, "cuInit", INT);
        cuDriverGetVersion = Native.status(lib, l, "cuDriverGetVersion", PTR);
        cuDeviceGetCount = Native.status(lib, l, "cuDeviceGetCount", PTR);
        cuDeviceGet = Native.status(lib, l, "cuDeviceGet", PTR, INT);
        cuDeviceGetName = Native.status(lib, l, "cuDeviceGetName", PTR, INT, INT);
        cuDeviceGetAttribute = Native.status(lib, l, "cuDeviceGetAttribute", PTR, INT, INT);
        cuDeviceTotalMem = Native.status(lib, l, "cuDeviceTotalMem_v2", PTR, INT);
        cuDevicePrimaryCtxRetain = Native.status(lib, l, "cuDevicePrimaryCtxRetain", PTR, INT);
        cuDevicePrimaryCtxRelease = Native.status(lib, l, "cuDevicePrimaryCtxRelease_v2", INT);
        cuCtxSetCurrent = Native.status(lib, l, "cuCtxSetCurrent", PTR);
        cuCtxSynchronize = Native.status(lib, l, "cuCtxSynchronize");
        cuStreamCreate = Native.status(lib, l, "cuStreamCreate", PTR, INT);
        cuStreamDestroy = Native.status(lib, l, "cuStreamDestroy_v2", PTR);
        cuStreamSynchronize = Native.status(lib, l, "cuStreamSynchronize", PTR);
        cuEventCreate = Native.status(lib, l, "cuEventCreate", PTR, INT);
        cuEventRecord = Native.status(lib, l, "cuEventRecord", PTR, PTR);
        cuEventSynchronize = Native.status(lib, l, "cuEventSynchronize", PTR);
        // cuda.h (12.8+) maps cuEventElapsedTime to _v2; older drivers only have the plain name.
        MethodHandle elapsed = Native.optionalStatus(lib, "cuEventElapsedTime_v2", PTR, PTR, PTR);
        cuEventElapsedTime = elapsed != null ? elapsed : Native.status(lib, l, "cuEventElapsedTime", PTR, PTR, PTR);
        cuEventDestroy = Native.status(lib, l, "cuEventDestroy_v2", PTR);
        cuDeviceGetDefaultMemPool = Native.status(lib, l, "cuDeviceGetDefaultMemPool", PTR, INT);
        cuMemPoolSetAttribute = Native.status(lib, l, "cuMemPoolSetAttribute", PTR, INT, PTR);
        cuMemPoolGetAttribute = Native.status(lib, l, "cuMemPoolGetAttribute", PTR, INT, PTR);
        cuMemPoolTrimTo = Native.status(lib, l, "cuMemPoolTrimTo", PTR, LONG);
        cuMemAllocAsync = Native.status(lib, l, "cuMemAllocAsync", PTR, LONG, PTR);
        cuMemFreeAsync = Native.status(lib, l, "cuMemFreeAsync", LONG, PTR);
        cuMemHostAlloc = Native.status(lib, l, "cuMemHostAlloc", PTR, LONG, INT);
        cuMemFreeHost = Native.status(lib, l, "cuMemFreeHost", PTR);
        cuMemcpyHtoDAsync = Native.status(lib, l, "cuMemcpyHtoDAsync_v2", LONG, PTR, LONG, PTR);
        cuMemcpyDtoHAsync = Native.status(lib, l, "cuMemcpyDtoHAsync_v2", PTR, LONG, LONG, PTR);
        cuMemcpyDtoDAsync = Native.status(lib, l, "cuMemcpyDtoDAsync_v2", LONG, LONG, LONG, PTR);
        cuMemsetD8Async = Native.status(lib, l, "cuMemsetD8Async", LONG, BYTE, LONG, PTR);
        cuMemsetD32Async = Native.status(lib, l, "cuMemsetD32Async", LONG, INT, LONG, PTR);
        cuModuleLoadDataEx = Native.status(lib, l, "cuModuleLoadDataEx", PTR, PTR, INT, PTR, PTR);
        cuModuleGetFunction = Native.status(lib, l, "cuModuleGetFunction", PTR, PTR, PTR);
        cuModuleUnload = Native.status(lib, l, "cuModuleUnload", PTR);
        cuLaunchKernel = Native.status(lib, l, "cuLaunchKernel", PTR, INT, INT, INT, INT, INT, INT, INT, PTR, PTR, PTR);
        cuGetErrorName = Native.status(lib, l, "cuGetErrorName", INT, PTR);
        cuGetErrorString = Native.status(lib, l, "cuGetErrorString", INT, PTR);
        cuMemGetInfo = Native.status(lib, l, "cuMemGetInfo_v2", PTR, PTR);
        cuMemHostGetDevicePointer = Native.status(lib, l, "cuMemHostGetDevicePointer_v2", PTR, PTR, INT);
        cuStreamWaitEvent = Native.status(lib, l, "cuStreamWaitEvent", PTR, PTR, INT);
        cuEventQuery = Native.status(lib, l, "cuEventQuery", PTR);
    }

    /** Throws {@link CudaException} for a non-zero CUresult, with the driver's name and text. */
    void check(int status, String fn) {
        if (status != 0) throw new CudaException(fn, status, errorText(status));
    }

    /** "CUDA_ERROR_X: text" for a CUresult, or a plain number when the driver cannot say. */
    String errorText(int status) {
        try (Arena a = Native.call()) {
            MemorySegment p = a.allocate(PTR);
            String name = (int) cuGetErrorName.invokeExact(status, p) == 0 ? Native.cString(p.get(PTR, 0)) : "unknown CUresult";
            String text = (int) cuGetErrorString.invokeExact(status, p) == 0 ? Native.cString(p.get(PTR, 0)) : "";
            return name + (text.isEmpty() ? "" : ": " + text);
        } catch (Throwable t) {
            return "CUresult " + status;
        }
    }

    public void init() {
        try { check((int) cuInit.invokeExact(0), "cuInit"); } catch (Throwable t) { throw rethrow("cuInit", t); }
    }

    public int driverVersion() {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(INT);
            check((int) cuDriverGetVersion.invokeExact(v), "cuDriverGetVersion");
            return v.get(INT, 0);
        } catch (Throwable t) { throw rethrow("cuDriverGetVersion", t); }
    }

    public int deviceCount() {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(INT);
            check((int) cuDeviceGetCount.invokeExact(v), "cuDeviceGetCount");
            return v.get(INT, 0);
        } catch (Throwable t) { throw rethrow("cuDeviceGetCount", t); }
    }

    public int device(int ordinal) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(INT);
            check((int) cuDeviceGet.invokeExact(v, ordinal), "cuDeviceGet(" + ordinal + ")");
            return v.get(INT, 0);
        } catch (Throwable t) { throw rethrow("cuDeviceGet", t); }
    }

    public String deviceName(int dev) {
        try (Arena a = Native.call()) {
            MemorySegment buf = a.allocate(256);
            check((int) cuDeviceGetName.invokeExact(buf, 256, dev), "cuDeviceGetName");
            return buf.getString(0);
        } catch (Throwable t) { throw rethrow("cuDeviceGetName", t); }
    }

    public int attribute(int dev, int attr) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(INT);
            check((int) cuDeviceGetAttribute.invokeExact(v, attr, dev), "cuDeviceGetAttribute(" + attr + ")");
            return v.get(INT, 0);
        } catch (Throwable t) { throw rethrow("cuDeviceGetAttribute", t); }
    }

    public long totalMem(int dev) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(LONG);
            check((int) cuDeviceTotalMem.invokeExact(v, dev), "cuDeviceTotalMem_v2");
            return v.get(LONG, 0);
        } catch (Throwable t) { throw rethrow("cuDeviceTotalMem_v2", t); }
    }

    public long primaryCtxRetain(int dev) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(PTR);
            check((int) cuDevicePrimaryCtxRetain.invokeExact(v, dev), "cuDevicePrimaryCtxRetain");
            return v.get(PTR, 0).address();
        } catch (Throwable t) { throw rethrow("cuDevicePrimaryCtxRetain", t); }
    }

    public void primaryCtxRelease(int dev) {
        try { check((int) cuDevicePrimaryCtxRelease.invokeExact(dev), "cuDevicePrimaryCtxRelease_v2"); }
        catch (Throwable t) { throw rethrow("cuDevicePrimaryCtxRelease_v2", t); }
    }

    public void ctxSetCurrent(long ctx) {
        try { check((int) cuCtxSetCurrent.invokeExact(Native.ptr(ctx)), "cuCtxSetCurrent"); }
        catch (Throwable t) { throw rethrow("cuCtxSetCurrent", t); }
    }

    public void ctxSynchronize() {
        try { check((int) cuCtxSynchronize.invokeExact(), "cuCtxSynchronize"); }
        catch (Throwable t) { throw rethrow("cuCtxSynchronize", t); }
    }

    public long streamCreate(boolean nonBlocking) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(PTR);
            check((int) cuStreamCreate.invokeExact(v, nonBlocking ? STREAM_NON_BLOCKING : 0), "cuStreamCreate");
            return v.get(PTR, 0).address();
        } catch (Throwable t) { throw rethrow("cuStreamCreate", t); }
    }

    public void streamDestroy(long stream) {
        try { check((int) cuStreamDestroy.invokeExact(Native.ptr(stream)), "cuStreamDestroy_v2"); }
        catch (Throwable t) { throw rethrow("cuStreamDestroy_v2", t); }
    }

    public void streamSynchronize(long stream) {
        try { check((int) cuStreamSynchronize.invokeExact(Native.ptr(stream)), "cuStreamSynchronize"); }
        catch (Throwable t) { throw rethrow("cuStreamSynchronize", t); }
    }

    public long eventCreate() { return eventCreate(0); }

    /**
     * An event for ordering only: no timing (cheaper to record and wait on), and a host thread
     * that waits on it sleeps instead of spinning (the DataLoader's workers wait on these).
     */
    public long eventCreateForSync() { return eventCreate(EVENT_DISABLE_TIMING | EVENT_BLOCKING_SYNC); }

    private long eventCreate(int flags) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(PTR);
            check((int) cuEventCreate.invokeExact(v, flags), "cuEventCreate(flags " + flags + ")");
            return v.get(PTR, 0).address();
        } catch (Throwable t) { throw rethrow("cuEventCreate", t); }
    }

    /** Work queued on {@code stream} after this call waits until {@code event} has completed (no host wait). */
    public void streamWaitEvent(long stream, long event) {
        try { check((int) cuStreamWaitEvent.invokeExact(Native.ptr(stream), Native.ptr(event), 0), "cuStreamWaitEvent"); }
        catch (Throwable t) { throw rethrow("cuStreamWaitEvent", t); }
    }

    /** True when all work captured by the event has completed (CUDA_SUCCESS), false while pending (CUDA_ERROR_NOT_READY). */
    public boolean eventDone(long event) {
        try {
            int status = (int) cuEventQuery.invokeExact(Native.ptr(event));
            if (status == 600) return false; // CUDA_ERROR_NOT_READY
            check(status, "cuEventQuery");
            return true;
        } catch (Throwable t) { throw rethrow("cuEventQuery", t); }
    }

    public void eventRecord(long event, long stream) {
        try { check((int) cuEventRecord.invokeExact(Native.ptr(event), Native.ptr(stream)), "cuEventRecord"); }
        catch (Throwable t) { throw rethrow("cuEventRecord", t); }
    }

    public void eventSynchronize(long event) {
        try { check((int) cuEventSynchronize.invokeExact(Native.ptr(event)), "cuEventSynchronize"); }
        catch (Throwable t) { throw rethrow("cuEventSynchronize", t); }
    }

    /** Milliseconds between two recorded events. */
    public float eventElapsedMs(long start, long end) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(FLOAT);
            check((int) cuEventElapsedTime.invokeExact(v, Native.ptr(start), Native.ptr(end)), "cuEventElapsedTime");
            return v.get(FLOAT, 0);
        } catch (Throwable t) { throw rethrow("cuEventElapsedTime", t); }
    }

    public void eventDestroy(long event) {
        try { check((int) cuEventDestroy.invokeExact(Native.ptr(event)), "cuEventDestroy_v2"); }
        catch (Throwable t) { throw rethrow("cuEventDestroy_v2", t); }
    }

    public long defaultMemPool(int dev) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(PTR);
            check((int) cuDeviceGetDefaultMemPool.invokeExact(v, dev), "cuDeviceGetDefaultMemPool");
            return v.get(PTR, 0).address();
        } catch (Throwable t) { throw rethrow("cuDeviceGetDefaultMemPool", t); }
    }

    /** Sets a cuuint64_t pool attribute (the release threshold, say). */
    public void memPoolSetAttribute64(long pool, int attr, long value) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(LONG);
            v.set(LONG, 0, value);
            check((int) cuMemPoolSetAttribute.invokeExact(Native.ptr(pool), attr, v), "cuMemPoolSetAttribute(" + attr + ")");
        } catch (Throwable t) { throw rethrow("cuMemPoolSetAttribute", t); }
    }

    public long memPoolGetAttribute64(long pool, int attr) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(LONG);
            check((int) cuMemPoolGetAttribute.invokeExact(Native.ptr(pool), attr, v), "cuMemPoolGetAttribute(" + attr + ")");
            return v.get(LONG, 0);
        } catch (Throwable t) { throw rethrow("cuMemPoolGetAttribute", t); }
    }

    public void memPoolTrimTo(long pool, long keep) {
        try { check((int) cuMemPoolTrimTo.invokeExact(Native.ptr(pool), keep), "cuMemPoolTrimTo"); }
        catch (Throwable t) { throw rethrow("cuMemPoolTrimTo", t); }
    }

    /** cuMemAllocAsync; returns the raw CUresult in {@code status[0]} instead of throwing, so the allocator can trim and retry. */
    long memAllocAsyncRaw(long bytes, long stream, int[] status) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(LONG);
            status[0] = (int) cuMemAllocAsync.invokeExact(v, bytes, Native.ptr(stream));
            return status[0] == 0 ? v.get(LONG, 0) : 0;
        } catch (Throwable t) { throw rethrow("cuMemAllocAsync", t); }
    }

    public void memFreeAsync(long dptr, long stream) {
        try { check((int) cuMemFreeAsync.invokeExact(dptr, Native.ptr(stream)), "cuMemFreeAsync"); }
        catch (Throwable t) { throw rethrow("cuMemFreeAsync", t); }
    }

    /** Page-locked host memory (fast, truly asynchronous copies). */
    public MemorySegment memHostAlloc(long bytes) { return hostAlloc(bytes, MEMHOSTALLOC_PORTABLE); }

    /**
     * Page-locked host memory that kernels can read and write directly ({@link #memHostGetDevicePointer}):
     * used for the few words the device must report without a copy, such as kernel-detected errors.
     */
    public MemorySegment memHostAllocMapped(long bytes) { return hostAlloc(bytes, MEMHOSTALLOC_PORTABLE | MEMHOSTALLOC_DEVICEMAP); }

    private MemorySegment hostAlloc(long bytes, int flags) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(PTR);
            check((int) cuMemHostAlloc.invokeExact(v, bytes, flags), "cuMemHostAlloc(" + bytes + " bytes, flags " + flags + ")");
            return v.get(PTR, 0).reinterpret(bytes);
        } catch (Throwable t) { throw rethrow("cuMemHostAlloc", t); }
    }

    /** The device address of mapped host memory from {@link #memHostAllocMapped}. */
    public long memHostGetDevicePointer(MemorySegment host) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(PTR);
            check((int) cuMemHostGetDevicePointer.invokeExact(v, host, 0), "cuMemHostGetDevicePointer_v2");
            return v.get(PTR, 0).address();
        } catch (Throwable t) { throw rethrow("cuMemHostGetDevicePointer_v2", t); }
    }

    public void memFreeHost(MemorySegment p) {
        try { check((int) cuMemFreeHost.invokeExact(p), "cuMemFreeHost"); }
        catch (Throwable t) { throw rethrow("cuMemFreeHost", t); }
    }

    public void memcpyHtoDAsync(long dst, MemorySegment src, long bytes, long stream) {
        try { check((int) cuMemcpyHtoDAsync.invokeExact(dst, src, bytes, Native.ptr(stream)), "cuMemcpyHtoDAsync_v2"); }
        catch (Throwable t) { throw rethrow("cuMemcpyHtoDAsync_v2", t); }
    }

    public void memcpyDtoHAsync(MemorySegment dst, long src, long bytes, long stream) {
        try { check((int) cuMemcpyDtoHAsync.invokeExact(dst, src, bytes, Native.ptr(stream)), "cuMemcpyDtoHAsync_v2"); }
        catch (Throwable t) { throw rethrow("cuMemcpyDtoHAsync_v2", t); }
    }

    public void memcpyDtoDAsync(long dst, long src, long bytes, long stream) {
        try { check((int) cuMemcpyDtoDAsync.invokeExact(dst, src, bytes, Native.ptr(stream)), "cuMemcpyDtoDAsync_v2"); }
        catch (Throwable t) { throw rethrow("cuMemcpyDtoDAsync_v2", t); }
    }

    public void memsetD8Async(long dst, byte value, long count, long stream) {
        try { check((int) cuMemsetD8Async.invokeExact(dst, value, count, Native.ptr(stream)), "cuMemsetD8Async"); }
        catch (Throwable t) { throw rethrow("cuMemsetD8Async", t); }
    }

    public void memsetD32Async(long dst, int value, long count, long stream) {
        try { check((int) cuMemsetD32Async.invokeExact(dst, value, count, Native.ptr(stream)), "cuMemsetD32Async"); }
        catch (Throwable t) { throw rethrow("cuMemsetD32Async", t); }
    }

    /** {free, total} bytes of the current context's device. */
    public long[] memGetInfo() {
        try (Arena a = Native.call()) {
            MemorySegment f = a.allocate(LONG), t = a.allocate(LONG);
            check((int) cuMemGetInfo.invokeExact(f, t), "cuMemGetInfo_v2");
            return new long[] {f.get(LONG, 0), t.get(LONG, 0)};
        } catch (Throwable t) { throw rethrow("cuMemGetInfo_v2", t); }
    }

    /**
     * JIT-compiles a NUL-terminated PTX image for the current context's GPU. A compile error
     * is reported with the JIT's own log, which names the line.
     */
    public long moduleLoadPtx(String what, byte[] ptx) {
        try (Arena a = Native.call()) {
            MemorySegment image = a.allocate(ptx.length + 1L);
            MemorySegment.copy(ptx, 0, image, BYTE, 0, ptx.length);
            int logSize = 16384;
            MemorySegment log = a.allocate(logSize);
            MemorySegment opts = a.allocate(INT, 2);
            opts.setAtIndex(INT, 0, JIT_ERROR_LOG_BUFFER);
            opts.setAtIndex(INT, 1, JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
            MemorySegment vals = a.allocate(PTR, 2);
            vals.setAtIndex(PTR, 0, log);
            vals.setAtIndex(PTR, 1, MemorySegment.ofAddress(logSize)); // the size travels as the pointer's value
            MemorySegment mod = a.allocate(PTR);
            int st = (int) cuModuleLoadDataEx.invokeExact(mod, image, 2, opts, vals);
            if (st != 0) {
                throw new CudaException("cuModuleLoadDataEx(" + what + ")", st, errorText(st) + "; JIT log: " + log.getString(0).trim());
            }
            return mod.get(PTR, 0).address();
        } catch (Throwable t) { throw rethrow("cuModuleLoadDataEx", t); }
    }

    public long moduleGetFunction(long module, String name) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(PTR);
            check((int) cuModuleGetFunction.invokeExact(v, Native.ptr(module), a.allocateFrom(name)), "cuModuleGetFunction(" + name + ")");
            return v.get(PTR, 0).address();
        } catch (Throwable t) { throw rethrow("cuModuleGetFunction", t); }
    }

    public void moduleUnload(long module) {
        try { check((int) cuModuleUnload.invokeExact(Native.ptr(module)), "cuModuleUnload"); }
        catch (Throwable t) { throw rethrow("cuModuleUnload", t); }
    }

    /** cuLaunchKernel with {@code params} already laid out as the void*[] kernelParams array. */
    public void launch(String name, long function, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes,
                       long stream, MemorySegment params) {
        try {
            int st = (int) cuLaunchKernel.invokeExact(Native.ptr(function), gx, gy, gz, bx, by, bz, sharedBytes,
                    Native.ptr(stream), params, MemorySegment.NULL);
            if (st != 0) throw new CudaException("cuLaunchKernel(" + name + ", grid " + gx + "x" + gy + "x" + gz
                    + ", block " + bx + "x" + by + "x" + bz + ")", st, errorText(st));
        } catch (Throwable t) { throw rethrow("cuLaunchKernel", t); }
    }
}
