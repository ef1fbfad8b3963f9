package org.jgrad.distributed;

import org.jgrad.autograd.Autograd;
import org.jgrad.autograd.Grad;
import org.jgrad.autograd.HookHandle;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Averages one step's gradients bucket by bucket, each bucket's all-reduce started as soon as
 * backward has finished all of its gradients, as PyTorch's reducer does. A post-accumulate-grad
 * hook on every parameter marks it ready; a bucket whose parameters are all ready is packed
 * into one flat tensor and its asynchronous all-reduce started, so its communication overlaps
 * the rest of backward. Buckets start strictly in bucket order (a ready bucket waits for the
 * ones before it), because every rank must start the same collectives in the same order.
 * {@link #finish()} starts what backward left (parameters without a gradient on this rank count
 * as zeros), waits for every bucket and writes the averages back into the gradients.
 */
final class BucketReducer implements AutoCloseable {
    /** What is started, for tests of the overlap: a bucket's index as its all-reduce starts. */
    interface Listener { void started(int bucket); }

    private final ProcessGroup group;
    private final List<GradBuckets.Bucket> buckets;
    private final Map<Tensor, Integer> bucketOf = new IdentityHashMap<>();
    private final List<HookHandle> hooks = new ArrayList<>();
    private final BooleanSupplier active;
    private final Listener listener;
    private final int[] missing;                 // per bucket: parameters not yet ready this step
    private final Map<Tensor, Boolean> ready = new IdentityHashMap<>();
    private final Tensor[] flats;
    private final Work[] works;
    private int nextToStart;

    /**
     * @param overlap whether to hook the parameters and start buckets during backward; without,
     *                every bucket starts in {@link #finish()} (the previous, explicit behaviour)
     * @param active  whether a finished gradient should be reduced now (false inside {@code noSync()})
     */
    BucketReducer(ProcessGroup group, List<GradBuckets.Bucket> buckets, boolean overlap, BooleanSupplier active, Listener listener) {
        this.group = group;
        this.buckets = buckets;
        this.active = active;
        this.listener = listener;
        this.missing = new int[buckets.size()];
        this.flats = new Tensor[buckets.size()];
        this.works = new Work[buckets.size()];
        for (int i = 0; i < buckets.size(); i++) for (Tensor p : buckets.get(i).params()) bucketOf.put(p, i);
        reset();
        if (overlap) {
            // the hook holds this reducer weakly: hooks are kept per parameter in a static table, and a strong
            // reference back to the parameters (through the buckets) would keep them, and this, alive forever
            WeakReference<BucketReducer> self = new WeakReference<>(this);
            for (Tensor p : bucketOf.keySet()) {
                hooks.add(Autograd.registerPostAccumulateGradHook(p, t -> {
                    BucketReducer r = self.get();
                    if (r != null) r.gradReady(t);
                }));
            }
        }
    }

    private void gradReady(Tensor p) {
        if (!active.getAsBoolean()) return;
        Integer b = bucketOf.get(p);
        if (b == null) return;
        if (ready.put(p, Boolean.TRUE) != null) {
            throw new IllegalStateException("DistributedDataParallel: a parameter's gradient was accumulated by a second backward "
                    + "before the gradients were averaged; call syncGradients() (before optimizer.step()) after each backward, or run "
                    + "the extra backward passes inside noSync()");
        }
        missing[b]--;
        while (nextToStart < buckets.size() && missing[nextToStart] == 0) start(nextToStart++);
    }

    private void start(int i) {
        try (Grad.Off off = Grad.off()) {
            flats[i] = Scope.escape(pack(buckets.get(i))); // lives until finish(), whatever scope backward ran in
            works[i] = group.allReduceAsync(flats[i], ReduceOp.AVG);
        }
        if (listener != null) listener.started(i);
    }

    /** Starts the buckets backward did not, waits for all, writes the averages into the gradients. */
    void finish() {
        try {
            while (nextToStart < buckets.size()) start(nextToStart++);
            try (Grad.Off off = Grad.off()) {
                for (int i = 0; i < buckets.size(); i++) {
                    works[i].await();
                    unpack(buckets.get(i), flats[i]);
                }
            }
        } finally {
            reset();
        }
    }

    private void reset() {
        for (int i = 0; i < buckets.size(); i++) {
            missing[i] = buckets.get(i).params().size();
            if (flats[i] != null) flats[i].close();
            flats[i] = null;
            works[i] = null;
        }
        ready.clear();
        nextToStart = 0;
    }

    /** Unhooks the parameters; started, unfinished buckets are waited for and dropped. */
    @Override
    public void close() {
        for (HookHandle h : hooks) h.remove();
        hooks.clear();
        for (Work w : works) if (w != null) w.await();
        reset();
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
            if (p.grad() == null) p.setGrad(Scope.escape(Tensor.zerosLike(p)));
            Tensor g = p.grad();
            try (Tensor slot = flat.narrow(0, b.offsets()[j], g.numel()); Tensor shaped = slot.view(g.shape())) {
                g.copy_(shaped);
            }
        }
    }
}
