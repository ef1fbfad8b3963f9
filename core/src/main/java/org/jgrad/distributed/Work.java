package org.jgrad.distributed;

/**
 * A collective started by one of the {@code ...Async} calls of {@link ProcessGroup}. The
 * tensors handed to it must not be read or written until {@link #await()} has returned:
 * the result is written into them by {@code await()}, on the calling thread.
 */
public interface Work {
    /**
     * Waits for the collective and writes its result into the tensor(s) it was started on.
     * Idempotent. Throws {@link DistributedException} when the collective failed; when it does
     * not finish within the group's timeout the job is aborted (a peer has died or hangs).
     */
    void await();

    /** True once the collective itself has finished (the result may not be written back yet). */
    boolean isDone();

    /** A finished piece of work (single-process groups, empty tensors). */
    static Work done() {
        return new Work() {
            @Override public void await() {}
            @Override public boolean isDone() { return true; }
        };
    }
}
