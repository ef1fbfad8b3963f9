package org.jgrad.cuda;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Storage;

/**
 * Device memory for one tensor storage: a pointer from the backend's stream-ordered
 * allocator. {@link #free()} queues the release on the same stream, so kernels already
 * queued on the block finish before it is reused - closing a tensor never waits for the GPU.
 */
public final class CudaStorage extends Storage {
    private final CudaBackend backend;
    private final long pointer;
    /**
     * An event the compute stream must wait for before touching this memory (the copy stream's
     * staging copy of a DataLoader batch), or 0. Cleared by the first primitive that uses it.
     */
    volatile long readyEvent;

    CudaStorage(CudaBackend backend, Device device, DType dtype, long numel, long pointer) {
        super(dtype, numel, device);
        this.backend = backend;
        this.pointer = pointer;
    }

    /** The device address of element 0 (0 for an empty storage). */
    public long pointer() {
        if (isFreed()) throw new IllegalStateException("CUDA storage of " + numel() + " " + dtype() + " elements was used after it was freed");
        return pointer;
    }

    CudaBackend backend() { return backend; }

    @Override
    protected void free() {
        // A staged batch closed before any primitive used it (a loader shut down with batches in
        // flight): the free is queued on the compute stream, so order it after the copy stream's
        // allocation and copy too, else the pool may hand the block out while the copy still writes.
        long ready = readyEvent;
        if (ready != 0) {
            readyEvent = 0;
            backend.runtime().streamWaitEvent(backend.runtime().computeStream(), ready);
        }
        backend.runtime().free(pointer, bytes());
    }
}
