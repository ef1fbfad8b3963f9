package org.jgrad.tensor;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A flat buffer of {@code numel} elements of one dtype on one device, shared by every tensor
 * view of it. Reference counted: each live {@link Tensor} handle holds one reference; when the
 * last is released the memory goes back to its backend and {@link MemoryStats} forgets it.
 */
public abstract class Storage {
    private final DType dtype;
    private final long numel;
    private final Device device;
    private final AtomicInteger refs = new AtomicInteger();
    private volatile boolean freed;
    /** Set when any reference went through the Cleaner; see {@link #releaseUnreachable()}. */
    private volatile boolean reachedByCleaner;
    /**
     * Counts the in-place writes to this buffer (PyTorch's version counter): autograd records it
     * for every tensor it saves for backward and refuses to use one written since. Plain int: a
     * write and the backward that reads it run on one thread, as the graph itself is unshared.
     */
    private int version;

    protected Storage(DType dtype, long numel, Device device) {
        if (numel < 0) throw new IllegalArgumentException("numel must be >= 0, got " + numel);
        this.dtype = dtype;
        this.numel = numel;
        this.device = device;
        MemoryStats.allocated(device, bytes());
    }

    public final DType dtype() { return dtype; }

    public final long numel() { return numel; }

    public final Device device() { return device; }

    public final long bytes() { return numel * dtype.byteSize(); }

    public final boolean isFreed() { return freed; }

    /** How many in-place writes this buffer has had (every view of it shares the count). */
    public final int version() { return version; }

    /** Counts one in-place write; every path that writes into an existing tensor calls it. */
    public final void bumpVersion() { version++; }

    /**
     * Takes one reference. Each {@code Tensor} holds one; a backend that keeps a scratch buffer
     * outside any tensor takes its own and gives it back with {@link #release()}.
     */
    public final void retain() {
        refs.incrementAndGet();
    }

    /** Gives back one reference; the last one returns the memory to its backend. */
    public final void release() {
        if (refs.decrementAndGet() == 0 && !freed) {
            synchronized (this) {
                if (freed) return;
                freed = true;
            }
            MemoryStats.released(device, bytes());
            free();
        }
    }

    /**
     * Gives back the reference of a tensor that was never closed and became unreachable (the
     * {@code Cleaner}'s path). Such a release can come while a primitive still works on the raw
     * buffer (the tensor object is unreachable once the primitive holds only its view), so the
     * buffer is marked as {@link #releasedByCleaner()}: its backend must not hand it out again.
     */
    public final void releaseUnreachable() {
        reachedByCleaner = true; // before the decrement: the thread that frees sees it
        release();
    }

    /**
     * Whether any reference of this buffer was given back by the {@code Cleaner} rather than by
     * an explicit close; a backend that recycles buffers recycles only those where this is false.
     */
    protected final boolean releasedByCleaner() { return reachedByCleaner; }

    /** Returns the memory to the backend; called once, when the last reference goes. */
    protected abstract void free();
}
