package org.jgrad.cuda;

import org.jgrad.backend.Backend;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.View;

import java.util.Arrays;
import java.util.List;

/**
 * The fused softmax cross-entropy of {@link org.jgrad.backend.FusedLoss} on the GPU
 * (loss.ptx: {@code ce_fwd_f32}, {@code ce_bwd_f32}). Checks the arguments, picks how many lanes
 * share a column, and launches; nothing is copied to the host. A target out of range is found by
 * the kernel and reported through the backend's {@link DeviceErrors} at the next synchronising
 * call (e.g. {@code loss.item()}), naming the value.
 */
final class CudaLoss {
    static final String FAMILY = "loss";
    static final int BLOCK = 256;

    private final DeviceMemory mem;
    private final DeviceCopies copies;
    private final DeviceErrors errors;
    private final KernelLauncher launcher;

    CudaLoss(DeviceMemory mem, DeviceCopies copies, DeviceErrors errors, KernelLauncher launcher) {
        this.mem = mem;
        this.copies = copies;
        this.errors = errors;
        this.launcher = launcher;
    }

    void forward(View logits, View target, View weight, long ignoreIndex, View logProbs, View terms) {
        String what = "softmaxCrossEntropyForward";
        int[] sh = logitsShape(what, "logits", logits);
        int n = sh[0], c = sh[1], s = sh[2];
        checkTarget(what, target, n, s);
        dense(what, "logProbs", logProbs, DType.FLOAT32, n, c, s);
        dense(what, "terms", terms, DType.FLOAT32, 3, n, s);
        View w = weight(what, weight, c);
        try {
            int cols = n * s;
            if (cols == 0) return;
            int lshift = laneShift(c, s);
            launcher.launch(FAMILY, "ce_fwd_f32", grid(cols, lshift), BLOCK, List.of(
                    mem.address(logits), mem.address(target), w == null ? 0L : mem.address(w),
                    mem.address(logProbs), mem.address(terms), ignoreIndex, cols, c, s, lshift, errors.address()));
        } finally {
            if (w != null && w != weight) mem.release(w);
        }
    }

    void backward(View gradTerms, View logProbs, View target, View weight, long ignoreIndex, View gradLogits) {
        String what = "softmaxCrossEntropyBackward";
        int[] sh = logitsShape(what, "logProbs", logProbs);
        int n = sh[0], c = sh[1], s = sh[2];
        checkTarget(what, target, n, s);
        dense(what, "gradTerms", gradTerms, DType.FLOAT32, 3, n, s);
        dense(what, "gradLogits", gradLogits, DType.FLOAT32, n, c, s);
        View w = weight(what, weight, c);
        try {
            int cols = n * s;
            if (cols == 0 || c == 0) return;
            int lshift = laneShift(c, s);
            launcher.launch(FAMILY, "ce_bwd_f32", grid(cols, lshift), BLOCK, List.of(
                    mem.address(gradTerms), mem.address(logProbs), mem.address(target), w == null ? 0L : mem.address(w),
                    mem.address(gradLogits), ignoreIndex, cols, c, s, lshift, errors.address()));
        } finally {
            if (w != null && w != weight) mem.release(w);
        }
    }

    /**
     * log2 of the lanes that share one column. With S >= 32 a warp's threads take 32 consecutive
     * positions, so each class row is one coalesced read: one lane per column. With few positions
     * (S = 1 for [N, C] logits) the lanes of a column stride over the classes instead, as many as
     * the classes fill, up to the warp.
     */
    static int laneShift(int c, int s) {
        if (s >= 32) return 0;
        int shift = 0;
        while (shift < 5 && (1 << shift) < c) shift++;
        return shift;
    }

    /** Enough blocks for one group of lanes per column, at most 8 blocks per SM (the column loop strides). */
    private int grid(int cols, int lshift) {
        long threads = (long) cols << lshift;
        long blocks = (threads + BLOCK - 1) / BLOCK;
        return (int) Math.max(1, Math.min(blocks, (long) launcher.multiprocessors() * 8));
    }

    private int[] logitsShape(String what, String name, View t) {
        mem.require(name, t);
        if (t.dtype() != DType.FLOAT32) {
            throw Backend.unsupported(what + " on " + name + " of " + t.dtype() + " (CUDA cross-entropy is float32)", mem);
        }
        if (t.rank() != 3) throw new IllegalArgumentException(what + ": " + name + " must be [N, C, S], got " + Arrays.toString(t.shape()));
        if (!t.isContiguous()) throw new IllegalArgumentException(what + ": " + name + " must be contiguous, got strides " + Arrays.toString(t.strides()));
        return t.shape();
    }

    private void checkTarget(String what, View target, int n, int s) {
        mem.require("target", target);
        if (target.dtype() != DType.INT64) throw new IllegalArgumentException(what + ": target must be INT64, got " + target.dtype());
        if (!Arrays.equals(target.shape(), new int[]{n, s})) {
            throw new IllegalArgumentException(what + ": target must have shape [" + n + ", " + s + "], got " + Arrays.toString(target.shape()));
        }
        if (!target.isContiguous()) throw new IllegalArgumentException(what + ": target must be contiguous, got strides " + Arrays.toString(target.strides()));
    }

    private void dense(String what, String name, View t, DType dtype, int... shape) {
        mem.require(name, t);
        if (t.dtype() != dtype) throw Backend.unsupported(what + " with " + name + " of " + t.dtype() + " (CUDA cross-entropy is float32)", mem);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(what + ": " + name + " must have shape " + Arrays.toString(shape) + ", got " + Arrays.toString(t.shape()));
        }
        if (!t.isContiguous()) throw new IllegalArgumentException(what + ": " + name + " must be contiguous, got strides " + Arrays.toString(t.strides()));
    }

    /** The weight as a dense float32 [C] vector on this device (a copy when strided), or null. */
    private View weight(String what, View weight, int c) {
        if (weight == null) return null;
        mem.require("weight", weight);
        if (weight.dtype() != DType.FLOAT32) throw Backend.unsupported(what + " with weight of " + weight.dtype() + " (CUDA cross-entropy is float32)", mem);
        if (weight.rank() != 1 || weight.size(0) != c) {
            throw new IllegalArgumentException(what + ": weight must have shape [" + c + "], got " + Arrays.toString(weight.shape()));
        }
        return copies.dense(weight);
    }
}
