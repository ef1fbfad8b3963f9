package org.jgrad.cuda;

import org.jgrad.backend.AsyncUpload;
import org.jgrad.backend.Backend;
import org.jgrad.backend.FusedLoss;
import org.jgrad.backend.FusedNn;
import org.jgrad.backend.FusedOptim;
import org.jgrad.backend.FusedOptim.AdamHyper;
import org.jgrad.backend.FusedOptim.SgdHyper;
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

/**
 * The CUDA backend for one GPU. All work is queued on one stream, so calls return before the
 * GPU finishes; only transfers to the host ({@link #toHost}) and {@link #synchronize} wait.
 * Float32 is the GPU's dtype for arithmetic; copies and fills handle every dtype.
 *
 * <p>Convolutions run on cuDNN ({@link #conv2dForward}, {@link #conv2dBackwardData},
 * {@link #conv2dBackwardFilter}, {@link #conv2dBiasAdd}); the other layer primitives
 * (pooling, upsampling, batch norm, the bias gradient) on the PTX of nn.ptx via {@code CudaNn}.
 *
 * <p>This class only delegates: the helpers share this GPU's {@link DeviceMemory} (allocation,
 * address lookups, temporaries) and {@link DeviceCopies}, and none of them calls back here.
 * A primitive orders its operands after any staged batch's copy with one explicit
 * {@link DeviceMemory#awaitStaged} call before it queues work (here, for the families whose
 * helpers start with argument checks only; in the helper's entry method otherwise).
 */
public final class CudaBackend implements Backend, FusedNn, FusedLoss, FusedOptim, MetricCounting, AsyncUpload {
    private final CudaContext ctx;     // null when running on a simulated device (tests): no cuDNN then
    private final DeviceRuntime rt;
    private final DeviceMemory memory;
    private final DeviceCopies copies;
    private final DeviceErrors errors;
    private final CudaElementwise elementwise;
    private final CudaMatmulConv linear;
    // the families' launchers: cheap to make (no device memory until a launch needs it)
    private final CudaTensorKernels tensorKernels;
    private final CudaNn nn;
    private final CudaLoss loss;
    private final CudaMetrics metrics;
    private final HostTransfers transfers;

    CudaBackend(int index, CudaContext ctx) {
        this(index, ctx, DeviceRuntime.of(ctx), null);
    }

    /** A backend over any runtime; {@code device} fixes the Device its storages report (tests pass one). */
    CudaBackend(int index, CudaContext ctx, DeviceRuntime rt, Device device) {
        this.ctx = ctx;
        this.rt = rt;
        KernelLauncher launcher = rt.launcher();
        this.memory = new DeviceMemory(rt, device == null ? Device.cuda(index) : device,
                "cuda:" + index + " (" + rt.deviceName() + ", " + rt.architecture() + ")");
        Kernels kernels = new Kernels(launcher);
        this.copies = new DeviceCopies(memory, rt, kernels);
        this.errors = new DeviceErrors(rt);
        this.transfers = new HostTransfers(memory, copies, errors, rt);
        this.elementwise = new CudaElementwise(memory, copies, kernels, new WideOps(memory, copies, kernels, launcher));
        this.linear = new CudaMatmulConv(memory, copies, kernels, rt);
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
    public boolean allowTf32() { return linear.allowTf32(); }

    public void setAllowTf32(boolean allow) { linear.setAllowTf32(allow); }

    @Override
    public long deviceToHostBytes() { return transfers.deviceToHostBytes(); }

    @Override
    public long deviceToHostCopies() { return transfers.deviceToHostCopies(); }

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

    /** Without {@code zeroed} no zero-filling pass: every primitive overwrites its outputs. */
    @Override
    public Storage allocate(DType dtype, long numel, boolean zeroed) {
        CudaStorage s = memory.allocate(dtype, numel);
        if (zeroed && s.bytes() > 0) rt.memsetD8(s.pointer(), (byte) 0, s.bytes());
        return s;
    }

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
    public Storage fromHost(Object array, DType dtype) { return transfers.fromHost(array, dtype); }

    @Override
    public void toHost(View src, Object dst) { transfers.toHost(src, dst); }

    @Override
    public void copy(View src, View dst) { copies.copy(src, dst); }

    @Override
    public void fill(View dst, double value) { copies.fill(dst, value); }

    // ------------------------------------------------------------------ elementwise and reductions (CudaElementwise, WideOps)

    @Override
    public void unary(UnaryOp op, View x, View out, double a, double b) { elementwise.unary(op, x, out, a, b); }

    @Override
    public void binary(BinaryOp op, View x, View y, View out) { elementwise.binary(op, x, y, out); }

    /** out = grad where x > 0 else 0: ReLU's backward in one pass (x is the forward input). */
    public void reluBackward(View x, View grad, View out) { elementwise.reluBackward(x, grad, out); }

    @Override
    public void where(View cond, View x, View y, View out) { elementwise.where(cond, x, y, out); }

    @Override
    public void reduce(ReduceOp op, View x, int[] dims, View out) { elementwise.reduce(op, x, dims, out); }

    // ------------------------------------------------------------------ matmul (cuBLAS) and convolution (cuDNN): CudaMatmulConv

    @Override
    public void matmul(View a, View b, View out) { linear.matmul(a, b, out); }

    /** out = conv2d(x, w) (cross-correlation, as in PyTorch); x [N,C,H,W], w [K,C/groups,R,S], out [N,K,P,Q]. */
    @Override
    public void conv2dForward(View x, View w, View out, int[] stride, int[] pad, int[] dilation, int groups) {
        linear.conv2dForward(x, w, out, stride, pad, dilation, groups);
    }

    /** dx = gradient of conv2d with respect to its input, from dy [N,K,P,Q] and w. */
    @Override
    public void conv2dBackwardData(View dy, View w, View dx, int[] stride, int[] pad, int[] dilation, int groups) {
        linear.conv2dBackwardData(dy, w, dx, stride, pad, dilation, groups);
    }

    /** dw = gradient of conv2d with respect to its weight, from x and dy. */
    @Override
    public void conv2dBackwardFilter(View x, View dy, View dw, int[] stride, int[] pad, int[] dilation, int groups) {
        linear.conv2dBackwardFilter(x, dy, dw, stride, pad, dilation, groups);
    }

    /** out[n,k,h,w] += bias[k], in place (one elementwise pass over a stride-0 view of the bias). */
    @Override
    public void conv2dBiasAdd(View out, View bias) { linear.conv2dBiasAdd(out, bias); }

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
                        boolean[] firstStep, SgdHyper h) {
        memory.awaitStaged(params, grads, momentumBuffers);
        optim().sgd(params, grads, momentumBuffers, firstStep, h);
    }

    @Override
    public void adamStep(java.util.List<View> params, java.util.List<View> grads, java.util.List<View> expAvgs,
                         java.util.List<View> expAvgSqs, java.util.List<View> maxExpAvgSqs, long[] steps,
                         AdamHyper h) {
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
}
