package org.jgrad.data;

import java.util.List;

/**
 * A worker did not deliver its batch within the loader's {@code timeout} (PyTorch's
 * "DataLoader timed out"): names the batch index, the epoch, the worker thread and the timeout,
 * and any worker that was still running after the loader stopped the epoch.
 */
public final class DataLoaderTimeoutException extends RuntimeException {
    private final int batchIndex;
    private final String worker;

    public DataLoaderTimeoutException(int batchIndex, int epoch, String worker, long timeoutMillis, List<String> stillRunning) {
        super("DataLoader timed out after " + timeoutMillis / 1000.0 + " s waiting for batch " + batchIndex + " of epoch " + epoch
                + " from worker '" + worker + "'; the epoch was stopped"
                + (stillRunning.isEmpty() ? "" : ", but thread(s) " + stillRunning + " ignored the interrupt and are still running (daemon threads)"));
        this.batchIndex = batchIndex;
        this.worker = worker;
    }

    public int batchIndex() { return batchIndex; }

    /** The name of the worker thread that was waited for. */
    public String worker() { return worker; }
}
