package org.jgrad.distributed;

import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;

import java.time.Duration;

/**
 * The ranks of one data-parallel job and the collectives between them, like PyTorch's
 * {@code torch.distributed} process group. Every rank must call the same collectives in the
 * same order with tensors of the same shape and dtype (FLOAT32, FLOAT64 or INT64); results are
 * written in place. The blocking calls are their {@code ...Async} twin followed by
 * {@link Work#await()}; the asynchronous ones run in call order, one at a time.
 *
 * <p>{@link #fromEnvironment()} gives the MPI group when the process was started by
 * {@code mpirun} (Open MPI or MPICH, found by name) and a single-process group otherwise, so
 * the same program runs unchanged without a launcher. Close the group at the end (it calls
 * {@code MPI_Finalize}); a rank that leaves without closing makes the launcher stop the job.
 * {@link #fromEnvironment(Device)} gives the group for another device's tensors (NCCL for
 * CUDA, registered by jgrad-cuda through {@link ProcessGroupProvider}), started by
 * {@code mpirun} or by torchrun-style variables ({@code RANK}, {@code WORLD_SIZE},
 * {@code LOCAL_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}).
 */
public interface ProcessGroup extends AutoCloseable {
    /** Environment variable: the collectives' timeout in seconds (default 1800, as PyTorch's). */
    String TIMEOUT_ENV = "JGRAD_DIST_TIMEOUT";

    /** This process's index, 0..worldSize-1. */
    int rank();

    /** Number of processes in the job. */
    int worldSize();

    /** This process's index among the processes of its host (chooses its GPU, later). */
    int localRank();

    /** A short name of the engine: "single", "mpi (Open MPI 4.1.4)", ... */
    String backendName();

    /** The device whose tensors the collectives take: the CPU for the MPI and single groups, this rank's GPU for NCCL. */
    default Device device() { return Device.cpu(); }

    /** Combines {@code tensor} across the ranks element-wise; every rank receives the result in place. */
    default void allReduce(Tensor tensor, ReduceOp op) { allReduceAsync(tensor, op).await(); }

    Work allReduceAsync(Tensor tensor, ReduceOp op);

    /** Copies rank {@code root}'s {@code tensor} into the same tensor of every other rank. */
    default void broadcast(Tensor tensor, int root) { broadcastAsync(tensor, root).await(); }

    Work broadcastAsync(Tensor tensor, int root);

    /**
     * Writes every rank's {@code input} into {@code output}, whose first dimension is the world
     * size and whose slice {@code r} has {@code input}'s shape: rank r's input lands there.
     */
    default void allGather(Tensor output, Tensor input) { allGatherAsync(output, input).await(); }

    Work allGatherAsync(Tensor output, Tensor input);

    /**
     * A new tensor on {@link #device()} of shape {@code [worldSize, ...input.shape]} holding every
     * rank's {@code input}. The input is checked by {@link #allGather(Tensor, Tensor)}, against
     * this group's device.
     */
    default Tensor allGather(Tensor input) {
        if (input == null) throw new IllegalArgumentException("allGather: input must not be null");
        if (input.isClosed()) throw new IllegalArgumentException("allGather: input is closed");
        int[] s = input.shape();
        int[] shape = new int[s.length + 1];
        shape[0] = worldSize();
        System.arraycopy(s, 0, shape, 1, s.length);
        Tensor out = Tensor.zeros(input.dtype(), device(), shape);
        try {
            allGather(out, input);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** Returns once every rank has called it. */
    void barrier();

    /** The timeout after which a collective that has not finished aborts the job. */
    Duration timeout();

    /**
     * Stops every rank of the job at once, after printing {@code message} on stderr: for a rank
     * whose work failed, so the others do not wait for it until their collectives time out. Does
     * not return. This default halts this process, which makes a launcher stop the others;
     * engines with an abort call of their own use it.
     */
    default void abort(String message) {
        System.err.println(message);
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }

    /** Waits for pending collectives, then leaves the job ({@code MPI_Finalize}). Idempotent. */
    @Override
    void close();

    /** The MPI group when launched by an MPI launcher, else a single-process group. */
    static ProcessGroup fromEnvironment() {
        return fromEnvironment(Collectives.timeoutFromEnvironment());
    }

    static ProcessGroup fromEnvironment(Duration timeout) {
        return ProcessGroups.forCpu(LauncherEnv.fromEnvironment(), timeout);
    }

    /**
     * The group for {@code device}'s tensors: as {@link #fromEnvironment()} for the CPU; for
     * another device type the engine its module registers (NCCL for CUDA, one GPU per process
     * chosen by the local rank), its ranks met through MPI under {@code mpirun}, through rank
     * 0's {@link TcpStore} under torchrun-style variables, or alone without a launcher.
     */
    static ProcessGroup fromEnvironment(Device device) {
        return fromEnvironment(device, Collectives.timeoutFromEnvironment());
    }

    static ProcessGroup fromEnvironment(Device device, Duration timeout) {
        return ProcessGroups.forDevice(device, LauncherEnv.fromEnvironment(), timeout);
    }

    /** World size 1: every collective leaves its tensors as they are (after checking them). */
    static ProcessGroup single() { return new SingleProcessGroup(); }
}
