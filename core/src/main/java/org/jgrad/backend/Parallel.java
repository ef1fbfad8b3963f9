package org.jgrad.backend;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The one shared pool of CPU kernels: a ForkJoinPool with one worker per core (override with
 * the system property {@code jgrad.threads}). Kernels split their outer loop into chunks.
 */
public final class Parallel {
    private static final int THREADS = Integer.getInteger("jgrad.threads", Runtime.getRuntime().availableProcessors());
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

    private Parallel() {}

    public static int threads() { return THREADS; }

    @FunctionalInterface
    public interface Range {
        void run(int lo, int hi);
    }

    /**
     * Runs body over [0, n) in chunks of at least {@code grain} items, in parallel when worthwhile.
     * Nested calls from inside the pool run serially.
     */
    public static void forRange(int n, int grain, Range body) {
        if (n <= 0) return;
        int g = Math.max(1, grain);
        if (POOL == null || n <= g || java.util.concurrent.ForkJoinTask.getPool() == POOL) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(THREADS * 4, (n + g - 1) / g);
        POOL.invoke(new Chunk(body, 0, n, chunks));
    }

    private static final class Chunk extends RecursiveAction {
        private final Range body;
        private final int lo, hi, chunks;

        Chunk(Range body, int lo, int hi, int chunks) {
            this.body = body;
            this.lo = lo;
            this.hi = hi;
            this.chunks = chunks;
        }

        @Override
        protected void compute() {
            if (chunks <= 1) {
                body.run(lo, hi);
                return;
            }
            int half = chunks / 2;
            int mid = lo + (int) ((long) (hi - lo) * half / chunks);
            invokeAll(new Chunk(body, lo, mid, half), new Chunk(body, mid, hi, chunks - half));
        }
    }
}
