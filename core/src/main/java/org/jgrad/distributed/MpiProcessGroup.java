package org.jgrad.distributed;

import org.jgrad.tensor.Tensor;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The process group over MPI's {@code MPI_COMM_WORLD}. Every MPI call, from
 * {@code MPI_Init_thread} to {@code MPI_Finalize}, runs on one daemon thread ("jgrad-mpi"), in
 * the order the collectives were started, so the group works whatever thread level the library
 * provides and the caller's thread is free while an asynchronous collective runs. Tensors are
 * copied to native memory on the caller's thread when a collective starts and written back
 * when its {@link Work} is awaited.
 *
 * <p>Failure never hangs: MPI's default error handler aborts the job on a communication
 * error, the launcher stops every rank when one exits, and a collective that has not finished
 * within {@link #timeout()} prints which one on stderr and calls {@code MPI_Abort}.
 */
final class MpiProcessGroup implements ProcessGroup {
    private static final AtomicBoolean INITIALIZED = new AtomicBoolean();

    private final Mpi mpi;
    private final ExecutorService comm;
    private final Duration timeout;
    private final int rank, worldSize, localRank, threadLevel;
    private final String backendName;
    private volatile boolean closed, broken;

    private MpiProcessGroup(Mpi mpi, ExecutorService comm, Duration timeout, int rank, int worldSize, int localRank,
                            int threadLevel, String backendName) {
        this.mpi = mpi;
        this.comm = comm;
        this.timeout = timeout;
        this.rank = rank;
        this.worldSize = worldSize;
        this.localRank = localRank;
        this.threadLevel = threadLevel;
        this.backendName = backendName;
    }

    /** Loads MPI, initializes it on the communication thread and checks it agrees with the launcher. */
    static MpiProcessGroup open(LauncherEnv env, Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("process group timeout must be positive, got " + timeout);
        }
        if (!INITIALIZED.compareAndSet(false, true)) {
            throw new IllegalStateException("MPI can be initialized once per process; share the first ProcessGroup");
        }
        Mpi mpi;
        try {
            mpi = Mpi.load();
        } catch (RuntimeException e) {
            INITIALIZED.set(false); // nothing was initialized: a later attempt (after fixing the setup) may try again
            throw e;
        }
        ExecutorService comm = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "jgrad-mpi");
            t.setDaemon(true); // an uncaught error on the main thread must still end the process (and so the job)
            return t;
        });
        int[] info;
        try {
            info = comm.submit(() -> {
                int provided = mpi.initThread(MpiAbi.THREAD_MULTIPLE);
                return new int[]{provided, mpi.commRank(), mpi.commSize()};
            }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new DistributedException("rank " + env.rank() + ": MPI_Init_thread did not finish within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new DistributedException("MPI initialization failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DistributedException("interrupted while initializing MPI");
        }
        if (info[1] != env.rank() || info[2] != env.worldSize()) {
            throw new DistributedException("MPI says rank " + info[1] + " of " + info[2] + " but the " + env.launcher()
                    + " launcher's environment says rank " + env.rank() + " of " + env.worldSize()
                    + " (a different MPI library than the launcher's? set " + Mpi.LIB_ENV + ")");
        }
        return new MpiProcessGroup(mpi, comm, timeout, info[1], info[2], env.localRank(), info[0], "mpi (" + mpi.libraryVersion() + ")");
    }

    @Override public int rank() { return rank; }
    @Override public int worldSize() { return worldSize; }
    @Override public int localRank() { return localRank; }
    @Override public String backendName() { return backendName; }
    @Override public Duration timeout() { return timeout; }

    /** The thread level MPI_Init_thread provided: 0 single, 1 funneled, 2 serialized, 3 multiple. */
    int threadLevel() { return threadLevel; }

    @Override
    public Work allReduceAsync(Tensor tensor, ReduceOp op) {
        checkOpen();
        Collectives.checkOp(op);
        Collectives.checkTensor("allReduce", "tensor", tensor);
        if (tensor.numel() == 0) return Work.done();
        HostBuffer buf = HostBuffer.of(tensor);
        return submit("allReduce(" + op + ", " + tensor.dtype() + "[" + buf.count + "])", buf, null, () -> {
            mpi.allreduceInPlace(buf.segment, buf.count, buf.dtype, op);
            if (op == ReduceOp.AVG) buf.divideBy(worldSize);
        }, () -> buf.copyInto(tensor));
    }

    @Override
    public Work broadcastAsync(Tensor tensor, int root) {
        checkOpen();
        Collectives.checkTensor("broadcast", "tensor", tensor);
        Collectives.checkRoot(root, worldSize);
        if (tensor.numel() == 0) return Work.done();
        HostBuffer buf = HostBuffer.of(tensor);
        boolean receives = rank != root;
        return submit("broadcast(root " + root + ", " + tensor.dtype() + "[" + buf.count + "])", buf, null,
                () -> mpi.bcast(buf.segment, buf.count, buf.dtype, root),
                () -> { if (receives) buf.copyInto(tensor); });
    }

    @Override
    public Work allGatherAsync(Tensor output, Tensor input) {
        checkOpen();
        Collectives.checkGather(output, input, worldSize);
        if (input.numel() == 0) return Work.done();
        HostBuffer send = HostBuffer.of(input);
        HostBuffer recv = HostBuffer.allocate(output.dtype(), output.numel());
        return submit("allGather(" + input.dtype() + "[" + send.count + "])", send, recv,
                () -> mpi.allgather(send.segment, recv.segment, send.count, send.dtype),
                () -> recv.copyInto(output));
    }

    @Override
    public void barrier() {
        checkOpen();
        submit("barrier", null, null, mpi::barrier, () -> {}).await();
    }

    @Override
    public void abort(String message) {
        broken = true;
        System.err.println(message);
        System.err.flush();
        mpi.abort(1); // MPI_Abort stops every rank of MPI_COMM_WORLD
        Runtime.getRuntime().halt(1);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (!broken) {
                Future<?> f = comm.submit(mpi::finalizeOnce);
                waitFor("MPI_Finalize", f);
            }
        } finally {
            comm.shutdown();
        }
    }

    /** Queues {@code mpiCall} on the MPI thread; the Work runs {@code writeBack} on await, then frees the buffers. */
    private Work submit(String what, HostBuffer buf, HostBuffer buf2, Runnable mpiCall, Runnable writeBack) {
        Future<?> f = comm.submit(mpiCall);
        return new Work() {
            private boolean finished;

            @Override
            public synchronized void await() {
                if (finished) return;
                finished = true;
                try {
                    waitFor(what, f);
                    writeBack.run();
                } finally {
                    if (buf != null) buf.close();
                    if (buf2 != null) buf2.close();
                }
            }

            @Override
            public boolean isDone() { return f.isDone(); }
        };
    }

    private void waitFor(String what, Future<?> f) {
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            broken = true;
            String msg = "jgrad: rank " + rank + " of " + worldSize + ": " + what + " did not finish within "
                    + timeout.toSeconds() + " s (" + ProcessGroup.TIMEOUT_ENV + "); another rank has probably failed or "
                    + "stopped calling collectives. Aborting the job.";
            System.err.println(msg);
            System.err.flush();
            mpi.abort(1);
            throw new DistributedException(msg);
        } catch (ExecutionException e) {
            broken = true;
            Throwable c = e.getCause();
            throw c instanceof DistributedException d ? d
                    : new DistributedException("rank " + rank + ": " + what + " failed: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DistributedException("rank " + rank + ": interrupted while waiting for " + what);
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("rank " + rank + ": the process group is closed");
        if (broken) throw new IllegalStateException("rank " + rank + ": an earlier collective failed; the process group is unusable");
    }
}
