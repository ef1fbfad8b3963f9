package org.jgrad.distributed;

import org.jgrad.autograd.Grad;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.jgrad.tensor.View;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The process group of a device's tensors over a {@link DeviceCollectives} engine (NCCL for
 * CUDA, like PyTorch's {@code ProcessGroupNCCL}): one process per device, collectives in place
 * on device memory. This class owns the tensor side — argument checks, the version counter of
 * every tensor written in place, keeping tensors reachable until their collective is awaited —
 * and hands the engine plain views. Made by {@code ProcessGroup.fromEnvironment(device)} through
 * a {@link ProcessGroupProvider}.
 */
public final class DeviceProcessGroup implements ProcessGroup {
    private final DeviceCollectives engine;
    private final Rendezvous rendezvous;
    private final String backendName;
    private final String elsewhere;
    private volatile boolean closed;

    /** A group over an engine already joined; closing the group closes both. */
    public DeviceProcessGroup(DeviceCollectives engine, Rendezvous rendezvous, String backendName) {
        if (engine == null || rendezvous == null) throw new IllegalArgumentException("engine and rendezvous must not be null");
        if (engine.rank() != rendezvous.rank() || engine.worldSize() != rendezvous.worldSize()) {
            throw new IllegalArgumentException("the " + engine.engineName() + " engine is rank " + engine.rank() + " of " + engine.worldSize()
                    + " but the rendezvous rank " + rendezvous.rank() + " of " + rendezvous.worldSize());
        }
        this.engine = engine;
        this.rendezvous = rendezvous;
        this.backendName = backendName;
        Device d = engine.device();
        this.elsewhere = "rank " + engine.rank() + "'s " + engine.engineName() + " group works on " + d + "; move it with .to(" + d + ")";
    }

    @Override public int rank() { return engine.rank(); }
    @Override public int worldSize() { return engine.worldSize(); }
    @Override public int localRank() { return rendezvous.localRank(); }
    @Override public String backendName() { return backendName; }
    @Override public Duration timeout() { return engine.timeout(); }

    /** The device this rank's collectives run on: put the model and the batches there. */
    @Override
    public Device device() { return engine.device(); }

    @Override
    public Work allReduceAsync(Tensor tensor, ReduceOp op) { return allReduceAsync(List.of(tensor), op, false); }

    /**
     * All-reduces several tensors as one group of the engine (NCCL: {@code ncclGroupStart}/
     * {@code ncclGroupEnd}): one launch for many small tensors, one {@link Work} for all of them.
     */
    public Work allReduceAsync(List<Tensor> tensors, ReduceOp op) {
        if (tensors == null || tensors.isEmpty()) throw new IllegalArgumentException("allReduce: tensors must list at least one tensor, got " + tensors);
        return allReduceAsync(tensors, op, true);
    }

    private Work allReduceAsync(List<Tensor> tensors, ReduceOp op, boolean listed) {
        checkOpen();
        Collectives.checkOp(op);
        List<View> views = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            Collectives.checkTensor("allReduce", listed ? "tensors[" + i + "]" : "tensor", t, device(), elsewhere);
            if (t.numel() > 0) views.add(written(t));
        }
        if (views.isEmpty()) return Work.done();
        return started(tensors, engine.allReduce(views, op));
    }

    @Override
    public Work broadcastAsync(Tensor tensor, int root) {
        checkOpen();
        Collectives.checkTensor("broadcast", "tensor", tensor, device(), elsewhere);
        Collectives.checkRoot(root, worldSize());
        if (tensor.numel() == 0) return Work.done();
        return started(tensor, engine.broadcast(written(tensor), root));
    }

    @Override
    public Work allGatherAsync(Tensor output, Tensor input) {
        checkOpen();
        Collectives.checkGather(output, input, worldSize(), device(), elsewhere);
        if (input.numel() == 0) return Work.done();
        return started(List.of(output, input), engine.allGather(written(output), input.raw()));
    }

    /** An all-reduce of one element on the device, waited for: every rank has reached it. */
    @Override
    public void barrier() {
        checkOpen();
        try (Grad.Off off = Grad.off(); Tensor one = Tensor.zeros(DType.FLOAT32, device(), 1)) {
            allReduce(one, ReduceOp.SUM);
        }
    }

    /** Waits for pending collectives, frees the engine, then leaves the rendezvous. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            engine.close();
        } finally {
            rendezvous.close();
        }
    }

    /** A Work over a started collective, keeping its tensors reachable until it is awaited (the device writes into them until then). */
    private static Work started(Object keepAlive, DeviceCollectives.Pending p) {
        return new Work() {
            @SuppressWarnings("unused") private Object tensors = keepAlive;

            @Override
            public void await() {
                p.await();
                tensors = null;
            }

            @Override
            public boolean isDone() { return p.isDone(); }
        };
    }

    /** The tensor's view, its storage marked as written in place (autograd's version counter). */
    private static View written(Tensor t) {
        View v = t.raw();
        v.storage().bumpVersion();
        return v;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("rank " + rank() + ": the process group is closed");
    }
}
