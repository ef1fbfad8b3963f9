package org.jgrad.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static org.jgrad.cuda.Native.FLOAT;
import static org.jgrad.cuda.Native.INT;
import static org.jgrad.cuda.Native.LONG;
import static org.jgrad.cuda.Native.PTR;
import static org.jgrad.cuda.Native.rethrow;

/**
 * cuBLAS ({@code libcublas.so.13}, or {@code .12}) through FFM: one handle bound to the
 * backend's stream, single-precision GEMM (plain, strided-batched) and the {@code GemmEx}
 * forms used when TF32 tensor cores are allowed. All matrices are column-major here; the
 * row-major mapping lives in {@link GemmMapping}.
 */
public final class Cublas {
    public static final int OP_N = 0, OP_T = 1;
    static final int DEFAULT_MATH = 0, PEDANTIC_MATH = 2, TF32_TENSOR_OP_MATH = 3;
    static final int CUDA_R_32F = 0;
    static final int COMPUTE_32F = 68, COMPUTE_32F_FAST_TF32 = 77;
    static final int GEMM_DEFAULT = -1;

    private final String libName;
    private final MethodHandle create, destroy, setStream, setMathMode, sgemm, sgemmStridedBatched, gemmEx,
            gemmStridedBatchedEx, statusName, statusString, getVersion;

    Cublas(SymbolLookup lib, String libName) {
        this.libName = libName;
        create = Native.status(lib, libName, "cublasCreate_v2", PTR);
        destroy = Native.status(lib, libName, "cublasDestroy_v2", PTR);
        setStream = Native.status(lib, libName, "cublasSetStream_v2", PTR, PTR);
        setMathMode = Native.status(lib, libName, "cublasSetMathMode", PTR, INT);
        sgemm = Native.status(lib, libName, "cublasSgemm_v2", PTR, INT, INT, INT, INT, INT, PTR, LONG, INT, LONG, INT, PTR, LONG, INT);
        sgemmStridedBatched = Native.status(lib, libName, "cublasSgemmStridedBatched",
                PTR, INT, INT, INT, INT, INT, PTR, LONG, INT, LONG, LONG, INT, LONG, PTR, LONG, INT, LONG, INT);
        gemmEx = Native.status(lib, libName, "cublasGemmEx",
                PTR, INT, INT, INT, INT, INT, PTR, LONG, INT, INT, LONG, INT, INT, PTR, LONG, INT, INT, INT, INT);
        gemmStridedBatchedEx = Native.status(lib, libName, "cublasGemmStridedBatchedEx",
                PTR, INT, INT, INT, INT, INT, PTR, LONG, INT, INT, LONG, LONG, INT, INT, LONG, PTR, LONG, INT, INT, LONG, INT, INT, INT);
        statusName = Native.downcall(lib, libName, "cublasGetStatusName", java.lang.foreign.FunctionDescriptor.of(PTR, INT));
        statusString = Native.downcall(lib, libName, "cublasGetStatusString", java.lang.foreign.FunctionDescriptor.of(PTR, INT));
        getVersion = Native.status(lib, libName, "cublasGetVersion_v2", PTR, PTR);
    }

    public String libraryName() { return libName; }

    void check(int status, String fn) {
        if (status == 0) return;
        String detail;
        try {
            detail = Native.cString((MemorySegment) statusName.invokeExact(status)) + ": "
                    + Native.cString((MemorySegment) statusString.invokeExact(status));
        } catch (Throwable t) {
            detail = "cublasStatus_t " + status;
        }
        throw new CudaException(fn + " (" + libName + ")", status, detail);
    }

    public long createHandle() {
        try (Arena a = Native.call()) {
            MemorySegment h = a.allocate(PTR);
            check((int) create.invokeExact(h), "cublasCreate_v2");
            return h.get(PTR, 0).address();
        } catch (Throwable t) { throw rethrow("cublasCreate_v2", t); }
    }

    public void destroyHandle(long handle) {
        try { check((int) destroy.invokeExact(Native.ptr(handle)), "cublasDestroy_v2"); }
        catch (Throwable t) { throw rethrow("cublasDestroy_v2", t); }
    }

    public void setStream(long handle, long stream) {
        try { check((int) setStream.invokeExact(Native.ptr(handle), Native.ptr(stream)), "cublasSetStream_v2"); }
        catch (Throwable t) { throw rethrow("cublasSetStream_v2", t); }
    }

    /** TF32 tensor-op math when allowed, else the default math, which since cuBLAS 11 keeps SGEMM in full FP32. */
    public void setMathMode(long handle, boolean allowTf32) {
        int mode = allowTf32 ? TF32_TENSOR_OP_MATH : DEFAULT_MATH;
        try { check((int) setMathMode.invokeExact(Native.ptr(handle), mode), "cublasSetMathMode(" + mode + ")"); }
        catch (Throwable t) { throw rethrow("cublasSetMathMode", t); }
    }

    public int version(long handle) {
        try (Arena a = Native.call()) {
            MemorySegment v = a.allocate(INT);
            check((int) getVersion.invokeExact(Native.ptr(handle), v), "cublasGetVersion_v2");
            return v.get(INT, 0);
        } catch (Throwable t) { throw rethrow("cublasGetVersion_v2", t); }
    }

    /**
     * C = alpha op(A) op(B) + beta C, column-major, device pointers; batched when
     * {@code batch > 1} (strides in elements; 0 repeats one matrix). TF32 goes through GemmEx
     * with the FAST_TF32 compute type so the switch is per call, not per handle.
     */
    public void gemm(long handle, GemmMapping.Call c, long a, long b, long cPtr, float alpha, float beta, boolean tf32) {
        try (Arena ar = Native.call()) {
            MemorySegment al = ar.allocate(FLOAT), be = ar.allocate(FLOAT);
            al.set(FLOAT, 0, alpha);
            be.set(FLOAT, 0, beta);
            MemorySegment h = Native.ptr(handle);
            if (!tf32) {
                if (c.batch() == 1) {
                    check((int) sgemm.invokeExact(h, c.transa(), c.transb(), c.m(), c.n(), c.k(), al, a, c.lda(), b, c.ldb(), be, cPtr, c.ldc()),
                            "cublasSgemm_v2" + c);
                } else {
                    check((int) sgemmStridedBatched.invokeExact(h, c.transa(), c.transb(), c.m(), c.n(), c.k(), al, a, c.lda(), c.strideA(),
                            b, c.ldb(), c.strideB(), be, cPtr, c.ldc(), c.strideC(), c.batch()), "cublasSgemmStridedBatched" + c);
                }
            } else {
                if (c.batch() == 1) {
                    check((int) gemmEx.invokeExact(h, c.transa(), c.transb(), c.m(), c.n(), c.k(), al, a, CUDA_R_32F, c.lda(),
                            b, CUDA_R_32F, c.ldb(), be, cPtr, CUDA_R_32F, c.ldc(), COMPUTE_32F_FAST_TF32, GEMM_DEFAULT), "cublasGemmEx(TF32)" + c);
                } else {
                    check((int) gemmStridedBatchedEx.invokeExact(h, c.transa(), c.transb(), c.m(), c.n(), c.k(), al, a, CUDA_R_32F, c.lda(),
                            c.strideA(), b, CUDA_R_32F, c.ldb(), c.strideB(), be, cPtr, CUDA_R_32F, c.ldc(), c.strideC(), c.batch(),
                            COMPUTE_32F_FAST_TF32, GEMM_DEFAULT), "cublasGemmStridedBatchedEx(TF32)" + c);
                }
            }
        } catch (Throwable t) { throw rethrow("cublas gemm", t); }
    }
}
