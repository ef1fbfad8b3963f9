package org.jgrad.data;

/**
 * Building a batch failed (in a worker thread or, with no workers, in the caller's): carries the
 * batch index, the epoch, the thread and the original exception as the cause. The loader has
 * shut its workers down by the time this is thrown.
 */
public final class DataLoaderException extends RuntimeException {
    private final int batchIndex;
    private final int epoch;

    public DataLoaderException(int batchIndex, int epoch, String threadName, Throwable cause) {
        super("DataLoader: building batch " + batchIndex + " of epoch " + epoch + " failed in thread '" + threadName
                + "': " + cause, cause);
        this.batchIndex = batchIndex;
        this.epoch = epoch;
    }

    public int batchIndex() { return batchIndex; }

    public int epoch() { return epoch; }
}
