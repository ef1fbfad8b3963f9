package org.jgrad.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static org.jgrad.cuda.Native.FLOAT;
import static org.jgrad.cuda.Native.INT;
import static org.jgrad.cuda.Native.LONG;
import static org.jgrad.cuda.Native.PTR;
import static org.jgrad.cuda.Native.rethrow;

/**
 * cuDNN 9 ({@code libcudnn.so.9}) through FFM: the legacy descriptor API for convolutions
 * (still shipped in cuDNN 9's libcudnn_cnn, reached through the libcudnn.so.9 shim).
 * Descriptors are created per convolution shape and cached by {@link ConvPlans}; this class
 * only binds and checks. Float32 NCHW throughout.
 */
public final class Cudnn {
    static final int DATA_FLOAT = 0;
    static final int TENSOR_NCHW = 0;
    static final int CROSS_CORRELATION = 1; // what deep-learning frameworks call convolution
    static final int DEFAULT_MATH = 0, TENSOR_OP_MATH = 1, FMA_MATH = 3;
    /** cudnnConvolution*AlgoPerf_t: int algo, int status, float time, size_t memory, int determinism, int mathType, int reserved[3]. */
    static final long PERF_SIZE = 48, PERF_ALGO = 0, PERF_STATUS = 4, PERF_TIME = 8, PERF_MEMORY = 16, PERF_MATH = 28;
    static final int MAX_ALGOS = 16;

    private final MethodHandle create, destroy, setStream, errorString, getVersion,
            createTensor, setTensorNd, destroyTensor, createFilter, setFilterNd, destroyFilter,
            createConv, setConvNd, setConvGroups, setConvMath, destroyConv,
            fwdAlgoV7, bwdDataAlgoV7, bwdFilterAlgoV7, findFwd, findBwdData, findBwdFilter,
            fwdWs, bwdDataWs, bwdFilterWs, convFwd, convBwdData, convBwdFilter, addTensor;

    Cudnn(SymbolLookup lib) {
        String l = "libcudnn.so.9";
        create = Native.status(lib, l, "cudnnCreate", PTR);
        destroy = Native.status(lib, l, "cudnnDestroy", PTR);
        setStream = Native.status(lib, l, "cudnnSetStream", PTR, PTR);
        errorString = Native.downcall(lib, l, "cudnnGetErrorString", FunctionDescriptor.of(PTR, INT));
        getVersion = Native.downcall(lib, l, "cudnnGetVersion", FunctionDescriptor.of(LONG));
        createTensor = Native.status(lib, l, "cudnnCreateTensorDescriptor", PTR);
        setTensorNd = Native.status(lib, l, "cudnnSetTensorNdDescriptor", PTR, INT, INT, PTR, PTR);
        destroyTensor = Native.status(lib, l, "cudnnDestroyTensorDescriptor", PTR);
        createFilter = Native.status(lib, l, "cudnnCreateFilterDescriptor", PTR);
        setFilterNd = Native.status(lib, l, "cudnnSetFilterNdDescriptor", PTR, INT, INT, INT, PTR);
        destroyFilter = Native.status(lib, l, "cudnnDestroyFilterDescriptor", PTR);
        createConv = Native.status(lib, l, "cudnnCreateConvolutionDescriptor", PTR);
        setConvNd = Native.status(lib, l, "cudnnSetConvolutionNdDescriptor", PTR, INT, PTR, PTR, PTR, INT, INT);
        setConvGroups = Native.status(lib, l, "cudnnSetConvolutionGroupCount", PTR, INT);
        setConvMath = Native.status(lib, l, "cudnnSetConvolutionMathType", PTR, INT);
        destroyConv = Native.status(lib, l, "cudnnDestroyConvolutionDescriptor", PTR);
        fwdAlgoV7 = Native.status(lib, l, "cudnnGetConvolutionForwardAlgorithm_v7", PTR, PTR, PTR, PTR, PTR, INT, PTR, PTR);
        bwdDataAlgoV7 = Native.status(lib, l, "cudnnGetConvolutionBackwardDataAlgorithm_v7", PTR, PTR, PTR, PTR, PTR, INT, PTR, PTR);
        bwdFilterAlgoV7 = Native.status(lib, l, "cudnnGetConvolutionBackwardFilterAlgorithm_v7", PTR, PTR, PTR, PTR, PTR, INT, PTR, PTR);
        findFwd = Native.status(lib, l, "cudnnFindConvolutionForwardAlgorithm", PTR, PTR, PTR, PTR, PTR, INT, PTR, PTR);
        findBwdData = Native.status(lib, l, "cudnnFindConvolutionBackwardDataAlgorithm", PTR, PTR, PTR, PTR, PTR, INT, PTR, PTR);
        findBwdFilter = Native.status(lib, l, "cudnnFindConvolutionBackwardFilterAlgorithm", PTR, PTR, PTR, PTR, PTR, INT, PTR, PTR);
        fwdWs = Native.status(lib, l, "cudnnGetConvolutionForwardWorkspaceSize", PTR, PTR, PTR, PTR, PTR, INT, PTR);
        bwdDataWs = Native.status(lib, l, "cudnnGetConvolutionBackwardDataWorkspaceSize", PTR, PTR, PTR, PTR, PTR, INT, PTR);
        bwdFilterWs = Native.status(lib, l, "cudnnGetConvolutionBackwardFilterWorkspaceSize", PTR, PTR, PTR, PTR, PTR, INT, PTR);
        convFwd = Native.status(lib, l, "cudnnConvolutionForward", PTR, PTR, PTR, LONG, PTR, LONG, PTR, INT, LONG, LONG, PTR, PTR, LONG);
        convBwdData = Native.status(lib, l, "cudnnConvolutionBackwardData", PTR, PTR, PTR, LONG, PTR, LONG, PTR, INT, LONG, LONG, PTR, PTR, LONG);
        convBwdFilter = Native.status(lib, l, "cudnnConvolutionBackwardFilter", PTR, PTR, PTR, LONG, PTR, LONG, PTR, INT, LONG, LONG, PTR, PTR, LONG);
        addTensor = Native.status(lib, l, "cudnnAddTensor", PTR, PTR, PTR, LONG, PTR, PTR, LONG);
    }

    void check(int status, String fn) {
        if (status == 0) return;
        String detail;
        try {
            detail = Native.cString((MemorySegment) errorString.invokeExact(status));
        } catch (Throwable t) {
            detail = "cudnnStatus_t " + status;
        }
        throw new CudaException(fn, status, detail);
    }

    /** The runtime version, e.g. 91400 for 9.14.0. */
    public long version() {
        try { return (long) getVersion.invokeExact(); } catch (Throwable t) { throw rethrow("cudnnGetVersion", t); }
    }

    public long createHandle() {
        try (Arena a = Native.call()) {
            MemorySegment h = a.allocate(PTR);
            check((int) create.invokeExact(h), "cudnnCreate");
            return h.get(PTR, 0).address();
        } catch (Throwable t) { throw rethrow("cudnnCreate", t); }
    }

    public void destroyHandle(long h) {
        try { check((int) destroy.invokeExact(Native.ptr(h)), "cudnnDestroy"); } catch (Throwable t) { throw rethrow("cudnnDestroy", t); }
    }

    public void setStream(long h, long stream) {
        try { check((int) setStream.invokeExact(Native.ptr(h), Native.ptr(stream)), "cudnnSetStream"); }
        catch (Throwable t) { throw rethrow("cudnnSetStream", t); }
    }

    /** A float32 tensor descriptor with explicit strides (elements). */
    public long tensor(int[] dims, int[] strides) {
        try (Arena a = Native.call()) {
            MemorySegment h = a.allocate(PTR);
            check((int) createTensor.invokeExact(h), "cudnnCreateTensorDescriptor");
            long d = h.get(PTR, 0).address();
            check((int) setTensorNd.invokeExact(Native.ptr(d), DATA_FLOAT, dims.length, a.allocateFrom(INT, dims), a.allocateFrom(INT, strides)),
                    "cudnnSetTensorNdDescriptor(" + java.util.Arrays.toString(dims) + ", strides " + java.util.Arrays.toString(strides) + ")");
            return d;
        } catch (Throwable t) { throw rethrow("cudnnSetTensorNdDescriptor", t); }
    }

    /** A float32 KCRS filter descriptor. */
    public long filter(int[] dims) {
        try (Arena a = Native.call()) {
            MemorySegment h = a.allocate(PTR);
            check((int) createFilter.invokeExact(h), "cudnnCreateFilterDescriptor");
            long d = h.get(PTR, 0).address();
            check((int) setFilterNd.invokeExact(Native.ptr(d), DATA_FLOAT, TENSOR_NCHW, dims.length, a.allocateFrom(INT, dims)),
                    "cudnnSetFilterNdDescriptor(" + java.util.Arrays.toString(dims) + ")");
            return d;
        } catch (Throwable t) { throw rethrow("cudnnSetFilterNdDescriptor", t); }
    }

    /** A cross-correlation descriptor; FMA math unless TF32 is allowed, so FP32 stays FP32. */
    public long convolution(int[] pad, int[] stride, int[] dilation, int groups, boolean allowTf32) {
        try (Arena a = Native.call()) {
            MemorySegment h = a.allocate(PTR);
            check((int) createConv.invokeExact(h), "cudnnCreateConvolutionDescriptor");
            long d = h.get(PTR, 0).address();
            check((int) setConvNd.invokeExact(Native.ptr(d), pad.length, a.allocateFrom(INT, pad), a.allocateFrom(INT, stride),
                    a.allocateFrom(INT, dilation), CROSS_CORRELATION, DATA_FLOAT), "cudnnSetConvolutionNdDescriptor");
            check((int) setConvGroups.invokeExact(Native.ptr(d), groups), "cudnnSetConvolutionGroupCount(" + groups + ")");
            setMath(d, allowTf32 ? TENSOR_OP_MATH : FMA_MATH);
            return d;
        } catch (Throwable t) { throw rethrow("cudnnSetConvolutionNdDescriptor", t); }
    }

    public void setMath(long conv, int mathType) {
        try { check((int) setConvMath.invokeExact(Native.ptr(conv), mathType), "cudnnSetConvolutionMathType(" + mathType + ")"); }
        catch (Throwable t) { throw rethrow("cudnnSetConvolutionMathType", t); }
    }

    public void destroyTensor(long d) {
        try { check((int) destroyTensor.invokeExact(Native.ptr(d)), "cudnnDestroyTensorDescriptor"); } catch (Throwable t) { throw rethrow("cudnnDestroyTensorDescriptor", t); }
    }

    public void destroyFilter(long d) {
        try { check((int) destroyFilter.invokeExact(Native.ptr(d)), "cudnnDestroyFilterDescriptor"); } catch (Throwable t) { throw rethrow("cudnnDestroyFilterDescriptor", t); }
    }

    public void destroyConvolution(long d) {
        try { check((int) destroyConv.invokeExact(Native.ptr(d)), "cudnnDestroyConvolutionDescriptor"); } catch (Throwable t) { throw rethrow("cudnnDestroyConvolutionDescriptor", t); }
    }

    /** Which pass of the convolution an algorithm is for. */
    public enum Pass {
        FORWARD("Forward"), BACKWARD_DATA("BackwardData"), BACKWARD_FILTER("BackwardFilter");

        /** The pass as cuDNN's function names spell it. */
        final String cudnnName;

        Pass(String cudnnName) { this.cudnnName = cudnnName; }
    }

    /** An algorithm choice: id, its math type, and the workspace it needs. */
    public record Algo(int algo, int mathType, long workspace) {}

    /**
     * The best algorithm for a pass whose workspace fits {@code maxWorkspace}: cuDNN's
     * heuristic ranking, or (find) timed trials. Descriptors in cuDNN's argument order for
     * the pass: forward (x, w, conv, y); backward-data (w, dy, conv, dx); backward-filter (x, dy, conv, dw).
     */
    public Algo choose(long handle, Pass pass, boolean find, long d0, long d1, long conv, long d3, long maxWorkspace) {
        MethodHandle mh = switch (pass) {
            case FORWARD -> find ? findFwd : fwdAlgoV7;
            case BACKWARD_DATA -> find ? findBwdData : bwdDataAlgoV7;
            case BACKWARD_FILTER -> find ? findBwdFilter : bwdFilterAlgoV7;
        };
        String fn = (find ? "cudnnFind" : "cudnnGet") + "Convolution" + pass.cudnnName + "Algorithm" + (find ? "" : "_v7");
        try (Arena a = Native.call()) {
            MemorySegment count = a.allocate(INT);
            MemorySegment perf = a.allocate(PERF_SIZE * MAX_ALGOS, 8);
            check((int) mh.invokeExact(Native.ptr(handle), Native.ptr(d0), Native.ptr(d1), Native.ptr(conv), Native.ptr(d3),
                    MAX_ALGOS, count, perf), fn);
            int n = count.get(INT, 0);
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < n; i++) {
                long base = i * PERF_SIZE;
                int algo = perf.get(INT, base + PERF_ALGO);
                int status = perf.get(INT, base + PERF_STATUS);
                long mem = perf.get(LONG, base + PERF_MEMORY);
                int math = perf.get(INT, base + PERF_MATH);
                seen.append(" algo ").append(algo).append(" status ").append(status).append(" ws ").append(mem).append(';');
                if (status == 0 && mem <= maxWorkspace) return new Algo(algo, math, mem);
            }
            throw new CudaException(fn + " found no usable algorithm within a workspace of " + maxWorkspace + " bytes:" + seen);
        } catch (Throwable t) { throw rethrow(fn, t); }
    }

    /** Exact workspace bytes for an algorithm (the heuristic's figure can be stale for some). */
    public long workspaceSize(long handle, Pass pass, long d0, long d1, long conv, long d3, int algo) {
        MethodHandle mh = switch (pass) { case FORWARD -> fwdWs; case BACKWARD_DATA -> bwdDataWs; case BACKWARD_FILTER -> bwdFilterWs; };
        try (Arena a = Native.call()) {
            MemorySegment size = a.allocate(LONG);
            check((int) mh.invokeExact(Native.ptr(handle), Native.ptr(d0), Native.ptr(d1), Native.ptr(conv), Native.ptr(d3), algo, size),
                    "cudnnGetConvolution" + pass.cudnnName + "WorkspaceSize(algo " + algo + ")");
            return size.get(LONG, 0);
        } catch (Throwable t) { throw rethrow("cudnnGet*WorkspaceSize", t); }
    }

    /**
     * Runs a pass: y = alpha conv(x, w) + beta y (forward), dx = alpha conv^T(dy, w) + beta dx
     * (backward-data), dw = alpha corr(x, dy) + beta dw (backward-filter). Descriptors and
     * pointers in cuDNN's order for the pass: (desc0, ptr0), (desc1, ptr1) → (descOut, ptrOut).
     */
    public void run(long handle, Pass pass, float alpha, long desc0, long p0, long desc1, long p1, long conv, int algo,
                    long workspace, long workspaceBytes, float beta, long descOut, long pOut) {
        MethodHandle mh = switch (pass) { case FORWARD -> convFwd; case BACKWARD_DATA -> convBwdData; case BACKWARD_FILTER -> convBwdFilter; };
        try (Arena a = Native.call()) {
            MemorySegment al = a.allocate(FLOAT), be = a.allocate(FLOAT);
            al.set(FLOAT, 0, alpha);
            be.set(FLOAT, 0, beta);
            check((int) mh.invokeExact(Native.ptr(handle), al, Native.ptr(desc0), p0, Native.ptr(desc1), p1, Native.ptr(conv), algo,
                    workspace, workspaceBytes, be, Native.ptr(descOut), pOut), "cudnnConvolution" + pass.cudnnName + "(algo " + algo + ")");
        } catch (Throwable t) { throw rethrow("cudnnConvolution" + pass.cudnnName, t); }
    }

    /** C = alpha A + beta C with broadcasting of A's size-1 dims (the bias add). */
    public void addTensor(long handle, float alpha, long aDesc, long a, float beta, long cDesc, long c) {
        try (Arena ar = Native.call()) {
            MemorySegment al = ar.allocate(FLOAT), be = ar.allocate(FLOAT);
            al.set(FLOAT, 0, alpha);
            be.set(FLOAT, 0, beta);
            check((int) addTensor.invokeExact(Native.ptr(handle), al, Native.ptr(aDesc), a, be, Native.ptr(cDesc), c), "cudnnAddTensor");
        } catch (Throwable t) { throw rethrow("cudnnAddTensor", t); }
    }
}
