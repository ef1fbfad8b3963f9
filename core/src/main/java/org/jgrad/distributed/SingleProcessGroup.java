package org.jgrad.distributed;

import org.jgrad.tensor.Tensor;

import java.time.Duration;

/**
 * World size 1, no launcher: sum, average, max and min of one value is that value, a broadcast
 * from rank 0 changes nothing, and all-gather copies the input into slot 0. Arguments are
 * checked as the MPI group checks them, so a program that runs here runs under mpirun.
 */
final class SingleProcessGroup implements ProcessGroup {
    private volatile boolean closed;

    @Override public int rank() { return 0; }
    @Override public int worldSize() { return 1; }
    @Override public int localRank() { return 0; }
    @Override public String backendName() { return "single"; }
    @Override public Duration timeout() { return Duration.ofSeconds(Collectives.DEFAULT_TIMEOUT_S); }

    @Override
    public Work allReduceAsync(Tensor tensor, ReduceOp op) {
        open();
        Collectives.checkOp(op);
        Collectives.checkTensor("allReduce", "tensor", tensor);
        return Work.done();
    }

    @Override
    public Work broadcastAsync(Tensor tensor, int root) {
        open();
        Collectives.checkTensor("broadcast", "tensor", tensor);
        Collectives.checkRoot(root, 1);
        return Work.done();
    }

    @Override
    public Work allGatherAsync(Tensor output, Tensor input) {
        open();
        Collectives.checkGather(output, input, 1);
        try (var off = org.jgrad.autograd.Grad.off(); Tensor slot = output.select(0, 0)) {
            slot.copy_(input);
        }
        return Work.done();
    }

    @Override public void barrier() { open(); }

    @Override public void close() { closed = true; }

    private void open() {
        if (closed) throw new IllegalStateException("the process group is closed");
    }
}
