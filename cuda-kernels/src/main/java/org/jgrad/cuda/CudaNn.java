package org.jgrad.cuda;

import org.jgrad.backend.Backend;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.View;

import java.util.Arrays;

/**
 * The CUDA backend's layer primitives (pooling, nearest upsampling, batch norm, the conv bias
 * gradient, ReLU's fused backward) on the kernels of nn.ptx. Semantics are core's CPU
 * reference (CpuPool, CpuNn, CpuConv). Each call checks its operands, makes dense device
 * copies of strided inputs, writes through a dense temporary where an output is a strided
 * view, and queues kernels on the backend's stream: nothing is copied to the host and
 * nothing waits.
 */
final class CudaNn {
    private final DeviceMemory mem;
    private final DeviceCopies copies;
    private final NnKernels k;

    CudaNn(DeviceMemory mem, DeviceCopies copies, KernelLauncher launcher) {
        this.mem = mem;
        this.copies = copies;
        this.k = new NnKernels(launcher);
    }

    // ------------------------------------------------------------------ ReLU

    boolean reluBackwardFused(View gradOut, View out, View gradIn) {
        mem.require("gradOut", gradOut);
        mem.require("out", out);
        mem.require("gradIn", gradIn);
        // like the CPU's fused form: float32 and dense only; anything else is composed by the op
        if (gradOut.dtype() != DType.FLOAT32 || out.dtype() != DType.FLOAT32 || gradIn.dtype() != DType.FLOAT32) return false;
        if (!gradOut.isContiguous() || !out.isContiguous() || !gradIn.isContiguous()) return false;
        if (!Arrays.equals(gradOut.shape(), out.shape()) || !Arrays.equals(gradOut.shape(), gradIn.shape())) {
            throw new IllegalArgumentException("reluBackwardFused: gradOut " + Arrays.toString(gradOut.shape()) + ", out "
                    + Arrays.toString(out.shape()) + " and gradIn " + Arrays.toString(gradIn.shape()) + " must have one shape");
        }
        int n = gradIn.numel();
        if (n > 0) k.reluBackward(n, mem.address(gradIn), mem.address(gradOut), mem.address(out));
        return true;
    }

    // ------------------------------------------------------------------ pooling

    void maxPool2dForward(View x, View out, View indices, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        String op = "maxPool2dForward";
        image(op, "x", x);
        image(op, "out", out);
        mem.require("indices", indices);
        if (indices.dtype() != DType.INT64) throw new IllegalArgumentException(op + ": indices must be INT64, got " + indices.dtype());
        if (!Arrays.equals(indices.shape(), out.shape())) {
            throw new IllegalArgumentException(op + ": indices " + Arrays.toString(indices.shape()) + " must have out's shape " + Arrays.toString(out.shape()));
        }
        samePlanes(op, x, "out", out);
        int[] kk = pair(op, "kernel", kernel, 1), s = pair(op, "stride", stride, 1), p = pair(op, "padding", padding, 0), d = pair(op, "dilation", dilation, 1);
        if (out.numel() == 0) return;
        View xd = copies.dense(x), o = target(out), idx = target(indices);
        try {
            k.maxPoolForward(out.numel(), x.size(2), x.size(3), out.size(2), out.size(3), kk, s, p, d, mem.address(o), mem.address(idx), mem.address(xd));
            finish(o, out);
            finish(idx, indices);
        } finally {
            release(xd, x);
        }
    }

    void maxPool2dBackward(View gradOut, View indices, View gradX) {
        String op = "maxPool2dBackward";
        image(op, "gradOut", gradOut);
        image(op, "gradX", gradX);
        mem.require("indices", indices);
        if (indices.dtype() != DType.INT64) throw new IllegalArgumentException(op + ": indices must be INT64, got " + indices.dtype());
        if (!Arrays.equals(indices.shape(), gradOut.shape())) {
            throw new IllegalArgumentException(op + ": indices " + Arrays.toString(indices.shape()) + " must have gradOut's shape " + Arrays.toString(gradOut.shape()));
        }
        samePlanes(op, gradX, "gradOut", gradOut);
        if (gradX.numel() == 0) return;
        View gx = target(gradX);
        copies.fill(gx, 0);
        if (gradOut.numel() > 0) {
            View g = copies.dense(gradOut), idx = copies.dense(indices);
            try {
                k.maxPoolBackward(gradOut.numel(), gradOut.size(2) * gradOut.size(3), gradX.size(2) * gradX.size(3),
                        mem.address(gx), mem.address(g), mem.address(idx));
            } finally {
                release(g, gradOut);
                release(idx, indices);
            }
        }
        finish(gx, gradX);
    }

    void avgPool2dForward(View x, View out, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        String op = "avgPool2dForward";
        image(op, "x", x);
        image(op, "out", out);
        samePlanes(op, x, "out", out);
        int[] kk = pair(op, "kernel", kernel, 1), s = pair(op, "stride", stride, 1), p = pair(op, "padding", padding, 0);
        if (out.numel() == 0) return;
        View xd = copies.dense(x), o = target(out);
        try {
            k.avgPoolForward(out.numel(), x.size(2), x.size(3), out.size(2), out.size(3), kk, s, p, countIncludePad, mem.address(o), mem.address(xd));
            finish(o, out);
        } finally {
            release(xd, x);
        }
    }

    void avgPool2dBackward(View gradOut, View gradX, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        String op = "avgPool2dBackward";
        image(op, "gradOut", gradOut);
        image(op, "gradX", gradX);
        samePlanes(op, gradX, "gradOut", gradOut);
        int[] kk = pair(op, "kernel", kernel, 1), s = pair(op, "stride", stride, 1), p = pair(op, "padding", padding, 0);
        if (gradX.numel() == 0) return;
        if (gradOut.numel() == 0) { copies.fill(gradX, 0); return; }
        View g = copies.dense(gradOut), gx = target(gradX);
        try {
            k.avgPoolBackward(gradX.numel(), gradX.size(2), gradX.size(3), gradOut.size(2), gradOut.size(3), kk, s, p, countIncludePad,
                    mem.address(gx), mem.address(g));
            finish(gx, gradX);
        } finally {
            release(g, gradOut);
        }
    }

    // ------------------------------------------------------------------ nearest upsampling

    void upsampleNearest2dForward(View x, View out, float scaleH, float scaleW) {
        String op = "upsampleNearest2dForward";
        image(op, "x", x);
        image(op, "out", out);
        samePlanes(op, x, "out", out);
        if (out.numel() == 0) return;
        if (x.numel() == 0) throw new IllegalArgumentException(op + ": x " + Arrays.toString(x.shape()) + " has no pixels for out " + Arrays.toString(out.shape()));
        View xd = copies.dense(x), o = target(out);
        try {
            k.upsampleForward(out.numel(), x.size(2), x.size(3), out.size(2), out.size(3), scaleH, scaleW, mem.address(o), mem.address(xd));
            finish(o, out);
        } finally {
            release(xd, x);
        }
    }

    void upsampleNearest2dBackward(View gradOut, View gradX, float scaleH, float scaleW) {
        String op = "upsampleNearest2dBackward";
        image(op, "gradOut", gradOut);
        image(op, "gradX", gradX);
        samePlanes(op, gradX, "gradOut", gradOut);
        if (gradX.numel() == 0) return;
        if (gradOut.numel() == 0) { copies.fill(gradX, 0); return; }
        View g = copies.dense(gradOut), gx = target(gradX);
        try {
            k.upsampleBackward(gradX.numel(), gradX.size(2), gradX.size(3), gradOut.size(2), gradOut.size(3), scaleH, scaleW,
                    mem.address(gx), mem.address(g));
            finish(gx, gradX);
        } finally {
            release(g, gradOut);
        }
    }

    // ------------------------------------------------------------------ batch norm

    void batchNormForward(View x, View runningMean, View runningVar, View weight, View bias,
                          boolean training, double momentum, double eps, View out, View saveMean, View saveInvStd) {
        String op = "batchNormForward";
        float32(op, "x", x);
        if (x.rank() != 3) throw new IllegalArgumentException(op + ": x must be [N, C, S], got " + Arrays.toString(x.shape()));
        int n = x.size(0), c = x.size(1), s = x.size(2);
        float32(op, "out", out);
        if (!Arrays.equals(out.shape(), x.shape())) {
            throw new IllegalArgumentException(op + ": out " + Arrays.toString(out.shape()) + " must have x's shape " + Arrays.toString(x.shape()));
        }
        channelVector(op, "saveMean", saveMean, c, false);
        channelVector(op, "saveInvStd", saveInvStd, c, false);
        channelVector(op, "runningMean", runningMean, c, true);
        channelVector(op, "runningVar", runningVar, c, true);
        channelVector(op, "weight", weight, c, true);
        channelVector(op, "bias", bias, c, true);
        if (!training && (runningMean == null || runningVar == null)) {
            throw new IllegalArgumentException(op + ": runningMean and runningVar are required in eval mode (training=false)");
        }
        if (!(eps >= 0)) throw new IllegalArgumentException(op + ": eps must be >= 0, got " + eps);
        if (c == 0) return;
        int m = n * s;
        int parts = NnKernels.parts(c, m, k.multiprocessors());
        View xd = copies.dense(x), o = target(out), sm = target(saveMean), si = target(saveInvStd);
        View ws = training ? scratch(DType.FLOAT64, 2L * c * parts) : null, coef = scratch(DType.FLOAT32, 2L * c);
        try {
            if (training) {
                if (m > 0) k.channelPartials(NnKernels.PARTIALS_STATS, c, s, m, parts, mem.address(ws), mem.address(xd), 0L, 0L, 0);
                else copies.fill(ws, 0);
            }
            k.batchNormForwardFinalize(c, s, parts, m, training, momentum, eps, ws == null ? 0L : mem.address(ws), mem.address(xd),
                    addressOrZero(runningMean), strideOf(runningMean), addressOrZero(runningVar), strideOf(runningVar),
                    addressOrZero(weight), strideOf(weight), addressOrZero(bias), strideOf(bias),
                    mem.address(sm), mem.address(si), mem.address(coef));
            if (x.numel() > 0) k.batchNormApply(NnKernels.APPLY_FORWARD, x.numel(), c, s, mem.address(o), mem.address(xd), 0L, mem.address(coef));
            finish(o, out);
            finish(sm, saveMean);
            finish(si, saveInvStd);
        } finally {
            release(xd, x);
            if (ws != null) mem.release(ws);
            mem.release(coef);
        }
    }

    void batchNormBackward(View gradOut, View x, View weight, View saveMean, View saveInvStd,
                           boolean training, View gradInput, View gradWeight, View gradBias) {
        String op = "batchNormBackward";
        float32(op, "x", x);
        if (x.rank() != 3) throw new IllegalArgumentException(op + ": x must be [N, C, S], got " + Arrays.toString(x.shape()));
        int n = x.size(0), c = x.size(1), s = x.size(2);
        float32(op, "gradOut", gradOut);
        if (!Arrays.equals(gradOut.shape(), x.shape())) {
            throw new IllegalArgumentException(op + ": gradOut " + Arrays.toString(gradOut.shape()) + " must have x's shape " + Arrays.toString(x.shape()));
        }
        if (gradInput != null) {
            float32(op, "gradInput", gradInput);
            if (!Arrays.equals(gradInput.shape(), x.shape())) {
                throw new IllegalArgumentException(op + ": gradInput " + Arrays.toString(gradInput.shape()) + " must have x's shape " + Arrays.toString(x.shape()));
            }
        }
        channelVector(op, "weight", weight, c, true);
        channelVector(op, "saveMean", saveMean, c, false);
        channelVector(op, "saveInvStd", saveInvStd, c, false);
        channelVector(op, "gradWeight", gradWeight, c, true);
        channelVector(op, "gradBias", gradBias, c, true);
        if (c == 0 || (gradInput == null && gradWeight == null && gradBias == null)) return;
        int m = n * s;
        boolean haveSums = gradWeight != null || gradBias != null || (training && gradInput != null);
        int parts = NnKernels.parts(c, m, k.multiprocessors());
        View g = copies.dense(gradOut), xd = copies.dense(x);
        View gw = gradWeight == null ? null : target(gradWeight), gb = gradBias == null ? null : target(gradBias);
        View gi = gradInput == null ? null : target(gradInput);
        View ws = haveSums ? scratch(DType.FLOAT64, 2L * c * parts) : null, coef = scratch(DType.FLOAT32, 4L * c);
        try {
            if (haveSums) {
                if (m > 0) {
                    k.channelPartials(NnKernels.PARTIALS_BACKWARD, c, s, m, parts, mem.address(ws), mem.address(g), mem.address(xd),
                            mem.address(saveMean), saveMean.strides()[0]);
                } else {
                    copies.fill(ws, 0);
                }
            }
            k.batchNormBackwardFinalize(c, parts, m, training, haveSums, ws == null ? 0L : mem.address(ws),
                    addressOrZero(weight), strideOf(weight), mem.address(saveMean), saveMean.strides()[0],
                    mem.address(saveInvStd), saveInvStd.strides()[0], addressOrZero(gw), addressOrZero(gb), mem.address(coef));
            if (gi != null && gi.numel() > 0) {
                k.batchNormApply(NnKernels.APPLY_BACKWARD, gi.numel(), c, s, mem.address(gi), mem.address(xd), mem.address(g), mem.address(coef));
            }
            if (gi != null) finish(gi, gradInput);
            if (gw != null) finish(gw, gradWeight);
            if (gb != null) finish(gb, gradBias);
        } finally {
            release(g, gradOut);
            release(xd, x);
            if (ws != null) mem.release(ws);
            mem.release(coef);
        }
    }

    // ------------------------------------------------------------------ conv bias gradient

    void conv2dBiasBackward(View gradOut, View gradBias) {
        String op = "conv2dBiasBackward";
        float32(op, "gradOut", gradOut);
        if (gradOut.rank() < 2) throw new IllegalArgumentException(op + ": gradOut must be [N, C, ...], got " + Arrays.toString(gradOut.shape()));
        int n = gradOut.size(0), c = gradOut.size(1);
        channelVector(op, "gradBias", gradBias, c, false);
        if (c == 0) return;
        int s = gradOut.numel() / Math.max(1, n * c), m = n * s;
        if (m == 0) { copies.fill(gradBias, 0); return; }
        int parts = NnKernels.parts(c, m, k.multiprocessors());
        View g = copies.dense(gradOut), ws = scratch(DType.FLOAT64, 2L * c * parts);
        try {
            k.channelPartials(NnKernels.PARTIALS_SUM, c, s, m, parts, mem.address(ws), mem.address(g), 0L, 0L, 0);
            k.channelSumFinalize(c, parts, mem.address(ws), mem.address(gradBias), gradBias.strides()[0]);
        } finally {
            release(g, gradOut);
            mem.release(ws);
        }
    }

    // ------------------------------------------------------------------ helpers

    private void float32(String op, String name, View t) {
        mem.require(name, t);
        if (t.dtype() != DType.FLOAT32) throw Backend.unsupported(op + " with " + name + " of " + t.dtype() + " (CUDA arithmetic is float32)", mem);
    }

    private void image(String op, String name, View t) {
        float32(op, name, t);
        if (t.rank() != 4) throw new IllegalArgumentException(op + ": " + name + " must be [N, C, H, W], got " + Arrays.toString(t.shape()));
    }

    private static void samePlanes(String op, View a, String name, View b) {
        if (a.size(0) != b.size(0) || a.size(1) != b.size(1)) {
            throw new IllegalArgumentException(op + ": " + name + " " + Arrays.toString(b.shape()) + " must have the same N and C as "
                    + Arrays.toString(a.shape()));
        }
    }

    private void channelVector(String op, String name, View t, int c, boolean optional) {
        if (t == null) {
            if (optional) return;
            throw new IllegalArgumentException(op + ": " + name + " must not be null");
        }
        float32(op, name, t);
        if (t.rank() != 1 || t.size(0) != c) {
            throw new IllegalArgumentException(op + ": " + name + " must have shape [" + c + "], got " + Arrays.toString(t.shape()));
        }
    }

    private static int[] pair(String op, String name, int[] v, int min) {
        if (v == null || v.length != 2) throw new IllegalArgumentException(op + ": " + name + " must be {height, width}, got " + Arrays.toString(v));
        if (v[0] < min || v[1] < min) throw new IllegalArgumentException(op + ": " + name + " must be >= " + min + ", got " + Arrays.toString(v));
        return v;
    }

    private long addressOrZero(View t) { return t == null ? 0L : mem.address(t); }

    private static int strideOf(View t) { return t == null ? 0 : t.strides()[0]; }

    /** An uninitialised device array for partial sums or coefficients (the caller releases it). */
    private View scratch(DType dtype, long numel) {
        if (numel > Integer.MAX_VALUE) throw new IllegalArgumentException("numel must be in [0, 2^31), got " + numel);
        return mem.temporary(dtype, (int) numel);
    }

    private View target(View out) { return copies.target(out); }

    private void finish(View target, View out) { copies.finish(target, out); }

    private void release(View dense, View original) { copies.release(dense, original); }
}
