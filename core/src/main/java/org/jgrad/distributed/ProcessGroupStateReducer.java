package org.jgrad.distributed;

import org.jgrad.autograd.Grad;
import org.jgrad.metrics.StateReducer;
import org.jgrad.metrics.StateReduction;
import org.jgrad.ops.Concat;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A {@link ProcessGroup} seen as the metrics' {@link StateReducer}, so a metric's declared
 * states combine across ranks ({@code metric.sync(ProcessGroupStateReducer.of(group))}) without
 * the metrics package importing this one.
 *
 * <p>States the collectives cannot take as they are (on another device than the group's, not
 * contiguous, INT32 or UINT8) travel through a contiguous copy on the group's
 * {@linkplain ProcessGroup#device() device} (the CPU for MPI, the GPU for NCCL) in FLOAT32,
 * FLOAT64 or INT64 (exact for those dtypes) and are written back in place. {@link #allGatherCat} accepts different first dimensions per
 * rank, as a collective all-gather does not: it gathers each rank's shape first, pads every
 * state to the longest, gathers, and trims each rank's padding off.
 */
public final class ProcessGroupStateReducer implements StateReducer {
    /** States of more dimensions than this are refused by {@link #allGatherCat} (the shape header has a fixed size). */
    static final int MAX_DIMS = 8;

    private final ProcessGroup group;

    private ProcessGroupStateReducer(ProcessGroup group) { this.group = Objects.requireNonNull(group, "group"); }

    public static ProcessGroupStateReducer of(ProcessGroup group) { return new ProcessGroupStateReducer(group); }

    @Override
    public int worldSize() { return group.worldSize(); }

    @Override
    public void allReduce(Tensor state, StateReduction reduction) {
        if (state == null) throw new IllegalArgumentException("allReduce: state must not be null");
        if (reduction == null) throw new IllegalArgumentException("allReduce: reduction must not be null");
        ReduceOp op = switch (reduction) {
            case SUM -> ReduceOp.SUM;
            case MIN -> ReduceOp.MIN;
            case MAX -> ReduceOp.MAX;
            case CAT -> throw new IllegalArgumentException("allReduce: reduction CAT concatenates; use allGatherCat for that state");
        };
        if (state.numel() == 0) return;
        try (Grad.Off off = Grad.off()) {
            if (collectiveReady(state)) {
                group.allReduce(state, op);
                return;
            }
            try (Tensor wire = wireCopy(state)) {
                group.allReduce(wire, op);
                state.copy_(wire);
            }
        }
    }

    @Override
    public Tensor allGatherCat(Tensor state) {
        if (state == null) throw new IllegalArgumentException("allGatherCat: state must not be null");
        int[] shape = state.shape();
        if (shape.length == 0) throw new IllegalArgumentException("allGatherCat: state must have at least one dimension to concatenate along, got a 0-d tensor");
        if (shape.length > MAX_DIMS) throw new IllegalArgumentException("allGatherCat: state has " + shape.length + " dimensions; at most " + MAX_DIMS + " are supported");
        int w = group.worldSize();
        try (Grad.Off off = Grad.off()) {
            long[][] shapes = gatherShapes(shape);
            int max = 0;
            for (int r = 0; r < w; r++) max = Math.max(max, (int) shapes[r][1]);
            int[] padded = shape.clone();
            padded[0] = max;
            try (Tensor wire = wireCopy(state); Tensor send = Tensor.zeros(wire.dtype(), group.device(), padded)) {
                if (shape[0] > 0) try (Tensor head = send.narrow(0, 0, shape[0])) { head.copy_(wire); }
                List<Tensor> parts = new ArrayList<>(w);
                try (Tensor all = max == 0 ? null : group.allGather(send)) {
                    for (int r = 0; r < w; r++) {
                        int len = (int) shapes[r][1];
                        int[] s = shape.clone();
                        s[0] = len;
                        if (len == 0) parts.add(Tensor.zeros(wire.dtype(), group.device(), s));
                        else try (Tensor slot = all.select(0, r)) { parts.add(slot.narrow(0, 0, len).contiguousCopy()); }
                    }
                    try (Tensor cat = Concat.cat(parts, 0)) {
                        Tensor out = Tensor.empty(state.dtype(), state.device(), cat.shape());
                        return out.copy_(cat);
                    }
                } finally {
                    for (Tensor p : parts) p.close();
                }
            }
        }
    }

    /** Every rank's [ndim, dim0, dim1, ...] (unused dimensions -1), checked to agree beyond dimension 0. */
    private long[][] gatherShapes(int[] shape) {
        long[] header = new long[1 + MAX_DIMS];
        Arrays.fill(header, -1);
        header[0] = shape.length;
        for (int i = 0; i < shape.length; i++) header[1 + i] = shape[i];
        int w = group.worldSize();
        long[] all;
        try (Tensor host = Tensor.fromArray(header, header.length); Tensor mine = host.to(group.device());
             Tensor gathered = group.allGather(mine)) {
            all = gathered.toLongArray();
        }
        long[][] out = new long[w][];
        for (int r = 0; r < w; r++) out[r] = Arrays.copyOfRange(all, r * header.length, (r + 1) * header.length);
        for (int r = 0; r < w; r++) {
            boolean same = out[r][0] == header[0];
            for (int i = 2; same && i < header.length; i++) same = out[r][i] == header[i];
            if (!same) {
                throw new IllegalArgumentException("allGatherCat: rank " + r + "'s state has shape " + shapeOf(out[r]) + " but rank "
                        + group.rank() + "'s has shape " + Arrays.toString(shape) + "; only the first dimension may differ between ranks");
            }
        }
        return out;
    }

    private static String shapeOf(long[] header) {
        int n = (int) header[0];
        return Arrays.toString(Arrays.copyOfRange(header, 1, 1 + Math.max(0, Math.min(n, MAX_DIMS))));
    }

    private boolean collectiveReady(Tensor t) {
        DType d = t.dtype();
        return t.device().equals(group.device()) && t.isContiguous() && (d == DType.FLOAT32 || d == DType.FLOAT64 || d == DType.INT64);
    }

    /** A contiguous copy on the group's device in a dtype the collectives take, exact for {@code t}'s values. */
    private Tensor wireCopy(Tensor t) {
        DType d = t.dtype();
        DType wire = d == DType.FLOAT32 || d == DType.FLOAT64 ? d : DType.INT64;
        Tensor out = Tensor.empty(wire, group.device(), t.shape());
        return out.copy_(t);
    }
}
