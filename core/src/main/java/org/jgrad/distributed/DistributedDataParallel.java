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
 * <p>Gradients are averaged in buckets ({@link GradBuckets}: reverse parameter order, a first
 * bucket of about 1 MiB, then about 25 MiB). A post-accumulate-grad hook on every parameter
 * tells when backward has finished a gradient; as soon as a bucket's gradients are all final
 * its all-reduce starts, asynchronously, so communication overlaps the rest of backward
 * ({@link BucketReducer}). {@link #syncGradients()}, called after {@code backward()} and before
 * {@code optimizer.step()}, starts whatever backward left, waits for every bucket and writes
 * the averages into the gradients. The parameters stay shared with the wrapped module; the
 * state dict of this wrapper names them {@code module.<name>}, as PyTorch's does.
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
    private BucketReducer reducer;
    private boolean overlap = true;
    private BucketReducer.Listener listener;
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
        planBuckets();
        if (broadcastBuffers && isTraining()) broadcastState(false);
        return module.forward(input);
    }

    /**
     * Averages every parameter's gradient across the ranks, bucket by bucket. Every rank must
     * call it at the same point of the step; it does nothing inside {@link #noSync()}.
     */
    public void syncGradients() {
        if (noSyncDepth > 0 || group.worldSize() == 1) return;
        planBuckets(); // parameters replaced since the forward: the new buckets all start here
        reducer.finish();
    }

    /**
     * Whether buckets start during backward (default) or all in {@link #syncGradients()}, for
     * measuring what the overlap gains; the averaged gradients are the same either way.
     */
    public DistributedDataParallel overlapWithBackward(boolean on) {
        if (on != overlap) {
            overlap = on;
            replan();
        }
        return this;
    }

    /** Unhooks the parameters (waiting for buckets in flight): this wrapper no longer averages anything. */
    void release() {
        if (reducer != null) reducer.close();
        reducer = null;
        plannedFor = null;
    }

    /** Test seam: told each bucket's index as its all-reduce starts. */
    void onBucketStarted(BucketReducer.Listener l) {
        listener = l;
        replan();
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

    /**
     * (Re)assigns buckets and hooks when the module's parameter tensors changed, e.g. after
     * {@code to(device)} or loading a state dict.
     */
    private void planBuckets() {
        List<Tensor> now = module.parameters();
        boolean same = plannedFor != null && plannedFor.size() == now.size();
        for (int i = 0; same && i < now.size(); i++) same = plannedFor.get(i) == now.get(i);
        if (same) return;
        plannedFor = now;
        replan();
    }

    private void replan() {
        if (reducer != null) reducer.close();
        buckets = GradBuckets.plan(plannedFor, firstBucketBytes, bucketBytes);
        // one process: nothing to average, so no hooks
        reducer = group.worldSize() == 1 ? null
                : new BucketReducer(group, buckets, overlap, () -> noSyncDepth == 0, listener);
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
