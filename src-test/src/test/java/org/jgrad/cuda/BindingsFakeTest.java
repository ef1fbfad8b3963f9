package org.jgrad.cuda;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FFM bindings and the backend's use of them, against stand-in libraries
 * ({@link FakeLibrary}): context set-up, cuBLAS argument passing (plain, batched, TF32),
 * cuDNN algorithm choice and plan caching, kernel launches and their parameter blocks,
 * transfers, and the error and out-of-memory messages. What runs is the real downcall path;
 * only the libraries are fake.
 */
class BindingsFakeTest {
    static final long GIB = 1L << 30;
    FakeLibrary cu, blas, dnn;
    CudaContext ctx;
    CudaBackend backend;
    final AtomicLong nextAddress = new AtomicLong(0x7000_0000L);
    final AtomicLong nextHandle = new AtomicLong(0x100);
    /** Values behind pointer arguments, read during the call (the caller's arena is closed afterwards). */
    final java.util.Map<String, Object> seen = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeEach
    void setUp() {
        cu = new FakeLibrary("libcuda.so.1")
                .on("cuDeviceGetCount", a -> { FakeLibrary.putInt(a[0], 1); return 0; })
                .on("cuDeviceGet", a -> { FakeLibrary.putInt(a[0], (Integer) a[1]); return 0; })
                .on("cuDeviceGetName", a -> {
                    byte[] n = "Fake H100\0".getBytes(StandardCharsets.US_ASCII);
                    MemorySegment.copy(n, 0, ((MemorySegment) a[0]).reinterpret((Integer) a[1]), ValueLayout.JAVA_BYTE, 0, n.length);
                    return 0;
                })
                .on("cuDeviceGetAttribute", a -> {
                    int attr = (Integer) a[1];
                    FakeLibrary.putInt(a[0], attr == 16 ? 132 : attr == 75 ? 9 : attr == 76 ? 0 : attr == 115 ? 1 : 0);
                    return 0;
                })
                .on("cuDevicePrimaryCtxRetain", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(0xC0)); return 0; })
                .on("cuStreamCreate", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(0x5E)); return 0; })
                .on("cuEventCreate", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(nextHandle.incrementAndGet())); return 0; })
                .on("cuEventElapsedTime_v2", a -> { FakeLibrary.putFloat(a[0], 1.5f); return 0; })
                .on("cuDeviceGetDefaultMemPool", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(0x9001)); return 0; })
                .on("cuMemPoolGetAttribute", a -> { FakeLibrary.putLong(a[2], 12345); return 0; })
                .on("cuMemPoolSetAttribute", a -> { seen.put("threshold", FakeLibrary.getLong(a[2])); return 0; })
                .on("cuMemAllocAsync", a -> {
                    long bytes = (Long) a[1];
                    if (bytes > 64 * GIB) return 2;
                    FakeLibrary.putLong(a[0], nextAddress.getAndAdd((bytes + 255) & ~255L));
                    return 0;
                })
                .on("cuMemGetInfo_v2", a -> { FakeLibrary.putLong(a[0], GIB); FakeLibrary.putLong(a[1], 80 * GIB); return 0; })
                .on("cuModuleLoadDataEx", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(nextHandle.incrementAndGet())); return 0; })
                .on("cuModuleGetFunction", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(nextHandle.incrementAndGet())); return 0; });
        MemorySegment oomName = cu.cString("CUDA_ERROR_OUT_OF_MEMORY"), oomText = cu.cString("out of memory");
        MemorySegment otherName = cu.cString("CUDA_ERROR_INVALID_VALUE"), otherText = cu.cString("invalid argument");
        cu.on("cuGetErrorName", a -> { FakeLibrary.putPtr(a[1], (Integer) a[0] == 2 ? oomName : otherName); return 0; });
        cu.on("cuGetErrorString", a -> { FakeLibrary.putPtr(a[1], (Integer) a[0] == 2 ? oomText : otherText); return 0; });

        blas = new FakeLibrary("libcublas.so.13")
                .on("cublasCreate_v2", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(0xB1A5)); return 0; })
                .on("cublasSgemm_v2", a -> {
                    seen.put("alpha", FakeLibrary.getFloat(a[6]));
                    seen.put("beta", FakeLibrary.getFloat(a[11]));
                    return 0;
                });
        MemorySegment bName = blas.cString("CUBLAS_STATUS_INVALID_VALUE"), bText = blas.cString("an invalid value was used as an argument");
        blas.on("cublasGetStatusName", a -> bName).on("cublasGetStatusString", a -> bText);

        dnn = new FakeLibrary("libcudnn.so.9")
                .on("cudnnCreate", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(0xD11)); return 0; });
        for (String f : List.of("cudnnCreateTensorDescriptor", "cudnnCreateFilterDescriptor", "cudnnCreateConvolutionDescriptor")) {
            dnn.on(f, a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(nextHandle.incrementAndGet())); return 0; });
        }
        FakeLibrary.Handler perf = a -> {
            // three candidates: too much workspace, not supported, fine
            MemorySegment p = ((MemorySegment) a[7]).reinterpret(Cudnn.PERF_SIZE * 3);
            int[][] rows = {{1, 0}, {6, 3}, {2, 0}};
            long[] mem = {2 * GIB, 0, 4096};
            for (int i = 0; i < 3; i++) {
                p.set(ValueLayout.JAVA_INT, i * Cudnn.PERF_SIZE + Cudnn.PERF_ALGO, rows[i][0]);
                p.set(ValueLayout.JAVA_INT, i * Cudnn.PERF_SIZE + Cudnn.PERF_STATUS, rows[i][1]);
                p.set(ValueLayout.JAVA_LONG, i * Cudnn.PERF_SIZE + Cudnn.PERF_MEMORY, mem[i]);
                p.set(ValueLayout.JAVA_INT, i * Cudnn.PERF_SIZE + Cudnn.PERF_MATH, Cudnn.TENSOR_OP_MATH);
            }
            FakeLibrary.putInt(a[6], 3);
            return 0;
        };
        for (String f : List.of("cudnnGetConvolutionForwardAlgorithm_v7", "cudnnGetConvolutionBackwardDataAlgorithm_v7",
                "cudnnGetConvolutionBackwardFilterAlgorithm_v7")) {
            dnn.on(f, perf);
        }
        for (String f : List.of("cudnnGetConvolutionForwardWorkspaceSize", "cudnnGetConvolutionBackwardDataWorkspaceSize",
                "cudnnGetConvolutionBackwardFilterWorkspaceSize")) {
            dnn.on(f, a -> { FakeLibrary.putLong(a[6], 4096); return 0; });
        }
        dnn.on("cudnnSetFilterNdDescriptor", a -> {
            MemorySegment d = ((MemorySegment) a[4]).reinterpret(4L * (Integer) a[3]);
            seen.put("filterDims", java.util.Arrays.stream(d.toArray(ValueLayout.JAVA_INT)).boxed().toList());
            return 0;
        });
        dnn.on("cudnnSetConvolutionNdDescriptor", a -> {
            int n = (Integer) a[1];
            for (int i = 0; i < 3; i++) {
                MemorySegment v = ((MemorySegment) a[2 + i]).reinterpret(4L * n);
                seen.put(List.of("convPad", "convStride", "convDilation").get(i), java.util.Arrays.stream(v.toArray(ValueLayout.JAVA_INT)).boxed().toList());
            }
            return 0;
        });
        // the library's own string for each code: the bindings must not map codes themselves
        MemorySegment dnnBadParam = dnn.cString("CUDNN_STATUS_BAD_PARAM"), dnnOther = dnn.cString("CUDNN_STATUS_EXECUTION_FAILED_CUDART");
        dnn.on("cudnnGetErrorString", a -> (Integer) a[0] == 2000 ? dnnBadParam : dnnOther);

        ctx = CudaContext.create(new Driver(cu), new Cublas(blas, "libcublas.so.13"), new Cudnn(dnn), 0, "fake libraries");
        backend = new CudaBackend(0, ctx, DeviceRuntime.of(ctx), Device.cpu());
    }

    @AfterEach
    void noHandlerFailed() {
        for (FakeLibrary f : List.of(cu, blas, dnn)) {
            if (!f.handlerFailures.isEmpty()) throw new AssertionError(f.handlerFailures.get(0));
        }
    }

    @Test
    void contextSetUpBindsEverythingToOneStream() {
        assertEquals("cuda:0 (Fake H100, sm_90)", backend.name());
        assertEquals(132, ctx.multiprocessors());
        assertEquals(0, (Integer) cu.last("cuInit").args()[0]);
        assertEquals(0xC0L, FakeLibrary.addr(cu.last("cuCtxSetCurrent").args()[0]));
        assertEquals(1, (Integer) cu.last("cuStreamCreate").args()[1], "non-blocking stream");
        assertEquals(-1L, seen.get("threshold"), "release threshold: never");
        assertEquals(Driver.MEMPOOL_ATTR_RELEASE_THRESHOLD, (Integer) cu.last("cuMemPoolSetAttribute").args()[1]);
        assertEquals(0x5EL, FakeLibrary.addr(blas.last("cublasSetStream_v2").args()[1]));
        assertEquals(0, (Integer) blas.last("cublasSetMathMode").args()[1], "no TF32 by default");
        assertEquals(0x5EL, FakeLibrary.addr(dnn.last("cudnnSetStream").args()[1]));
        // misc driver entry points round-trip their out-parameters
        long e0 = ctx.driver.eventCreate(), e1 = ctx.driver.eventCreate();
        assertEquals(1.5f, ctx.driver.eventElapsedMs(e0, e1));
        assertEquals(12345, backend.allocator().reservedBytes());
        assertEquals(List.of(GIB, 80 * GIB), java.util.Arrays.stream(ctx.memInfo()).boxed().toList());
        cu.on("cuDriverGetVersion", a -> { FakeLibrary.putInt(a[0], 13000); return 0; });
        blas.on("cublasGetVersion_v2", a -> { FakeLibrary.putInt(a[1], 130100); return 0; });
        dnn.on("cudnnGetVersion", a -> 91400L);
        String d = backend.describe();
        assertTrue(d.startsWith("cuda:0 (Fake H100, sm_90): 132 SMs, 81920 MiB (1024 free), driver API 13000, libcublas.so.13 130100, cuDNN 91400"), d);
    }

    private Tensor fresh(int... shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return new Tensor(backend.allocate(DType.FLOAT32, n), shape);
    }

    @Test
    void matmulPassesTheMappedArgumentsToCublas() {
        Tensor a = fresh(1, 3, 5), b = fresh(1, 5, 4), c = fresh(1, 3, 4);
        backend.matmul(a.raw(), b.raw(), c.raw());
        Object[] s = blas.last("cublasSgemm_v2").args();
        assertEquals(0xB1A5L, FakeLibrary.addr(s[0]));
        assertEquals(List.of(0, 0, 4, 3, 5), List.of(s[1], s[2], s[3], s[4], s[5]), "transa, transb, m=N, n=M, k");
        assertEquals(1f, seen.get("alpha"));
        assertEquals(backend.address(b.raw()), (Long) s[7], "cuBLAS's A is our B");
        assertEquals(4, (Integer) s[8]);
        assertEquals(backend.address(a.raw()), (Long) s[9]);
        assertEquals(5, (Integer) s[10]);
        assertEquals(0f, seen.get("beta"));
        assertEquals(backend.address(c.raw()), (Long) s[12]);
        assertEquals(4, (Integer) s[13]);

        Tensor a2 = fresh(2, 3, 5), b2 = fresh(2, 4, 5).transpose(1, 2), c2 = fresh(2, 3, 4);
        backend.matmul(a2.raw(), b2.raw(), c2.raw());
        Object[] bt = blas.last("cublasSgemmStridedBatched").args();
        assertEquals(List.of(1, 0, 4, 3, 5), List.of(bt[1], bt[2], bt[3], bt[4], bt[5]), "B^T view: OP_T, no copy");
        assertEquals(List.of(5, 20L, 5, 15L, 4, 12L, 2), List.of(bt[8], bt[9], bt[11], bt[12], bt[15], bt[16], bt[17]));

        backend.setAllowTf32(true);
        backend.matmul(a.raw(), b.raw(), c.raw());
        Object[] ex = blas.last("cublasGemmEx").args();
        assertEquals(Cublas.COMPUTE_32F_FAST_TF32, (Integer) ex[17]);
        assertEquals(Cublas.GEMM_DEFAULT, (Integer) ex[18]);
        backend.setAllowTf32(false);
    }

    @Test
    void cublasErrorsCarryTheLibrarysNameAndText() {
        blas.on("cublasSgemm_v2", a -> 7);
        CudaException e = assertThrows(CudaException.class, () -> backend.matmul(fresh(1, 2, 2).raw(), fresh(1, 2, 2).raw(), fresh(1, 2, 2).raw()));
        assertTrue(e.getMessage().startsWith("cublasSgemm_v2(transa=N, transb=N, m=2, n=2, k=2"), e.getMessage());
        assertTrue(e.getMessage().contains("(libcublas.so.13) failed with status 7: CUBLAS_STATUS_INVALID_VALUE: an invalid value"), e.getMessage());
        assertEquals(7, e.status());
    }

    @Test
    void convolutionsChooseAnAlgorithmOncePerShapeAndShareTheWorkspace() {
        int[] one = {1, 1}, pad = {1, 1};
        Tensor x = fresh(2, 3, 8, 8), w = fresh(4, 3, 3, 3), y = fresh(2, 4, 8, 8);
        backend.conv2dForward(x.raw(), w.raw(), y.raw(), one, pad, one, 1);
        backend.conv2dForward(x.raw(), w.raw(), y.raw(), one, pad, one, 1);
        assertEquals(1, dnn.calls("cudnnGetConvolutionForwardAlgorithm_v7").size(), "one heuristic query for two calls");
        assertEquals(1, backend.convPlanCount());
        List<FakeLibrary.Call> runs = dnn.calls("cudnnConvolutionForward");
        assertEquals(2, runs.size());
        Object[] r = runs.get(1).args();
        assertEquals(2, (Integer) r[7], "the first supported algorithm within the workspace cap");
        assertEquals(4096L, (Long) r[9]);
        assertEquals(backend.address(x.raw()), (Long) r[3]);
        assertEquals(backend.address(w.raw()), (Long) r[5]);
        assertEquals(backend.address(y.raw()), (Long) r[12]);
        // FP32 stays FP32: the tensor-op math the heuristic reported is overridden
        assertEquals(Cudnn.FMA_MATH, (Integer) dnn.last("cudnnSetConvolutionMathType").args()[1]);
        // filter descriptor: 4-D KCRS (its dims were read during the call)
        assertEquals(4, (Integer) dnn.last("cudnnSetFilterNdDescriptor").args()[3]);
        assertEquals(List.of(4, 3, 3, 3), seen.get("filterDims"));
        long wsAllocs = cu.calls("cuMemAllocAsync").stream().filter(c -> (Long) c.args()[1] == 4096L).count();
        assertEquals(1, wsAllocs, "one workspace allocation");

        Tensor dx = fresh(2, 3, 8, 8), dw = fresh(4, 3, 3, 3);
        backend.conv2dBackwardData(y.raw(), w.raw(), dx.raw(), one, pad, one, 1);
        backend.conv2dBackwardFilter(x.raw(), y.raw(), dw.raw(), one, pad, one, 1);
        Object[] bd = dnn.last("cudnnConvolutionBackwardData").args();
        assertEquals(backend.address(w.raw()), (Long) bd[3]);
        assertEquals(backend.address(y.raw()), (Long) bd[5]);
        assertEquals(backend.address(dx.raw()), (Long) bd[12]);
        Object[] bf = dnn.last("cudnnConvolutionBackwardFilter").args();
        assertEquals(backend.address(x.raw()), (Long) bf[3]);
        assertEquals(backend.address(y.raw()), (Long) bf[5]);
        assertEquals(backend.address(dw.raw()), (Long) bf[12]);
        assertEquals(3, backend.convPlanCount());

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> backend.conv2dForward(x.raw(), w.raw(), fresh(2, 4, 7, 7).raw(), one, pad, one, 1));
        assertTrue(bad.getMessage().contains("out must have shape [2, 4, 8, 8], got [2, 4, 7, 7]"), bad.getMessage());
    }

    @Test
    void cudnnErrorsAreNamed() {
        dnn.on("cudnnConvolutionForward", a -> 2000); // cuDNN 9 numbers its statuses by class: BAD_PARAM is 2000
        int[] one = {1, 1};
        CudaException e = assertThrows(CudaException.class,
                () -> backend.conv2dForward(fresh(1, 1, 4, 4).raw(), fresh(1, 1, 3, 3).raw(), fresh(1, 1, 2, 2).raw(), one, new int[] {0, 0}, one, 1));
        assertTrue(e.getMessage().contains("cudnnConvolutionForward(algo 2) failed with status 2000: CUDNN_STATUS_BAD_PARAM"), e.getMessage());
        dnn.on("cudnnConvolutionForward", a -> 5003); // a code no table of ours lists still gets cuDNN's own words
        CudaException other = assertThrows(CudaException.class,
                () -> backend.conv2dForward(fresh(1, 1, 4, 4).raw(), fresh(1, 1, 3, 3).raw(), fresh(1, 1, 2, 2).raw(), one, new int[] {0, 0}, one, 1));
        assertTrue(other.getMessage().contains("failed with status 5003: CUDNN_STATUS_EXECUTION_FAILED_CUDART"), other.getMessage());
    }

    @Test
    void asymmetricConvolutionGeometryReachesTheDescriptorInHeightWidthOrder() {
        // height and width differ in every argument, so a swap anywhere shows
        int[] stride = {2, 1}, pad = {1, 2}, dilation = {1, 2};
        Tensor x = fresh(2, 3, 9, 11), w = fresh(4, 3, 3, 3), y = fresh(2, 4, 5, 11);
        backend.conv2dForward(x.raw(), w.raw(), y.raw(), stride, pad, dilation, 1);
        assertEquals(2, (Integer) dnn.last("cudnnSetConvolutionNdDescriptor").args()[1], "two spatial dimensions");
        assertEquals(List.of(1, 2), seen.get("convPad"), "padding {height, width}");
        assertEquals(List.of(2, 1), seen.get("convStride"), "stride {height, width}");
        assertEquals(List.of(1, 2), seen.get("convDilation"), "dilation {height, width}");
        assertEquals(Cudnn.CROSS_CORRELATION, (Integer) dnn.last("cudnnSetConvolutionNdDescriptor").args()[5]);
    }

    @Test
    void anImpossibleAllocationNamesBytesAskedAndFree() {
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> backend.allocator().allocate(1L << 50));
        assertEquals(1L << 50, e.requestedBytes());
        assertEquals(GIB, e.freeBytes());
        String m = e.getMessage();
        assertTrue(m.startsWith("cuMemAllocAsync failed with status 2: out of memory: asked for 1125899906842624 bytes (1.0 PiB), "
                + "1073741824 bytes (1.0 GiB) free of 85899345920 (80.0 GiB) on the device; CUDA_ERROR_OUT_OF_MEMORY: out of memory"), m);
        assertEquals(1, cu.calls("cuMemPoolTrimTo").size(), "the pool was trimmed before giving up");
    }

    @Test
    void kernelLaunchesJitOnceAndPassTheParameterBlock() {
        Tensor t = fresh(4, 6);
        backend.fill(t.slice(1, 0, 6, 2).raw(), 2.5);
        backend.fill(t.slice(1, 1, 6, 2).raw(), 1.0);
        assertEquals(1, cu.calls("cuModuleLoadDataEx").size(), "copy.ptx JIT-ed once");
        assertEquals(1, cu.calls("cuModuleGetFunction").size());
        Object[] l = cu.last("cuLaunchKernel").args();
        assertEquals(List.of(1, 1, 1, 256, 1, 1, 0), List.of(l[1], l[2], l[3], l[4], l[5], l[6], l[7]), "grid 1, block 256, no dynamic shared memory");
        assertEquals(0x5EL, FakeLibrary.addr(l[8]));
        MemorySegment params = ((MemorySegment) l[9]);
        assertTrue(params.address() != 0);
        // contiguous fills go to cuMemsetD32Async with the float's bits
        backend.fill(t.raw(), 2.5);
        Object[] ms = cu.last("cuMemsetD32Async").args();
        assertEquals(Float.floatToRawIntBits(2.5f), (Integer) ms[1]);
        assertEquals(24L, (Long) ms[2]);
    }

    @Test
    void transfersUseTheStagingBufferAndAreCounted() {
        cu.on("cuMemHostAlloc", a -> {
            FakeLibrary.putPtr(a[0], java.lang.foreign.Arena.global().allocate((Long) a[1], 4096));
            return 0;
        });
        Tensor t = new Tensor(backend.fromHost(new float[] {1, 2, 3}, DType.FLOAT32), 3);
        Object[] h2d = cu.last("cuMemcpyHtoDAsync_v2").args();
        assertEquals(backend.address(t.raw()), (Long) h2d[0]);
        assertEquals(12L, (Long) h2d[2]);
        backend.toHost(t.raw(), new float[3]);
        assertEquals(12L, (Long) cu.last("cuMemcpyDtoHAsync_v2").args()[2]);
        assertEquals(12, backend.deviceToHostBytes());
        assertEquals(1, backend.deviceToHostCopies());
        assertEquals(1, cu.calls("cuMemHostAlloc").size(), "one pinned staging buffer");
    }

    /**
     * The DataLoader's staging path through the real driver bindings: the copy runs on its own
     * stream from pinned memory into memory allocated for that stream, an event (created without
     * timing) is recorded after it, and the compute stream waits for that event, on the device,
     * right before the first kernel that reads the batch.
     */
    @Test
    void stagedBatchesAreCopiedOnTheCopyStreamAndOrderedByAnEvent() {
        cu.on("cuMemHostAlloc", a -> {
            FakeLibrary.putPtr(a[0], java.lang.foreign.Arena.global().allocate((Long) a[1], 4096));
            return 0;
        });
        cu.on("cuStreamCreate", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(0x5F)); return 0; });
        org.jgrad.data.BatchStager stager = org.jgrad.data.BatchStager.uploading(backend);
        org.jgrad.data.Batch host = new org.jgrad.data.Batch(0, 0, new int[] {0, 1},
                Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2), Tensor.fromArray(new long[] {0, 1}, 2));
        int launchesBefore = cu.calls("cuLaunchKernel").size();
        org.jgrad.data.Batch staged = stager.stage(host);
        List<FakeLibrary.Call> copies = cu.calls("cuMemcpyHtoDAsync_v2");
        FakeLibrary.Call in = copies.get(copies.size() - 2), target = copies.get(copies.size() - 1);
        assertEquals(backend.address(staged.inputs().raw()), (Long) in.args()[0]);
        assertEquals(16L, (Long) in.args()[2]);
        assertEquals(16L, (Long) target.args()[2]);
        assertEquals(0x5FL, FakeLibrary.addr(in.args()[3]), "inputs copied on the copy stream");
        assertEquals(0x5FL, FakeLibrary.addr(target.args()[3]), "targets copied on the copy stream");
        List<FakeLibrary.Call> allocs = cu.calls("cuMemAllocAsync");
        assertEquals(0x5FL, FakeLibrary.addr(allocs.get(allocs.size() - 1).args()[2]), "allocated for the copy stream");
        FakeLibrary.Call record = cu.last("cuEventRecord");
        assertEquals(0x5FL, FakeLibrary.addr(record.args()[1]), "the event marks the copy stream");
        assertEquals(Driver.EVENT_DISABLE_TIMING | Driver.EVENT_BLOCKING_SYNC, (Integer) cu.last("cuEventCreate").args()[1],
                "an ordering event: CU_EVENT_DISABLE_TIMING | CU_EVENT_BLOCKING_SYNC");
        assertEquals(3, Driver.EVENT_DISABLE_TIMING | Driver.EVENT_BLOCKING_SYNC, "cuda.h: BLOCKING_SYNC = 0x1, DISABLE_TIMING = 0x2");
        assertEquals(0, cu.calls("cuStreamWaitEvent").size(), "nothing waits before the batch is used");
        assertEquals(0, cu.calls("cuStreamSynchronize").size(), "staging never waits on the host");

        Tensor doubled = fresh(4).reshape(2, 2);
        backend.unary(org.jgrad.backend.UnaryOp.MUL_SCALAR, staged.inputs().raw(), doubled.raw(), 2, 0);
        FakeLibrary.Call wait = cu.last("cuStreamWaitEvent");
        assertEquals(0x5EL, FakeLibrary.addr(wait.args()[0]), "the compute stream waits");
        assertEquals(FakeLibrary.addr(record.args()[0]), FakeLibrary.addr(wait.args()[1]), "for the copy's event");
        assertEquals(0, (Integer) wait.args()[2]);
        assertEquals(launchesBefore + 1, cu.calls("cuLaunchKernel").size());
        List<String> order = cu.calls.stream().map(FakeLibrary.Call::name).filter(n -> n.equals("cuStreamWaitEvent") || n.equals("cuLaunchKernel")).toList();
        assertEquals("cuStreamWaitEvent", order.get(order.size() - 2), "the wait is queued before the kernel");
        // used again: no second wait
        backend.unary(org.jgrad.backend.UnaryOp.MUL_SCALAR, staged.inputs().raw(), doubled.raw(), 2, 0);
        assertEquals(1, cu.calls("cuStreamWaitEvent").size());
    }

    /** Kernel-reported errors live in mapped, page-locked memory: allocated once, with DEVICEMAP, and addressed through the driver. */
    @Test
    void theErrorBlockIsMappedHostMemory() {
        MemorySegment block = java.lang.foreign.Arena.global().allocate(4096, 4096);
        cu.on("cuMemHostAlloc", a -> { FakeLibrary.putPtr(a[0], block); return 0; });
        cu.on("cuMemHostGetDevicePointer_v2", a -> { FakeLibrary.putPtr(a[0], MemorySegment.ofAddress(0xDE7000)); return 0; });
        assertEquals(0xDE7000L, backend.errors().address());
        assertEquals(0xDE7000L, backend.errors().address());
        assertEquals(1, cu.calls("cuMemHostAlloc").size(), "allocated once");
        FakeLibrary.Call alloc = cu.last("cuMemHostAlloc");
        assertEquals(DeviceErrors.BYTES, (Long) alloc.args()[1]);
        assertEquals(Driver.MEMHOSTALLOC_PORTABLE | Driver.MEMHOSTALLOC_DEVICEMAP, (Integer) alloc.args()[2]);
        assertEquals(block.address(), FakeLibrary.addr(cu.last("cuMemHostGetDevicePointer_v2").args()[1]));
        // a kernel's report, as the host sees it after the stream has synchronised
        block.set(ValueLayout.JAVA_INT, 0, DeviceErrorCode.CROSS_ENTROPY_TARGET.code);
        block.set(ValueLayout.JAVA_LONG, 8, 12);
        block.set(ValueLayout.JAVA_LONG, 16, 10);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class, backend::synchronize);
        assertTrue(e.getMessage().contains("target 12 is out of bounds for 10 classes"), e.getMessage());
        assertEquals(0, block.get(ValueLayout.JAVA_INT, 0), "reported once, then cleared");
    }

    @Test
    void closingATensorQueuesItsFreeOnTheStream() {
        Tensor t = fresh(10);
        long p = backend.address(t.raw());
        t.close();
        Object[] f = cu.last("cuMemFreeAsync").args();
        assertEquals(p, (Long) f[0]);
        assertEquals(0x5EL, FakeLibrary.addr(f[1]));
    }

    @Test
    void aPtxJitErrorCarriesTheJitLog() {
        cu.on("cuModuleLoadDataEx", a -> {
            // options: [ERROR_LOG_BUFFER, ERROR_LOG_BUFFER_SIZE_BYTES]; values: [buffer, size]
            MemorySegment opts = ((MemorySegment) a[3]).reinterpret(8), vals = ((MemorySegment) a[4]).reinterpret(16);
            seen.put("opt0", opts.getAtIndex(ValueLayout.JAVA_INT, 0));
            long size = vals.getAtIndex(ValueLayout.ADDRESS, 1).address();
            seen.put("logSize", size);
            MemorySegment log = vals.getAtIndex(ValueLayout.ADDRESS, 0).reinterpret(size);
            log.setString(0, "ptxas application ptx input, line 42; error   : Unknown symbol 'x'");
            String image = ((MemorySegment) a[1]).reinterpret(1 << 20).getString(0);
            seen.put("imageStart", image.substring(0, Math.min(20, image.length())));
            return 218; // CUDA_ERROR_INVALID_PTX
        });
        CudaException e = assertThrows(CudaException.class, () -> backend.fill(fresh(4, 6).slice(1, 0, 6, 2).raw(), 1));
        assertTrue(e.getMessage().startsWith("cuModuleLoadDataEx(copy.ptx) failed with status 218"), e.getMessage());
        assertTrue(e.getMessage().contains("JIT log: ptxas application ptx input, line 42"), e.getMessage());
        assertEquals(Driver.JIT_ERROR_LOG_BUFFER, seen.get("opt0"));
        assertEquals(16384L, seen.get("logSize"));
        assertTrue(((String) seen.get("imageStart")).startsWith("//\n// copy.ptx"), (String) seen.get("imageStart"));
    }
}
