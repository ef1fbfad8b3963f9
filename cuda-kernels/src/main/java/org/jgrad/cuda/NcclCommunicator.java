package org.jgrad.cuda;

import org.jgrad.tensor.View;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One rank's NCCL communicator on one GPU, on plain device memory ({@link View}s of that
 * GPU's backend). Collectives run on a communication stream of their own, ordered after the
 * compute stream by an event (everything queued on the compute stream so far, the backward
 * pass that produced a gradient say, finishes before NCCL reads it), so compute queued later
 * overlaps the communication. Each collective returns a {@link Pending}: waiting for it makes
 * the compute stream wait for the collective's event, on the device, and the host poll the
 * event and {@code ncclCommGetAsyncError} until it is done, an error is reported or the
 * timeout (counted from the start of the collective) passes; the last two abort the
 * communicator ({@code ncclCommAbort}) so no rank hangs, and the message names the rank.
 */
public final class NcclCommunicator implements AutoCloseable {
    private final Nccl nccl;
    private final CudaBackend backend;
    private final CudaContext ctx;
    private final int rank, worldSize;
    private final Duration timeout;
    private final long comm, commStream;
    private volatile boolean broken, closed;
    private volatile String brokenBecause;

    private NcclCommunicator(Nccl nccl, CudaBackend backend, int rank, int worldSize, Duration timeout, long comm, long commStream) {
        this.nccl = nccl;
        this.backend = backend;
        this.ctx = backend.context();
        this.rank = rank;
        this.worldSize = worldSize;
        this.timeout = timeout;
        this.comm = comm;
        this.commStream = commStream;
    }

    /**
     * Joins the communicator named by {@code uniqueId} (the same 128 bytes on every rank, from
     * rank 0's {@link Nccl#uniqueId()}) on {@code backend}'s GPU. {@code ncclCommInitRank}
     * waits for every rank; it runs on a helper thread so a rank that never arrives ends in an
     * error after {@code timeout} instead of a hang.
     */
    public static NcclCommunicator open(Nccl nccl, CudaBackend backend, int rank, int worldSize, byte[] uniqueId, Duration timeout) {
        if (nccl == null || backend == null) throw new IllegalArgumentException("nccl and backend must not be null");
        if (worldSize < 1 || rank < 0 || rank >= worldSize) throw new IllegalArgumentException("rank " + rank + " of " + worldSize + " is not a rank of the job");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        CudaContext ctx = backend.context();
        if (ctx == null) throw new IllegalArgumentException(backend.name() + " is simulated: NCCL needs a real GPU context");
        String who = who(rank, worldSize);
        int version = nccl.version();
        if (version < Nccl.MIN_VERSION) {
            throw new IllegalStateException(who + ": " + nccl.libraryName() + " is NCCL version code " + version + "; jgrad needs NCCL 2.10 ("
                    + Nccl.MIN_VERSION + ") or newer, for ncclAvg");
        }
        ctx.makeCurrent();
        long stream = ctx.driver.streamCreate(true);
        ExecutorService init = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "jgrad-nccl-init");
            t.setDaemon(true); // when it never returns (a rank is missing), it must not keep the JVM alive
            return t;
        });
        try {
            Future<Long> f = init.submit(() -> {
                ctx.makeCurrent();
                return nccl.commInitRank(worldSize, uniqueId, rank);
            });
            long comm = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new NcclCommunicator(nccl, backend, rank, worldSize, timeout, comm, stream);
        } catch (TimeoutException e) {
            throw new CudaException(who + ": ncclCommInitRank did not finish within " + timeout.toSeconds()
                    + " s; another rank has probably failed or was never started");
        } catch (ExecutionException e) {
            ctx.driver.streamDestroy(stream);
            Throwable c = e.getCause();
            throw new CudaException(who + ": " + c.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CudaException(who + ": interrupted in ncclCommInitRank");
        } finally {
            init.shutdown();
        }
    }

    public int rank() { return rank; }

    public int worldSize() { return worldSize; }

    public Duration timeout() { return timeout; }

    /** The GPU's backend this communicator works on. */
    public CudaBackend backend() { return backend; }

    /** The stream the collectives run on. */
    public long commStream() { return commStream; }

    /** In-place all-reduce of a contiguous view with an ncclRedOp_t ({@link Nccl#SUM}, ...). */
    public synchronized Pending allReduce(View v, int op) {
        return allReduce(List.of(v), op);
    }

    /** In-place all-reduces of several contiguous views launched as one NCCL group. */
    public synchronized Pending allReduce(List<View> views, int op) {
        long start = begin(views.toArray(View[]::new));
        String what = views.size() == 1 ? "allReduce(" + describe(views.get(0)) + ", op " + op + ")"
                : "allReduce of " + views.size() + " tensors (op " + op + ")";
        try {
            if (views.size() > 1) nccl.groupStart();
            for (View v : views) {
                long p = address(v);
                nccl.allReduce(p, p, v.numel(), Nccl.dataType(v.dtype()), op, comm, commStream);
            }
            if (views.size() > 1) nccl.groupEnd();
        } catch (RuntimeException e) {
            throw failed(what, e);
        }
        return end(what, start);
    }

    /** Rank {@code root}'s view copied into the same view of every rank, in place. */
    public synchronized Pending broadcast(View v, int root) {
        long start = begin(v);
        String what = "broadcast(" + describe(v) + ", root " + root + ")";
        try {
            long p = address(v);
            nccl.broadcast(p, p, v.numel(), Nccl.dataType(v.dtype()), root, comm, commStream);
        } catch (RuntimeException e) {
            throw failed(what, e);
        }
        return end(what, start);
    }

    /** Every rank's {@code in} into {@code out}, rank r's at element r * in.numel(). */
    public synchronized Pending allGather(View out, View in) {
        long start = begin(out, in);
        String what = "allGather(" + describe(in) + ")";
        try {
            nccl.allGather(address(in), address(out), in.numel(), Nccl.dataType(in.dtype()), comm, commStream);
        } catch (RuntimeException e) {
            throw failed(what, e);
        }
        return end(what, start);
    }

    /**
     * A collective queued on the communication stream. {@link #await} returns once it has
     * finished; the compute stream is then ordered after it too.
     */
    public final class Pending {
        private final String what;
        private final long startNanos;
        private final long doneEvent;
        private boolean finished;

        private Pending(String what, long startNanos, long doneEvent) {
            this.what = what;
            this.startNanos = startNanos;
            this.doneEvent = doneEvent;
        }

        /** True once the collective has finished on the GPU. */
        public boolean isDone() {
            if (finished) return true;
            ctx.makeCurrent();
            return ctx.driver.eventDone(doneEvent);
        }

        /**
         * Waits for the collective; throws {@link CudaException} naming the rank when NCCL
         * reports an error or the timeout passes (the communicator is aborted then).
         */
        public synchronized void await() {
            if (finished) return;
            if (broken) {
                finished = true; // the communicator is gone (aborted by another collective): nothing to poll
                throw new CudaException(who(rank, worldSize) + ": " + what + " cannot finish: the NCCL communicator was aborted ("
                        + brokenBecause + ")");
            }
            ctx.makeCurrent();
            try {
                ctx.driver.streamWaitEvent(ctx.stream, doneEvent);
                long deadline = startNanos + timeout.toNanos();
                long pause = 1_000; // ns: short first, a collective of small buckets is done in microseconds
                while (true) {
                    boolean done = ctx.driver.eventDone(doneEvent);
                    int err = nccl.commGetAsyncError(comm);
                    if (err != Nccl.SUCCESS && err != Nccl.IN_PROGRESS) {
                        throw abort(what + " failed: NCCL reported the asynchronous error " + nccl.errorText(err)
                                + " (a peer rank has probably failed)");
                    }
                    if (done) break;
                    if (System.nanoTime() - deadline > 0) {
                        throw abort(what + " did not finish within " + timeout.toSeconds() + " s; another rank has probably failed"
                                + " or stopped calling collectives");
                    }
                    LockSupport.parkNanos(pause);
                    pause = Math.min(pause * 2, 1_000_000);
                }
            } finally {
                finished = true;
                if (!broken) ctx.driver.eventDestroy(doneEvent);
            }
        }
    }

    /**
     * Waits for the collectives still queued (polled like any collective, so a dead peer ends
     * in an abort after the timeout, never a hang), then frees the communicator and its
     * stream. Idempotent; after an abort there is nothing left to free.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        if (broken) {
            closed = true;
            return;
        }
        ctx.makeCurrent();
        Pending drained = end("closing the communicator (waiting for its queued collectives)", System.nanoTime());
        closed = true;
        drained.await(); // throws after aborting when a queued collective never finishes
        nccl.commDestroy(comm);
        ctx.driver.streamDestroy(commStream);
    }

    /** Checks the communicator is usable, makes the context current and orders the communication stream after the compute stream. */
    private long begin(View... views) {
        if (closed) throw new IllegalStateException(who(rank, worldSize) + ": the NCCL communicator is closed");
        if (broken) throw new IllegalStateException(who(rank, worldSize) + ": the NCCL communicator was aborted (" + brokenBecause + ")");
        ctx.makeCurrent();
        backend.memory().awaitStaged(views);
        long ready = ctx.driver.eventCreateForSync();
        try {
            ctx.driver.eventRecord(ready, ctx.stream);
            ctx.driver.streamWaitEvent(commStream, ready);
        } finally {
            ctx.driver.eventDestroy(ready); // safe once the wait is queued: the driver keeps what the stream needs
        }
        return System.nanoTime();
    }

    private Pending end(String what, long start) {
        long done = ctx.driver.eventCreateForSync();
        ctx.driver.eventRecord(done, commStream);
        return new Pending(what, start, done);
    }

    private long address(View v) {
        if (!v.isContiguous()) throw new IllegalArgumentException("NCCL needs contiguous memory, got a view of shape "
                + java.util.Arrays.toString(v.shape()) + " and strides " + java.util.Arrays.toString(v.strides()));
        return backend.memory().address(v);
    }

    private static String describe(View v) { return v.dtype() + "[" + v.numel() + "]"; }

    private CudaException failed(String what, RuntimeException e) {
        if (e instanceof IllegalArgumentException) throw e;
        return abort(what + " could not be queued: " + e.getMessage());
    }

    private synchronized CudaException abort(String why) { // one abort, whichever thread sees the failure first
        String msg = who(rank, worldSize) + ": " + why + ". Aborting the NCCL communicator (ncclCommAbort).";
        if (!broken) {
            broken = true;
            brokenBecause = why;
            try {
                nccl.commAbort(comm);
            } catch (RuntimeException e) {
                msg += " ncclCommAbort failed too: " + e.getMessage();
            }
        }
        return new CudaException(msg);
    }

    private static String who(int rank, int worldSize) { return "rank " + rank + " of " + worldSize; }
}
