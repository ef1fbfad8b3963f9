package org.jgrad.cuda;

import org.jgrad.backend.Backend;
import org.jgrad.backend.FusedOptim.AdamHyper;
import org.jgrad.backend.FusedOptim.SgdHyper;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.View;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * The optimizer steps of {@link org.jgrad.backend.FusedOptim} on the GPU: one launch of
 * optim.ptx ({@code optim_sgd_f32}, {@code optim_adam_f32}) updates every parameter of the list.
 * The per-parameter table (addresses, sizes, chunk offsets, first-step flags, Adam's bias
 * corrections) is staged by {@link OptimTable}; hyper-parameters shared by all parameters travel
 * as kernel parameters. Scalars are computed in double and cast to float32 exactly as the CPU
 * reference ({@code CpuOptimKernels}) casts them, so both devices run the same float32 update.
 */
final class CudaOptim {
    static final String FAMILY = "optim";
    static final int BLOCK = 256;
    /** Elements per chunk (2^12): 16 per thread of a 256-thread block, so small tensors waste little. */
    static final int LOG2_CHUNK = 12;

    private final DeviceMemory mem;
    private final KernelLauncher launcher;
    private final OptimTable table;

    CudaOptim(DeviceMemory mem, DeviceRuntime rt) {
        this.mem = mem;
        this.launcher = rt.launcher();
        this.table = new OptimTable(rt);
    }

    OptimTable table() { return table; }

    synchronized void sgd(List<View> params, List<View> grads, List<View> momentumBuffers, boolean[] firstStep, SgdHyper h) {
        String what = "sgdStep";
        if (h == null) throw new IllegalArgumentException(what + ": hyper-parameters must not be null");
        int n = checkParams(what, params);
        checkList(what, "grads", grads, params);
        boolean momentum = h.momentum() != 0;
        if (momentum) {
            if (momentumBuffers == null) throw new IllegalArgumentException(what + ": momentumBuffers must be given when momentum is " + h.momentum());
            checkList(what, "momentumBuffers", momentumBuffers, params);
        }
        if (firstStep != null && firstStep.length != n) {
            throw new IllegalArgumentException(what + ": firstStep has " + firstStep.length + " entries for " + n + " parameters");
        }
        long chunks = totalChunks(params);
        if (chunks == 0) return;
        OptimTable.Staged s = table.next(n);
        long chunk0 = 0;
        for (int i = 0; i < n; i++) {
            View b = momentum ? momentumBuffers.get(i) : null;
            chunk0 = entry(s.host(), i, params.get(i), grads.get(i), b, null, null, chunk0);
            s.host().set(ValueLayout.JAVA_INT_UNALIGNED, (long) i * OptimTable.ENTRY_BYTES + 48, firstStep != null && firstStep[i] ? 1 : 0);
        }
        long dTable = table.upload(s);
        int flags = (h.maximize() ? 1 : 0) | (h.weightDecay() != 0 ? 2 : 0) | (momentum ? 4 : 0) | (h.nesterov() ? 8 : 0);
        launcher.launch(FAMILY, "optim_sgd_f32", grid(chunks), BLOCK, List.of(
                dTable, n, (int) chunks, LOG2_CHUNK, flags,
                (float) h.weightDecay(), (float) h.momentum(), (float) (1 - h.dampening()), (float) -h.lr(),
                table.doneAddress(), s.seq()));
    }

    synchronized void adam(List<View> params, List<View> grads, List<View> expAvgs, List<View> expAvgSqs,
                           List<View> maxExpAvgSqs, long[] steps, AdamHyper h) {
        String what = "adamStep";
        if (h == null) throw new IllegalArgumentException(what + ": hyper-parameters must not be null");
        int n = checkParams(what, params);
        checkList(what, "grads", grads, params);
        checkList(what, "expAvgs", expAvgs, params);
        checkList(what, "expAvgSqs", expAvgSqs, params);
        if (h.amsgrad()) {
            if (maxExpAvgSqs == null) throw new IllegalArgumentException(what + ": maxExpAvgSqs must be given when amsgrad is true");
            checkList(what, "maxExpAvgSqs", maxExpAvgSqs, params);
        }
        if (steps == null || steps.length != n) {
            throw new IllegalArgumentException(what + ": steps must have one count per parameter (" + n + "), got "
                    + (steps == null ? "null" : steps.length + " entries"));
        }
        for (int i = 0; i < n; i++) {
            if (steps[i] < 1) throw new IllegalArgumentException(what + ": steps[" + i + "] must be >= 1 (it includes this step), got " + steps[i]);
        }
        long chunks = totalChunks(params);
        if (chunks == 0) return;
        OptimTable.Staged s = table.next(n);
        long chunk0 = 0;
        for (int i = 0; i < n; i++) {
            chunk0 = entry(s.host(), i, params.get(i), grads.get(i), expAvgs.get(i), expAvgSqs.get(i),
                    h.amsgrad() ? maxExpAvgSqs.get(i) : null, chunk0);
            // CpuOptimKernels.AdamScalars: computed in double as PyTorch does in Python, then cast
            double bc1 = 1 - Math.pow(h.beta1(), steps[i]);
            double bc2 = 1 - Math.pow(h.beta2(), steps[i]);
            long at = (long) i * OptimTable.ENTRY_BYTES;
            s.host().set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 48, (float) -(h.lr() / bc1));
            s.host().set(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 52, (float) Math.sqrt(bc2));
        }
        long dTable = table.upload(s);
        boolean decoupled = h.decoupledWeightDecay();
        int flags = (h.maximize() ? 1 : 0) | (decoupled ? 2 : 0) | (!decoupled && h.weightDecay() != 0 ? 4 : 0) | (h.amsgrad() ? 8 : 0);
        launcher.launch(FAMILY, "optim_adam_f32", grid(chunks), BLOCK, List.of(
                dTable, n, (int) chunks, LOG2_CHUNK, flags,
                (float) h.weightDecay(), (float) (1 - h.lr() * h.weightDecay()),
                (float) h.beta1(), (float) h.beta2(), (float) (1 - h.beta1()), (float) (1 - h.beta2()), (float) h.eps(),
                table.doneAddress(), s.seq()));
    }

    /** Writes entry i (addresses, numel, first chunk); returns the next parameter's first chunk. */
    private long entry(MemorySegment host, int i, View p, View g, View a, View b, View c, long chunk0) {
        long at = (long) i * OptimTable.ENTRY_BYTES;
        host.set(ValueLayout.JAVA_LONG_UNALIGNED, at, mem.address(p));
        host.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 8, mem.address(g));
        host.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 16, a == null ? 0 : mem.address(a));
        host.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 24, b == null ? 0 : mem.address(b));
        host.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 32, c == null ? 0 : mem.address(c));
        host.set(ValueLayout.JAVA_INT_UNALIGNED, at + 40, p.numel());
        host.set(ValueLayout.JAVA_INT_UNALIGNED, at + 44, (int) chunk0);
        return chunk0 + chunks(p.numel());
    }

    private static long chunks(int numel) { return ((long) numel + (1 << LOG2_CHUNK) - 1) >> LOG2_CHUNK; }

    private static long totalChunks(List<View> params) {
        long total = 0;
        for (View p : params) total += chunks(p.numel());
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("optimizer step over " + total + " chunks: too many elements for one launch");
        return total;
    }

    /** One block per chunk, at most 8 blocks per SM (blocks then take further chunks). */
    private int grid(long chunks) {
        return (int) Math.max(1, Math.min(chunks, (long) launcher.multiprocessors() * 8));
    }

    private int checkParams(String what, List<View> params) {
        if (params == null) throw new IllegalArgumentException(what + ": params must not be null");
        for (int i = 0; i < params.size(); i++) check(what, "params", i, params.get(i), null);
        return params.size();
    }

    private void checkList(String what, String name, List<View> list, List<View> params) {
        if (list == null) throw new IllegalArgumentException(what + ": " + name + " must not be null");
        if (list.size() != params.size()) {
            throw new IllegalArgumentException(what + ": " + name + " has " + list.size() + " tensors for " + params.size() + " parameters");
        }
        for (int i = 0; i < list.size(); i++) check(what, name, i, list.get(i), params.get(i));
    }

    /** A float32, contiguous tensor of this device, of the parameter's shape when {@code like} is given. */
    private void check(String what, String name, int i, View t, View like) {
        String label = name + "[" + i + "]";
        mem.require(label, t);
        if (t.dtype() != DType.FLOAT32) {
            throw Backend.unsupported(what + " on " + t.dtype() + " " + label + " (CUDA optimizer steps are float32; keep FLOAT64 parameters on the CPU)", mem);
        }
        if (!t.isContiguous()) throw new IllegalArgumentException(what + ": " + label + " must be contiguous, got strides " + Arrays.toString(t.strides()));
        if (like != null && !Arrays.equals(t.shape(), like.shape())) {
            throw new IllegalArgumentException(what + ": " + label + " has shape " + Arrays.toString(t.shape()) + ", its parameter "
                    + Arrays.toString(like.shape()));
        }
    }
}
