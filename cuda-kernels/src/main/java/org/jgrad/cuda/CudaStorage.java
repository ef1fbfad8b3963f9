package org.jgrad.cuda;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Storage;

/**
 * Device memory for one tensor storage: a pointer from the device's stream-ordered
 * allocator ({@link DeviceMemory}). {@link #free()} queues the release on the same stream, so
 * kernels already queued on the block finish before it is reused - closing a tensor never
 * waits for the GPU.
 */
public final class CudaStorage extends Storage {
    private final DeviceMemory memory;
    private final long pointer;
    /**
     * An event the compute stream must wait for before touching this memory (the copy stream's
     * staging copy of a DataLoader batch), or 0. Cleared by {@link DeviceMemory#awaitStaged},
     * which the first primitive that uses the storage calls.
     */
    volatile long readyEvent;

    CudaStorage(DeviceMemory memory, Device device, DType dtype, long numel, long pointer) {
        super(dtype, numel, device);
        this.memory = memory;
        this.pointer = pointer;
    }

    /** The device address of element 0 (0 for an empty storage). */
    public long pointer() {
        if (isFreed()) throw new IllegalStateException("CUDA storage of " + numel() + " " + dtype() + " elements was used after it was freed");
        return pointer;
    }

    /** The device this memory belongs to. */
    DeviceMemory memory() { return memory; }

    @Override
    protected void free() {
        memory.free(this, pointer);
    }
}
