package org.jgrad.distributed;

import org.jgrad.autograd.Grad;
import org.jgrad.nn.Module;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Data-parallel training of a {@link Module}, like PyTorch's
 * {@code DistributedDataParallel}: every rank holds a full replica, runs forward and backward
 * on its own share of the batch, and the gradients are averaged across ranks before the
 * optimizer steps, so every replica takes the same step and stays identical.
 *
 * <pre>{@code
 * try (ProcessGroup pg = ProcessGroup.fromEnvironment()) {
 *     var ddp = new DistributedDataParallel(model, pg);       // rank 0's weights everywhere
 *     var opt = new SGD(ddp.parameters(), 0.1);
 *     for (Batch b : loader) {                                // sampler: new DistributedSampler(n, pg, seed)
 *         opt.zeroGrad();
 *         Tensor loss = lossFn.forward(ddp.forward(b.inputs()), b.targets());
 *         loss.backward();
 *         ddp.syncGradients();                                // average the gradients across ranks
 *         opt.step();
 *     }
 * }
 * }</pre>
 *
 * <p>jgrad's autograd has no per-parameter hook, so the averaging is an explicit call,
 * {@link #syncGradients()}, made after {@code backward()} and before {@code optimizer.step()}.
 * It packs the gradients into buckets ({@link GradBuckets}: reverse parameter order, a first
 * bucket of about 1 MiB, then about 25 MiB), starts each bucket's all-reduce as soon as it is
 * packed, so packing the next bucket overlaps the previous one's communication, and then
 * waits for all of them. The parameters stay shared with the wrapped module; the state dict of
 * this wrapper names them {@code module.<name>}, as PyTorch's does.
 *
 * <p>Buffers (running statistics) are broadcast from rank 0 at construction and, in training
 * mode, before every forward ({@code broadcastBuffers}, on by default as in PyTorch). A
 * parameter without a gradient on this rank counts as a zero gradient (as PyTorch's
 * {@code find_unused_parameters}) and receives the averaged one.
 */
public final class DistributedDataParallel extends Module {
    private final Module module;
    private final ProcessGroup group;
    private final boolean broadcastBuffers;
    private final long firstBucketBytes, bucketBytes;
    private List<Tensor> plannedFor;
    private List<GradBuckets.Bucket> buckets;
    private int noSyncDepth;

    /** Default buckets (1 MiB first, then 25 MiB) and buffer broadcasting. */
    public DistributedDataParallel(Module module, ProcessGroup group) {
        this(module, group, GradBuckets.FIRST_BUCKET_BYTES, GradBuckets.BUCKET_BYTES, true);
    }

    public DistributedDataParallel(Module module, ProcessGroup group, long firstBucketBytes, long bucketBytes, boolean broadcastBuffers) {
        this.module = registerModule("module", Objects.requireNonNull(module, "module"));
        this.group = Objects.requireNonNull(group, "group");
        this.broadcastBuffers = broadcastBuffers;
        this.firstBucketBytes = firstBucketBytes;
        this.bucketBytes = bucketBytes;
        planBuckets();
        broadcastState(true);
    }

    public Module module() { return module; }

    public ProcessGroup group() { return group; }

    /** Number of gradient buckets and their element counts, in all-reduce order. */
    public int[] bucketSizes() {
        planBuckets();
        return buckets.stream().mapToInt(GradBuckets.Bucket::numel).toArray();
    }

    @Override
    public Tensor forward(Tensor input) {
        if (broadcastBuffers && isTraining()) broadcastState(false);
        return module.forward(input);
    }

    /**
     * Averages every parameter's gradient across the ranks, bucket by bucket. Every rank must
     * call it at the same point of the step; it does nothing inside {@link #noSync()}.
     */
    public void syncGradients() {
        if (noSyncDepth > 0 || group.worldSize() == 1) return;
        planBuckets();
        try (Grad.Off off = Grad.off()) {
            List<Tensor> flats = new ArrayList<>(buckets.size());
            List<Work> works = new ArrayList<>(buckets.size());
            try {
                for (GradBuckets.Bucket b : buckets) {
                    Tensor flat = pack(b);
                    flats.add(flat);
                    works.add(group.allReduceAsync(flat, ReduceOp.AVG));
                }
                for (int i = 0; i < buckets.size(); i++) {
                    works.get(i).await();
                    unpack(buckets.get(i), flats.get(i));
                }
            } finally {
                for (Tensor f : flats) f.close();
            }
        }
    }

    /**
     * Skips gradient averaging until the returned handle is closed, for gradient accumulation:
     * run several backward passes inside it, then one more outside followed by
     * {@link #syncGradients()}, which averages the accumulated sums (PyTorch's {@code no_sync}).
     */
    public NoSync noSync() {
        noSyncDepth++;
        return new NoSync();
    }

    /** Handle returned by {@link #noSync()}; closing it re-enables {@link #syncGradients()}. */
    public final class NoSync implements AutoCloseable {
        private boolean closed;

        private NoSync() {}

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                noSyncDepth--;
            }
        }
    }

    /** (Re)assigns buckets when the module's parameter tensors changed, e.g. after {@code to(device)} or loading a state dict. */
    private void planBuckets() {
        List<Tensor> now = module.parameters();
        boolean same = plannedFor != null && plannedFor.size() == now.size();
        for (int i = 0; same && i < now.size(); i++) same = plannedFor.get(i) == now.get(i);
        if (same) return;
        buckets = GradBuckets.plan(now, firstBucketBytes, bucketBytes);
        plannedFor = now;
    }

    private static Tensor pack(GradBuckets.Bucket b) {
        Tensor flat = Tensor.zeros(b.dtype(), b.device(), b.numel());
        for (int j = 0; j < b.params().size(); j++) {
            Tensor g = b.params().get(j).grad();
            if (g == null) continue; // unused on this rank: contributes zeros
            int n = g.numel();
            try (Tensor slot = flat.narrow(0, b.offsets()[j], n); Tensor gFlat = g.reshape(n)) {
                slot.copy_(gFlat);
            }
        }
        return flat;
    }

    private static void unpack(GradBuckets.Bucket b, Tensor flat) {
        for (int j = 0; j < b.params().size(); j++) {
            Tensor p = b.params().get(j);
            if (p.grad() == null) p.setGrad(Tensor.zerosLike(p));
            Tensor g = p.grad();
            try (Tensor slot = flat.narrow(0, b.offsets()[j], g.numel()); Tensor shaped = slot.view(g.shape())) {
                g.copy_(shaped);
            }
        }
    }

    /** Rank 0's parameters (first time only) and buffers to every rank. */
    private void broadcastState(boolean withParameters) {
        if (group.worldSize() == 1) return;
        try (Grad.Off off = Grad.off()) {
            List<Work> works = new ArrayList<>();
            if (withParameters) for (Tensor p : module.parameters()) works.add(broadcastable(p, "parameter"));
            for (var e : module.namedBuffers().entrySet()) works.add(broadcastable(e.getValue(), "buffer " + e.getKey()));
            for (Work w : works) w.await();
        }
    }

    private Work broadcastable(Tensor t, String what) {
        if (!t.isContiguous()) throw new IllegalArgumentException("DistributedDataParallel: " + what + " is not contiguous; cannot broadcast it in place");
        return group.broadcastAsync(t, 0);
    }
}
