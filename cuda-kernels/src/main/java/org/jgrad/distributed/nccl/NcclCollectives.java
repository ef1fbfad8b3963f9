package org.jgrad.distributed.nccl;

import org.jgrad.cuda.CudaException;
import org.jgrad.cuda.Nccl;
import org.jgrad.cuda.NcclCommunicator;
import org.jgrad.distributed.DeviceCollectives;
import org.jgrad.distributed.DeviceProcessGroup;
import org.jgrad.distributed.DistributedException;
import org.jgrad.distributed.ReduceOp;
import org.jgrad.distributed.Rendezvous;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.View;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * NCCL as the {@link DeviceCollectives} engine of CUDA tensors: an {@link NcclCommunicator} on
 * the device's primary context, its collectives on a communication stream ordered after the
 * compute stream by events; {@link DeviceProcessGroup} does the tensor side.
 *
 * <p>AVG is NCCL's {@code ncclAvg}: floats are pre-multiplied by 1/N and summed, integers are
 * summed and divided, truncating toward zero (NCCL's {@code FuncSumPostDiv} divides the
 * absolute value and restores the sign, src/device/reduce_kernel.h), as {@link ReduceOp#AVG}
 * promises; the MPI group sums then divides, so float averages of the two may differ in the
 * last bit.
 */
public final class NcclCollectives implements DeviceCollectives {
    private final NcclCommunicator comm;
    private final Device device;

    public NcclCollectives(NcclCommunicator comm, Device device) {
        if (comm == null || device == null) throw new IllegalArgumentException("comm and device must not be null");
        this.comm = comm;
        this.device = device;
    }

    /** The process group of CUDA tensors over {@code comm}; closing it closes the communicator and the rendezvous. */
    public static DeviceProcessGroup group(NcclCommunicator comm, Rendezvous rendezvous, Device device, String backendName) {
        return new DeviceProcessGroup(new NcclCollectives(comm, device), rendezvous, backendName);
    }

    @Override public int rank() { return comm.rank(); }
    @Override public int worldSize() { return comm.worldSize(); }
    @Override public Duration timeout() { return comm.timeout(); }
    @Override public Device device() { return device; }
    @Override public String engineName() { return "NCCL"; }

    @Override
    public Pending allReduce(List<View> views, ReduceOp op) { return started(() -> comm.allReduce(views, ncclOp(op))); }

    @Override
    public Pending broadcast(View view, int root) { return started(() -> comm.broadcast(view, root)); }

    @Override
    public Pending allGather(View output, View input) { return started(() -> comm.allGather(output, input)); }

    @Override
    public void close() {
        try {
            comm.close();
        } catch (CudaException e) {
            throw new DistributedException("rank " + rank() + ": closing the NCCL communicator failed: " + e.getMessage(), e);
        }
    }

    /** Starts a collective; NCCL's and CUDA's failures become DistributedExceptions (their messages name the rank). */
    private static Pending started(Supplier<NcclCommunicator.Pending> start) {
        NcclCommunicator.Pending p;
        try {
            p = start.get();
        } catch (CudaException e) {
            throw new DistributedException(e.getMessage(), e);
        }
        return new Pending() {
            @Override
            public void await() {
                try {
                    p.await();
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

    private static int ncclOp(ReduceOp op) {
        return switch (op) {
            case SUM -> Nccl.SUM;
            case AVG -> Nccl.AVG;
            case MAX -> Nccl.MAX;
            case MIN -> Nccl.MIN;
        };
    }
}
