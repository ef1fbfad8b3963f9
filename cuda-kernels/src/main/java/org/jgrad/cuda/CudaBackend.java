package org.jgrad.cuda;

import org.jgrad.backend.AsyncUpload;
import org.jgrad.backend.Backend;
import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.MetricCounting;
import org.jgrad.cuda.metrics.CudaMetrics;
import org.jgrad.backend.BinaryOp;
import org.jgrad.backend.Distribution;
import org.jgrad.backend.ReduceOp;
import org.jgrad.backend.UnaryOp;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Storage;
import org.jgrad.tensor.View;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The CUDA backend for one GPU. All work is queued on one stream, so calls return before the
 * GPU finishes; only transfers to the host ({@link #toHost}) and {@link #synchronize} wait.
 * Float32 is the GPU's dtype for arithmetic; copies and fills handle every dtype.
 *
 * <p>Convolutions run on cuDNN ({@link #conv2dForward}, {@link #conv2dBackwardData},
 * {@link #conv2dBackwardFilter}, {@link #conv2dBiasAdd}); the other layer primitives
 * (pooling, upsampling, batch norm, the bias gradient) on the PTX of nn.ptx via {@code CudaNn}.
 */
public final class CudaBackend implements Backend, MetricCounting, AsyncUpload {
    /** Host staging: pinned, reused, chunked so a huge tensor never needs a huge pinned block. */
    static final long STAGING_BYTES = 32L << 20;

    private final int index;
    private final CudaContext ctx;     // null when running on a simulated device (tests): no cuDNN then
    private final DeviceRuntime rt;
    private final DeviceMemory memory;
    private final DeviceCopies copies;
    private final Kernels kernels;
    private final DeviceErrors errors;
    private final WideOps wide;
    // the families' launchers: cheap to make (no device memory until a launch needs it)
    private final CudaTensorKernels tensorKernels;
    private final CudaNn nn;
    private final CudaLoss loss;
    private final CudaMetrics metrics;
    private final AtomicLong d2hBytes = new AtomicLong();
    private final AtomicLong d2hCopies = new AtomicLong();
    private volatile boolean allowTf32 = Boolean.getBoolean("jgrad.cuda.tf32");

    CudaBackend(int index, CudaContext ctx) {
        this(index, ctx, DeviceRuntime.of(ctx), null);
    }

    /** A backend over any runtime; {@code device} fixes the Device its storages report (tests pass one). */
    CudaBackend(int index, CudaContext ctx, DeviceRuntime rt, Device device) {
        this.index = index;
        this.ctx = ctx;
        this.rt = rt;
        KernelLauncher launcher = rt.launcher();
        this.memory = new DeviceMemory(rt, device == null ? Device.cuda(index) : device,
                "cuda:" + index + " (" + rt.deviceName() + ", " + rt.architecture() + ")");
        this.kernels = new Kernels(launcher);
        this.copies = new DeviceCopies(memory, rt, kernels);
        this.errors = new DeviceErrors(rt);
        this.wide = new WideOps(memory, copies, kernels, launcher);
        this.tensorKernels = new CudaTensorKernels(memory, copies, errors, launcher);
        this.nn = new CudaNn(memory, copies, launcher);
        this.loss = new CudaLoss(memory, copies, errors, launcher);
        this.metrics = new CudaMetrics(new CudaMetricDevice(memory, copies, launcher));
    }

    /**
     * Device, driver and library versions and where each library was loaded from, for logs
     * (the GPU check prints it so a result can be traced to the exact libraries).
     */
    public String describe() {
        if (ctx == null) return name() + " (simulated)";
        long[] mem = ctx.memInfo();
        return name() + ": " + ctx.multiprocessors + " SMs, " + mem[1] / (1L << 20) + " MiB (" + mem[0] / (1L << 20) + " free)"
                + ", driver API " + ctx.driver.driverVersion() + ", " + ctx.cublas.libraryName() + " " + ctx.cublas.version(ctx.cublasHandle)
                + ", cuDNN " + ctx.cudnn.version() + "\n" + ctx.librariesUsed;
    }

    /** The driver context (null on a simulated device). */
    public CudaContext context() { return ctx; }

    DeviceRuntime runtime() { return rt; }

    /** This GPU's memory and stream ordering, shared by the helpers (tests inspect it). */
    DeviceMemory memory() { return memory; }

    /** Device address of a view's first element (tests compare it with library call arguments). */
    long address(View v) { return memory.address(v); }

    @Override
    public String name() { return memory.toString(); }

    @Override
    public String toString() { return name(); }

    @Override
    public Device device() { return memory.device(); }

    /** Whether matmul and convolutions may use TF32 tensor cores (off by default: FP32 results match the CPU's closely). */
    public boolean allowTf32() { return allowTf32; }

    public void setAllowTf32(boolean allow) { this.allowTf32 = allow; }

    @Override
    public long deviceToHostBytes() { return d2hBytes.get(); }

    @Override
    public long deviceToHostCopies() { return d2hCopies.get(); }

    /** Waits for the stream, then throws any error a kernel recorded (see {@link DeviceErrors}). */
    @Override
    public void synchronize() {
        rt.synchronize();
        errors.check();
    }

    /** The block kernels report bad input into (their {@code u64 err} parameter). */
    DeviceErrors errors() { return errors; }

    /** The allocator, for tests and memory reports. */
    public DeviceAllocator allocator() { return requireContext("allocator").allocator; }

    /** Number of cached convolution plans (tests check reuse). */
    public int convPlanCount() { return rt.convPlanCount(); }

    private CudaContext requireContext(String what) {
        if (ctx == null) throw Backend.unsupported(what, this);
        return ctx;
    }

    // ------------------------------------------------------------------ memory

    @Override
    public Storage allocate(DType dtype, long numel) {
        CudaStorage s = memory.allocate(dtype, numel);
        if (s.bytes() > 0) rt.memsetD8(s.pointer(), (byte) 0, s.bytes());
        return s;
    }

    /** No zero-filling pass: every primitive overwrites its outputs. */
    @Override
    public Storage allocateUninitialized(DType dtype, long numel) { return memory.allocate(dtype, numel); }

    private volatile CudaBatchStager stager;

    @Override
    public Storage[] uploadAsync(View... hostViews) { return batchStager().upload(hostViews); }

    /** The DataLoader's staging path for this device (pinned ring, copy stream, events); one per backend. */
    CudaBatchStager batchStager() {
        CudaBatchStager s = stager;
        if (s == null) {
            synchronized (this) {
                if (stager == null) stager = new CudaBatchStager(memory, rt);
                s = stager;
            }
        }
        return s;
    }

    @Override
    public Storage fromHost(Object array, DType dtype) {
        int n = HostArrays.length(array, dtype);
        CudaStorage s = memory.allocate(dtype, n);
        // (no Tensor over s here: closing it would drop the only reference and free the block)
        if (n > 0) upload(s.pointer(), dtype, n, array);
        return s;
    }

    @Override
    public void toHost(View src, Object dst) {
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
                MemorySegment stage = staging();
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

    private MemorySegment staging() {
        return rt.staging(STAGING_BYTES);
    }

    @Override
    public void copy(View src, View dst) { copies.copy(src, dst); }

    @Override
    public void fill(View dst, double value) { copies.fill(dst, value); }

    // ------------------------------------------------------------------ elementwise

    @Override
    public void unary(UnaryOp op, View x, View out, double a, double b) {
        memory.require("x", x);
        memory.require("out", out);
        memory.awaitStaged(x, out);
        sameShape("unary " + op, x, out);
        if (x.dtype() != DType.FLOAT32 || !(out.dtype() == DType.FLOAT32 || PtxOps.isComparison(op) && out.dtype() == DType.UINT8)) {
            wide.unary(op, x, out, a, b);
            return;
        }
        int outKind = outKind("unary " + op, out, PtxOps.isComparison(op));
        StridedMeta meta = StridedMeta.of(out.shape(), out.strides(), x.strides());
        kernels.unary(PtxOps.unary(op), meta, memory.address(out), outKind, memory.address(x), (float) a, (float) b);
    }

    @Override
    public void binary(BinaryOp op, View x, View y, View out) {
        memory.require("x", x);
        memory.require("y", y);
        memory.require("out", out);
        memory.awaitStaged(x, y, out);
        sameShape("binary " + op, x, out);
        sameShape("binary " + op, y, out);
        if (x.dtype() != DType.FLOAT32 || y.dtype() != DType.FLOAT32
                || !(out.dtype() == DType.FLOAT32 || op.isComparison() && out.dtype() == DType.UINT8)) {
            wide.binary(op, x, y, out);
            return;
        }
        int outKind = outKind("binary " + op, out, op.isComparison());
        StridedMeta meta = StridedMeta.of(out.shape(), out.strides(), x.strides(), y.strides());
        kernels.binary(PtxOps.binary(op), meta, memory.address(out), outKind, memory.address(x), memory.address(y));
    }

    /** out = grad where x > 0 else 0: ReLU's backward in one pass (x is the forward input). */
    public void reluBackward(View x, View grad, View out) {
        memory.require("x", x);
        memory.require("grad", grad);
        memory.require("out", out);
        memory.awaitStaged(x, grad, out);
        sameShape("reluBackward", x, out);
        sameShape("reluBackward", grad, out);
        requireF32("reluBackward", x);
        requireF32("reluBackward", grad);
        outKind("reluBackward", out, false);
        StridedMeta meta = StridedMeta.of(out.shape(), out.strides(), x.strides(), grad.strides());
        kernels.binary(PtxOps.RELU_BACKWARD, meta, memory.address(out), 0, memory.address(x), memory.address(grad));
    }

    @Override
    public void where(View cond, View x, View y, View out) {
        memory.require("cond", cond);
        memory.require("x", x);
        memory.require("y", y);
        memory.require("out", out);
        memory.awaitStaged(cond, x, y, out);
        sameShape("where", cond, out);
        sameShape("where", x, out);
        sameShape("where", y, out);
        requireF32("where", x);
        requireF32("where", y);
        requireF32("where", out);
        int condKind = switch (cond.dtype()) {
            case FLOAT32 -> 0;
            case UINT8 -> 1;
            default -> throw Backend.unsupported("where with a " + cond.dtype() + " condition", this);
        };
        // the kernel writes a dense output; any other layout goes through a temporary
        View target = out.isContiguous() ? out : memory.temporary(DType.FLOAT32, out.shape());
        try {
            StridedMeta meta = StridedMeta.of(out.shape(), cond.strides(), x.strides(), y.strides());
            kernels.where(meta, memory.address(target), memory.address(cond), condKind, memory.address(x), memory.address(y));
            if (target != out) copy(target, out);
        } finally {
            if (target != out) memory.release(target);
        }
    }

    // ------------------------------------------------------------------ reductions

    @Override
    public void reduce(ReduceOp op, View x, int[] dims, View out) {
        memory.require("x", x);
        memory.require("out", out);
        memory.awaitStaged(x, out);
        int rank = x.rank();
        boolean[] reduced = new boolean[rank];
        for (int d : dims) {
            if (d < 0 || d >= rank) throw new IllegalArgumentException("reduce dims " + Arrays.toString(dims) + " out of range for rank " + rank);
            reduced[d] = true;
        }
        // permute: kept dims first (their order is out's order), reduced dims last
        int[] shape = x.shape(), strides = x.strides();
        int[] pShape = new int[rank], pStrides = new int[rank];
        int p = 0;
        long rows = 1, k = 1;
        for (int d = 0; d < rank; d++) if (!reduced[d]) { pShape[p] = shape[d]; pStrides[p++] = strides[d]; rows *= shape[d]; }
        for (int d = 0; d < rank; d++) if (reduced[d]) { pShape[p] = shape[d]; pStrides[p++] = strides[d]; k *= shape[d]; }
        if (out.numel() != rows) throw new IllegalArgumentException("reduce: out " + Arrays.toString(out.shape()) + " must have " + rows + " elements");
        if (rows == 0) return;
        if (k == 0) { fill(out, identity(op)); return; }
        if (x.dtype() != DType.FLOAT32 || out.dtype() != DType.FLOAT32) {
            wide.reduce(op, new View(x.storage(), pShape, pStrides, x.offset()), (int) rows, (int) k, out);
            return;
        }
        View target = out.isContiguous() ? out : memory.temporary(DType.FLOAT32, out.shape());
        try {
            byte[] meta = StridedMeta.of(pShape, pStrides).pack(1);
            kernels.reduceRows(PtxOps.reduce(op), (int) rows, (int) k, memory.address(target), memory.address(x), meta);
            if (target != out) copy(target, out);
        } finally {
            if (target != out) memory.release(target);
        }
    }

    private static double identity(ReduceOp op) {
        return switch (op) { case SUM -> 0; case PROD -> 1; case MAX -> Double.NEGATIVE_INFINITY; case MIN -> Double.POSITIVE_INFINITY; };
    }

    // ------------------------------------------------------------------ matmul

    @Override
    public void matmul(View a, View b, View out) {
        memory.require("a", a);
        memory.require("b", b);
        memory.require("out", out);
        memory.awaitStaged(a, b, out);
        requireF32("matmul", a);
        requireF32("matmul", b);
        requireF32("matmul", out);
        if (a.rank() != 3 || b.rank() != 3 || out.rank() != 3) {
            throw new IllegalArgumentException("matmul: expected a [B,M,K], b [B,K,N], out [B,M,N], got " + Arrays.toString(a.shape())
                    + ", " + Arrays.toString(b.shape()) + ", " + Arrays.toString(out.shape()));
        }
        int batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
        if (b.size(0) != batch || b.size(1) != k || out.size(0) != batch || out.size(1) != m || out.size(2) != n) {
            throw new IllegalArgumentException("matmul: shapes a " + Arrays.toString(a.shape()) + ", b " + Arrays.toString(b.shape())
                    + ", out " + Arrays.toString(out.shape()) + " do not agree");
        }
        if (out.numel() == 0) return;
        if (k == 0) { fill(out, 0); return; }
        View a2 = GemmMapping.mappable(m, k, a.strides()[1], a.strides()[2]) && a.strides()[0] >= 0 ? a : copies.dense(a);
        View b2 = GemmMapping.mappable(k, n, b.strides()[1], b.strides()[2]) && b.strides()[0] >= 0 ? b : copies.dense(b);
        boolean outOk = GemmMapping.outputMappable(m, n, out.strides()[1], out.strides()[2])
                && (batch == 1 || out.strides()[0] >= (long) (m - 1) * Math.max(out.strides()[1], n) + n);
        View c = outOk ? out : memory.temporary(DType.FLOAT32, out.shape());
        try {
            int[] sa = a2.strides(), sb = b2.strides(), sc = c.strides();
            GemmMapping.Call call = GemmMapping.map(batch, m, n, k, batch == 1 ? 0 : sa[0], sa[1], sa[2],
                    batch == 1 ? 0 : sb[0], sb[1], sb[2], batch == 1 ? 0 : sc[0], sc[1], sc[2]);
            // cuBLAS's first operand is B's buffer, its second A's: C^T = B^T A^T
            rt.gemm(call, memory.address(b2), memory.address(a2), memory.address(c), allowTf32);
            if (c != out) copy(c, out);
        } finally {
            if (a2 != a) memory.release(a2);
            if (b2 != b) memory.release(b2);
            if (c != out) memory.release(c);
        }
    }

    // ------------------------------------------------------------------ convolution (cuDNN)

    /** out = conv2d(x, w) (cross-correlation, as in PyTorch); x [N,C,H,W], w [K,C/groups,R,S], out [N,K,P,Q]. */
    @Override
    public void conv2dForward(View x, View w, View out, int[] stride, int[] pad, int[] dilation, int groups) {
        ConvGeometry g = convArgs("conv2dForward", x, w, stride, pad, dilation, groups);
        expectShape("conv2dForward", "out", out, g.outputShape());
        runConv(g, Cudnn.Pass.FORWARD, x, w, out);
    }

    /** dx = gradient of conv2d with respect to its input, from dy [N,K,P,Q] and w. */
    @Override
    public void conv2dBackwardData(View dy, View w, View dx, int[] stride, int[] pad, int[] dilation, int groups) {
        ConvGeometry g = convArgs("conv2dBackwardData", dx, w, stride, pad, dilation, groups);
        expectShape("conv2dBackwardData", "dy", dy, g.outputShape());
        runConv(g, Cudnn.Pass.BACKWARD_DATA, w, dy, dx);
    }

    /** dw = gradient of conv2d with respect to its weight, from x and dy. */
    @Override
    public void conv2dBackwardFilter(View x, View dy, View dw, int[] stride, int[] pad, int[] dilation, int groups) {
        ConvGeometry g = convArgs("conv2dBackwardFilter", x, dw, stride, pad, dilation, groups);
        expectShape("conv2dBackwardFilter", "dy", dy, g.outputShape());
        runConv(g, Cudnn.Pass.BACKWARD_FILTER, x, dy, dw);
    }

    /**
     * out[n,k,h,w] += bias[k], in place: the elementwise add kernel over a stride-0 [1,K,1,1]
     * view of the bias (one pass, as cudnnAddTensor would make, and no cuDNN call to order).
     */
    @Override
    public void conv2dBiasAdd(View out, View bias) {
        memory.require("out", out);
        memory.require("bias", bias);
        memory.awaitStaged(out, bias);
        requireF32("conv2dBiasAdd", out);
        requireF32("conv2dBiasAdd", bias);
        if (out.rank() != 4 || bias.numel() != out.size(1)) {
            throw new IllegalArgumentException("conv2dBiasAdd: bias of " + bias.numel() + " elements does not match out " + Arrays.toString(out.shape()));
        }
        if (!out.isContiguous()) throw new IllegalArgumentException("conv2dBiasAdd: out must be contiguous");
        View b = copies.dense(bias);
        try {
            StridedMeta meta = StridedMeta.of(out.shape(), out.strides(), out.strides(), new int[] {0, 1, 0, 0});
            kernels.binary(PtxOps.binary(BinaryOp.ADD), meta, memory.address(out), 0, memory.address(out), memory.address(b));
        } finally {
            if (b != bias) memory.release(b);
        }
    }

    private ConvGeometry convArgs(String what, View x, View w, int[] stride, int[] pad, int[] dilation, int groups) {
        memory.require("x", x);
        memory.require("w", w);
        requireF32(what, x);
        requireF32(what, w);
        ConvGeometry g = ConvGeometry.of(x.shape(), w.shape(), stride, pad, dilation, groups);
        return g;
    }

    private static void expectShape(String what, String name, View t, int[] shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(what + ": " + name + " must have shape " + Arrays.toString(shape) + ", got " + Arrays.toString(t.shape()));
        }
    }

    /** Runs one pass with dense operands (copies made for strided views). */
    private void runConv(ConvGeometry g, Cudnn.Pass pass, View in0, View in1, View out) {
        memory.require("out", out);
        memory.awaitStaged(in0, in1, out);
        requireF32("conv2d", in0);
        requireF32("conv2d", in1);
        requireF32("conv2d", out);
        if (g.n() == 0) return;
        View a = copies.dense(in0), b = copies.dense(in1);
        View o = out.isContiguous() ? out : memory.temporary(DType.FLOAT32, out.shape());
        try {
            rt.conv(g, pass, memory.address(a), memory.address(b), memory.address(o), allowTf32);
            if (o != out) copy(o, out);
        } finally {
            if (a != in0) memory.release(a);
            if (b != in1) memory.release(b);
            if (o != out) memory.release(o);
        }
    }

    // ------------------------------------------------------------------ tensor primitives: argReduce, softmax, gather, scatterAdd, random
    // (PTX in argreduce.ptx, softmax.ptx, gather.ptx, philox.ptx; logic in CudaTensorKernels)

    @Override
    public void argReduce(boolean max, View x, int dim, View values, View indices) { memory.awaitStaged(x, values, indices); tensorKernels.argReduce(max, x, dim, values, indices); }

    @Override
    public void softmax(View x, int dim, boolean log, View out) { memory.awaitStaged(x, out); tensorKernels.softmax(x, dim, log, out); }

    /**
     * Drawn on the device with Philox4x32-10 (no host copy): the same seed gives the same
     * numbers on every GPU, but not the CPU backend's numbers (as in PyTorch). Models are
     * initialised on the CPU, so a model moved with {@code .to(cuda)} starts identical.
     */
    @Override
    public void random(View out, Distribution dist, double a, double b, long seed) { memory.awaitStaged(out); tensorKernels.random(out, dist, a, b, seed); }

    @Override
    public void gather(View src, int dim, View index, View out) { memory.awaitStaged(src, index, out); tensorKernels.gather(src, dim, index, out); }

    @Override
    public void scatterAdd(View dst, int dim, View index, View src) { memory.awaitStaged(dst, index, src); tensorKernels.scatterAdd(dst, dim, index, src); }

    /** {@code n} elements of a host array to device address {@code base}, through the staging buffer. */
    private void upload(long base, DType dtype, int n, Object array) {
        synchronized (this) {
            MemorySegment stage = staging();
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

    // ------------------------------------------------------------------ metrics (PTX in seg_stats.ptx, confusion.ptx)

    @Override
    public void binaryStats(View preds, View targets, BinaryStatsSpec spec, View counts) { memory.awaitStaged(preds, targets, counts); metrics.binaryStats(preds, targets, spec, counts); }

    @Override
    public void confusionFromLogits(View logits, View targets, long ignoreIndex, View hist, View bad) { memory.awaitStaged(logits, targets, hist, bad); metrics.confusionFromLogits(logits, targets, ignoreIndex, hist, bad); }

    @Override
    public void confusionFromLabels(View preds, View targets, long ignoreIndex, View hist, View bad) { memory.awaitStaged(preds, targets, hist, bad); metrics.confusionFromLabels(preds, targets, ignoreIndex, hist, bad); }

    // ------------------------------------------------------------------ loss and optimizer steps (loss.ptx, optim.ptx: CudaLoss, CudaOptim)

    private volatile CudaOptim optim;

    /** The fused optimizer launcher (its staging table is visible to tests). */
    CudaOptim optim() {
        CudaOptim o = optim;
        if (o == null) {
            synchronized (this) {
                if (optim == null) optim = new CudaOptim(memory, rt);
                o = optim;
            }
        }
        return o;
    }

    @Override
    public void softmaxCrossEntropyForward(View logits, View target, View weight, long ignoreIndex, View logProbs, View terms) {
        memory.awaitStaged(logits, target, weight, logProbs, terms);
        loss.forward(logits, target, weight, ignoreIndex, logProbs, terms);
    }

    @Override
    public void softmaxCrossEntropyBackward(View gradTerms, View logProbs, View target, View weight, long ignoreIndex, View gradLogits) {
        memory.awaitStaged(gradTerms, logProbs, target, weight, gradLogits);
        loss.backward(gradTerms, logProbs, target, weight, ignoreIndex, gradLogits);
    }

    @Override
    public void sgdStep(java.util.List<View> params, java.util.List<View> grads, java.util.List<View> momentumBuffers,
                        boolean[] firstStep, org.jgrad.backend.OptimPrimitives.SgdHyper h) {
        memory.awaitStaged(params, grads, momentumBuffers);
        optim().sgd(params, grads, momentumBuffers, firstStep, h);
    }

    @Override
    public void adamStep(java.util.List<View> params, java.util.List<View> grads, java.util.List<View> expAvgs,
                         java.util.List<View> expAvgSqs, java.util.List<View> maxExpAvgSqs, long[] steps,
                         org.jgrad.backend.OptimPrimitives.AdamHyper h) {
        memory.awaitStaged(params, grads, expAvgs, expAvgSqs, maxExpAvgSqs);
        optim().adam(params, grads, expAvgs, expAvgSqs, maxExpAvgSqs, steps, h);
    }

    // ------------------------------------------------------------------ nn layers (PTX in nn.ptx; CudaNn)

    @Override
    public boolean reluBackwardFused(View gradOut, View out, View gradIn) { memory.awaitStaged(gradOut, out, gradIn); return nn.reluBackwardFused(gradOut, out, gradIn); }

    @Override
    public void conv2dBiasBackward(View gradOut, View gradBias) { memory.awaitStaged(gradOut, gradBias); nn.conv2dBiasBackward(gradOut, gradBias); }

    @Override
    public void batchNormForward(View x, View runningMean, View runningVar, View weight, View bias,
                                 boolean training, double momentum, double eps, View out, View saveMean, View saveInvStd) {
        memory.awaitStaged(x, runningMean, runningVar, weight, bias, out, saveMean, saveInvStd);
        nn.batchNormForward(x, runningMean, runningVar, weight, bias, training, momentum, eps, out, saveMean, saveInvStd);
    }

    @Override
    public void batchNormBackward(View gradOut, View x, View weight, View saveMean, View saveInvStd,
                                  boolean training, View gradInput, View gradWeight, View gradBias) {
        memory.awaitStaged(gradOut, x, weight, saveMean, saveInvStd, gradInput, gradWeight, gradBias);
        nn.batchNormBackward(gradOut, x, weight, saveMean, saveInvStd, training, gradInput, gradWeight, gradBias);
    }

    @Override
    public void maxPool2dForward(View x, View out, View indices, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        memory.awaitStaged(x, out, indices);
        nn.maxPool2dForward(x, out, indices, kernel, stride, padding, dilation);
    }

    @Override
    public void maxPool2dBackward(View gradOut, View indices, View gradX) { memory.awaitStaged(gradOut, indices, gradX); nn.maxPool2dBackward(gradOut, indices, gradX); }

    @Override
    public void avgPool2dForward(View x, View out, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        memory.awaitStaged(x, out);
        nn.avgPool2dForward(x, out, kernel, stride, padding, countIncludePad);
    }

    @Override
    public void avgPool2dBackward(View gradOut, View gradX, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        memory.awaitStaged(gradOut, gradX);
        nn.avgPool2dBackward(gradOut, gradX, kernel, stride, padding, countIncludePad);
    }

    @Override
    public void upsampleNearest2dForward(View x, View out, float scaleH, float scaleW) { memory.awaitStaged(x, out); nn.upsampleNearest2dForward(x, out, scaleH, scaleW); }

    @Override
    public void upsampleNearest2dBackward(View gradOut, View gradX, float scaleH, float scaleW) {
        memory.awaitStaged(gradOut, gradX);
        nn.upsampleNearest2dBackward(gradOut, gradX, scaleH, scaleW);
    }

    // ------------------------------------------------------------------ helpers

    private void requireF32(String what, View t) {
        if (t.dtype() != DType.FLOAT32) throw Backend.unsupported(what + " on " + t.dtype() + " (CUDA arithmetic is float32 for now)", this);
    }

    private int outKind(String what, View out, boolean comparison) {
        if (out.dtype() == DType.FLOAT32) return 0;
        if (comparison && out.dtype() == DType.UINT8) return 1;
        throw Backend.unsupported(what + " writing " + out.dtype(), this);
    }

    private static void sameShape(String what, View a, View b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(what + ": shapes " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()) + " differ");
        }
    }
}
