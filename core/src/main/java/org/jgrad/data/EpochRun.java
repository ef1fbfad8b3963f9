package org.jgrad.data;

import org.jgrad.tensor.Scope;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The machinery of one epoch of a {@link DataLoader}: the batch list, the worker threads, their
 * output queues and prefetch permits. Holds no reference to the public {@link DataLoader.Epoch}
 * handle, so a {@link java.lang.ref.Cleaner} can close it when that handle is dropped.
 */
final class EpochRun<S> {
    /** Put in a queue by close(), to wake a consumer blocked on it from another thread. */
    private static final Object CLOSED = new Object();
    /** Mixed into the transform seeds so they are not the shuffle's stream. */
    private static final long TRANSFORM_TAG = 0x7A3F_10C5_D2B4_9E61L;

    private record Failure(int batchIndex, String thread, Throwable cause) {}

    private final class Worker implements Runnable {
        final int id;
        final Semaphore permits;
        final LinkedBlockingQueue<Object> out = new LinkedBlockingQueue<>();
        Thread thread;

        Worker(int id) {
            this.id = id;
            this.permits = new Semaphore(loader.prefetch);
        }

        @Override
        public void run() {
            for (int k = id; k < batches.size(); k += loader.numWorkers) {
                try {
                    permits.acquire();
                } catch (InterruptedException e) {
                    return; // close() interrupts: stop quietly
                }
                if (closed.get()) return;
                Object result;
                try {
                    result = build(k);
                } catch (Throwable t) {
                    if (closed.get()) return; // the failure may be the interrupt itself
                    out.add(new Failure(k, Thread.currentThread().getName(), t));
                    return; // this worker stops; the consumer shuts the others down when it reaches batch k
                }
                out.add(result);
                if (closed.get()) { // raced with close(): nobody will take it
                    drain(out);
                    return;
                }
            }
        }
    }

    final DataLoader<S> loader;
    final int epoch;
    final List<int[]> batches;
    private final List<Worker> workers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean failed;
    /** Why this epoch was stopped by the loader starting another; null while it was not. */
    private volatile String supersededBy;
    private int cursor;

    EpochRun(DataLoader<S> loader, int epoch) {
        this.loader = loader;
        this.epoch = epoch;
        this.batches = List.copyOf(loader.batchSampler.batches(epoch));
        List<Worker> ws = new ArrayList<>(loader.numWorkers);
        for (int w = 0; w < loader.numWorkers; w++) ws.add(new Worker(w));
        this.workers = List.copyOf(ws);
    }

    void start() {
        for (Worker w : workers) {
            if (w.id >= batches.size()) continue; // it would have nothing to do
            Thread t = Thread.ofPlatform()
                    .name(loader.threadNamePrefix() + "e" + epoch + "-w" + w.id)
                    .daemon(true)
                    .unstarted(w);
            w.thread = t;
            t.start();
        }
    }

    boolean hasNext() {
        throwIfSuperseded();
        return !closed.get() && !failed && cursor < batches.size();
    }

    /** Called by the loader before it closes this epoch to start {@code next}: the epoch's iterator then throws, it does not just end. */
    void supersede(String next) {
        if (!closed.get() && !failed && cursor < batches.size()) supersededBy = next;
    }

    private void throwIfSuperseded() {
        String by = supersededBy;
        if (by != null) {
            throw new IllegalStateException("epoch " + epoch + " of DataLoader '" + loader.name + "' was stopped after " + cursor + " of "
                    + batches.size() + " batches because " + by + " was started on the same DataLoader, which runs one epoch at a "
                    + "time; finish or close this iteration first, or use a second DataLoader");
        }
    }

    Batch next() {
        throwIfSuperseded();
        if (failed) throw new IllegalStateException("epoch " + epoch + " of DataLoader failed earlier; start a new epoch");
        if (closed.get()) throw new IllegalStateException("epoch " + epoch + " of DataLoader was closed");
        int k = cursor;
        Batch b;
        if (workers.isEmpty()) {
            try {
                b = build(k);
            } catch (Throwable t) {
                failed = true;
                close();
                throw new DataLoaderException(k, epoch, Thread.currentThread().getName(), t);
            }
            // built on the caller's thread, the tensors joined its open Scope; batches from workers
            // belong to no scope, so take these out too: either way the consumer owns the batch
            Scope.escape(b.inputs());
            Scope.escape(b.targets());
        } else {
            Worker w = workers.get(k % workers.size());
            Object r;
            try {
                r = loader.timeoutMillis > 0 ? w.out.poll(loader.timeoutMillis, TimeUnit.MILLISECONDS) : w.out.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for batch " + k + " of epoch " + epoch, e);
            }
            if (r == null) {
                failed = true;
                String thread = w.thread == null ? "worker " + w.id : w.thread.getName();
                List<String> stuck = close();
                throw new DataLoaderTimeoutException(k, epoch, thread, loader.timeoutMillis, stuck);
            }
            if (r == CLOSED) {
                throwIfSuperseded();
                throw new IllegalStateException("epoch " + epoch + " was closed while waiting for batch " + k);
            }
            w.permits.release();
            if (r instanceof Failure f) {
                failed = true;
                close();
                throw new DataLoaderException(f.batchIndex(), epoch, f.thread(), f.cause());
            }
            b = (Batch) r;
        }
        cursor++;
        if (cursor == batches.size()) close(); // workers are done: join them now, not at GC
        return b;
    }

    /** Builds batch {@code k}: get, transform, collate, stage. */
    private Batch build(int k) {
        int[] idx = batches.get(k);
        Dataset<S> ds = loader.dataset;
        int size = ds.size();
        List<S> samples = new ArrayList<>(idx.length);
        try {
            for (int j = 0; j < idx.length; j++) {
                int i = idx[j];
                if (i < 0 || i >= size) {
                    throw new IndexOutOfBoundsException("DataLoader: the sampler gave index " + i + " at position " + j
                            + " of batch " + k + ", outside the data set of " + size + " samples");
                }
                S s = ds.get(i);
                if (s == null) {
                    throw new IllegalStateException("DataLoader: the data set's get(" + i + ") returned null (position " + j + " of batch " + k + ")");
                }
                if (loader.transform != null) {
                    s = loader.transform.apply(s, new SplittableRandom(Mix.mix(loader.seed ^ TRANSFORM_TAG, epoch, k, j)));
                    if (s == null) {
                        throw new IllegalStateException("DataLoader: the transform returned null for sample " + i + " (position " + j + " of batch " + k + ")");
                    }
                }
                samples.add(s);
            }
            Sample c = loader.collate.apply(samples);
            if (c == null) throw new IllegalStateException("DataLoader: collate returned null for batch " + k);
            return loader.stager.stage(new Batch(k, epoch, idx, c.input(), c.target()));
        } catch (RuntimeException | Error e) {
            for (S s : samples) closeQuietly(s);
            throw e;
        }
    }

    /**
     * Stops the workers (interrupt, then join), frees batches built but not handed out. Idempotent.
     * Returns the names of worker threads still alive after the join timeout (a {@code get} that
     * ignores interrupts): Java cannot stop them, so callers report them.
     */
    List<String> close() {
        if (!closed.compareAndSet(false, true)) return List.of();
        for (Worker w : workers) if (w.thread != null) w.thread.interrupt();
        boolean interrupted = false;
        for (Worker w : workers) {
            if (w.thread == null || w.thread == Thread.currentThread()) continue;
            try {
                w.thread.join(loader.joinTimeoutMillis);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        List<String> stuck = new ArrayList<>();
        for (Worker w : workers) {
            drain(w.out);
            w.out.add(CLOSED);
            if (w.thread != null && w.thread != Thread.currentThread() && w.thread.isAlive()) stuck.add(w.thread.getName());
        }
        if (interrupted) Thread.currentThread().interrupt();
        return stuck;
    }

    private static void drain(LinkedBlockingQueue<Object> q) {
        Object o;
        while ((o = q.poll()) != null) {
            if (o instanceof Batch b) b.close();
        }
    }

    private static void closeQuietly(Object o) {
        if (o instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort while another exception is on its way
            }
        }
    }
}
