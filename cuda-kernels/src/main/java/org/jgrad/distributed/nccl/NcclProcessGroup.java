package org.jgrad.distributed.nccl;

import org.jgrad.autograd.Grad;
import org.jgrad.cuda.CudaException;
import org.jgrad.cuda.Nccl;
import org.jgrad.cuda.NcclCommunicator;
import org.jgrad.distributed.DistributedException;
import org.jgrad.distributed.ProcessGroup;
import org.jgrad.distributed.ReduceOp;
import org.jgrad.distributed.Rendezvous;
import org.jgrad.distributed.Work;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.jgrad.tensor.View;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The process group over NCCL for CUDA tensors, like PyTorch's {@code ProcessGroupNCCL}: one
 * process per GPU ({@code Device.cuda(localRank)}, the device's primary context), collectives
 * in place on device memory, on a communication stream ordered after the compute stream by
 * events, so they overlap the compute queued after them. {@link Work#await()} waits for the
 * collective (polling {@code ncclCommGetAsyncError}) and aborts the communicator on an error or
 * after {@link #timeout()}, with a message naming the rank. Made by
 * {@code ProcessGroup.fromEnvironment(Device.cuda(0))} through {@link NcclProcessGroupProvider}.
 *
 * <p>AVG is NCCL's {@code ncclAvg}: floats are pre-multiplied by 1/N and summed, integers are
 * summed and divided, truncating toward zero (NCCL's {@code FuncSumPostDiv} divides the
 * absolute value and restores the sign, src/device/reduce_kernel.h), as {@link ReduceOp#AVG}
 * promises; the MPI group sums then divides, so float averages of the two may differ in the
 * last bit.
 */
public final class NcclProcessGroup implements ProcessGroup {
    private final NcclCommunicator comm;
    private final Rendezvous rendezvous;
    private final Device device;
    private final String backendName;
    private volatile boolean closed;

    /** A group over a communicator already joined; closing the group closes both. */
    public NcclProcessGroup(NcclCommunicator comm, Rendezvous rendezvous, Device device, String backendName) {
        if (comm == null || rendezvous == null || device == null) throw new IllegalArgumentException("comm, rendezvous and device must not be null");
        if (comm.rank() != rendezvous.rank() || comm.worldSize() != rendezvous.worldSize()) {
            throw new IllegalArgumentException("the communicator is rank " + comm.rank() + " of " + comm.worldSize()
                    + " but the rendezvous rank " + rendezvous.rank() + " of " + rendezvous.worldSize());
        }
        this.comm = comm;
        this.rendezvous = rendezvous;
        this.device = device;
        this.backendName = backendName;
    }

    @Override public int rank() { return comm.rank(); }
    @Override public int worldSize() { return comm.worldSize(); }
    @Override public int localRank() { return rendezvous.localRank(); }
    @Override public String backendName() { return backendName; }
    @Override public Duration timeout() { return comm.timeout(); }

    /** The GPU this rank's collectives run on: put the model and the batches there. */
    @Override
    public Device device() { return device; }

    @Override
    public Work allReduceAsync(Tensor tensor, ReduceOp op) {
        checkOpen();
        if (op == null) throw new IllegalArgumentException("allReduce: op must not be null");
        checkTensor("allReduce", "tensor", tensor);
        if (tensor.numel() == 0) return Work.done();
        return run(tensor, () -> comm.allReduce(written(tensor), ncclOp(op)));
    }

    /**
     * All-reduces several tensors in one NCCL group ({@code ncclGroupStart}/{@code ncclGroupEnd}):
     * one launch for many small tensors, one {@link Work} for all of them.
     */
    public Work allReduceAsync(List<Tensor> tensors, ReduceOp op) {
        checkOpen();
        if (op == null) throw new IllegalArgumentException("allReduce: op must not be null");
        if (tensors == null || tensors.isEmpty()) throw new IllegalArgumentException("allReduce: tensors must list at least one tensor, got " + tensors);
        List<View> views = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            checkTensor("allReduce", "tensors[" + i + "]", tensors.get(i));
            if (tensors.get(i).numel() > 0) views.add(written(tensors.get(i)));
        }
        if (views.isEmpty()) return Work.done();
        return run(tensors, () -> comm.allReduce(views, ncclOp(op)));
    }

    @Override
    public Work broadcastAsync(Tensor tensor, int root) {
        checkOpen();
        checkTensor("broadcast", "tensor", tensor);
        if (root < 0 || root >= worldSize()) {
            throw new IllegalArgumentException("broadcast: root " + root + " is not a rank of this group (0.." + (worldSize() - 1) + ")");
        }
        if (tensor.numel() == 0) return Work.done();
        return run(tensor, () -> comm.broadcast(written(tensor), root));
    }

    @Override
    public Work allGatherAsync(Tensor output, Tensor input) {
        checkOpen();
        checkTensor("allGather", "output", output);
        checkTensor("allGather", "input", input);
        if (output.dtype() != input.dtype()) {
            throw new IllegalArgumentException("allGather: output dtype " + output.dtype() + " differs from input dtype " + input.dtype());
        }
        int[] in = input.shape(), out = output.shape();
        boolean ok = out.length == in.length + 1 && out[0] == worldSize() && Arrays.equals(Arrays.copyOfRange(out, 1, out.length), in);
        if (!ok) {
            throw new IllegalArgumentException("allGather: output must have shape [" + worldSize() + (in.length > 0 ? ", " : "")
                    + Arrays.toString(in).replaceAll("[\\[\\]]", "") + "] (world size, then input's shape), got " + Arrays.toString(out));
        }
        if (input.numel() == 0) return Work.done();
        return run(List.of(output, input), () -> comm.allGather(written(output), input.raw()));
    }

    /** An all-reduce of one element on the GPU, waited for: every rank has reached it. */
    @Override
    public void barrier() {
        checkOpen();
        try (Grad.Off off = Grad.off(); Tensor one = Tensor.zeros(DType.FLOAT32, device, 1)) {
            allReduce(one, ReduceOp.SUM);
        }
    }

    /** Waits for pending collectives, frees the communicator, then leaves the rendezvous. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            comm.close();
        } catch (CudaException e) {
            throw new DistributedException("rank " + rank() + ": closing the NCCL communicator failed: " + e.getMessage(), e);
        } finally {
            rendezvous.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    private interface Start { NcclCommunicator.Pending run(); }

    /** Starts a collective; the returned Work keeps its tensors reachable until it is awaited. */
    private Work run(Object keepAlive, Start start) {
        NcclCommunicator.Pending p;
        try {
            p = start.run();
        } catch (CudaException e) {
            throw new DistributedException(e.getMessage(), e);
        }
        return new Work() {
            @SuppressWarnings("unused") private Object tensors = keepAlive; // the GPU writes into them until await

            @Override
            public void await() {
                try {
                    p.await();
                    tensors = null;
                } catch (CudaException e) {
                    throw new DistributedException(e.getMessage(), e);
                }
            }

            @Override
            public boolean isDone() {
                try {
                    return p.isDone();
                } catch (CudaException e) {
                    throw new DistributedException(e.getMessage(), e);
                }
            }
        };
    }

    /** The tensor's view, its storage marked as written in place (autograd's version counter). */
    private static View written(Tensor t) {
        View v = t.raw();
        v.storage().bumpVersion();
        return v;
    }

    private static int ncclOp(ReduceOp op) {
        return switch (op) {
            case SUM -> Nccl.SUM;
            case AVG -> Nccl.AVG;
            case MAX -> Nccl.MAX;
            case MIN -> Nccl.MIN;
        };
    }

    private void checkTensor(String op, String arg, Tensor t) {
        if (t == null) throw new IllegalArgumentException(op + ": " + arg + " must not be null");
        if (t.isClosed()) throw new IllegalArgumentException(op + ": " + arg + " is closed");
        if (!t.device().equals(device)) {
            throw new IllegalArgumentException(op + ": " + arg + " is on " + t.device() + ", but rank " + rank()
                    + "'s NCCL group works on " + device + "; move it with .to(" + device + ")");
        }
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(op + ": " + arg + " must be contiguous (shape " + Arrays.toString(t.shape())
                    + ", strides " + Arrays.toString(t.strides()) + "); call contiguous() and use that tensor");
        }
        DType d = t.dtype();
        if (d != DType.FLOAT32 && d != DType.FLOAT64 && d != DType.INT64) {
            throw new IllegalArgumentException(op + ": " + arg + " has dtype " + d + "; collectives support FLOAT32, FLOAT64 and INT64");
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("rank " + rank() + ": the process group is closed");
    }
}
