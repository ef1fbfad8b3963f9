package org.jgrad.cuda;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.View;

/**
 * One GPU's memory as the CUDA helpers share it: the stream-ordered allocator of its
 * {@link DeviceRuntime}, the lookup from a view to its device address, dense temporaries, and
 * the ordering of the compute stream after a staged batch's copy.
 *
 * <p>Lookups ({@link #require}, {@link #address}) only read: they queue nothing. Ordering after
 * a DataLoader batch's copy on the copy stream is the explicit {@link #awaitStaged}, which every
 * primitive calls once on its operands before it queues work, so where the compute stream
 * waits can be read off the code.
 */
final class DeviceMemory {
    private final DeviceRuntime rt;
    private final Device device;
    private final String name;

    /** {@code name} is the backend's, for error messages ("x is on cpu, expected cuda:0 (...)"). */
    DeviceMemory(DeviceRuntime rt, Device device, String name) {
        this.rt = rt;
        this.device = device;
        this.name = name;
    }

    Device device() { return device; }

    @Override
    public String toString() { return name; }

    // ------------------------------------------------------------------ lookups (no side effect)

    /** The view's storage, checked to be this device's; {@code what} names the argument in the error. */
    CudaStorage require(String what, View v) {
        if (v == null) throw new IllegalArgumentException(what + " must not be null");
        if (!(v.storage() instanceof CudaStorage s) || s.memory() != this) {
            throw new IllegalArgumentException(what + " is on " + v.device() + ", expected " + name);
        }
        return s;
    }

    /** Device address of the view's first element (the view checked to be this device's). */
    long address(View v) {
        CudaStorage s = require("operand", v);
        return s.pointer() + (long) v.offset() * v.dtype().byteSize();
    }

    // ------------------------------------------------------------------ ordering

    /**
     * Makes the compute stream wait, on the device, for the copy of every staged batch among
     * {@code views} that no primitive has used yet (one {@code cuStreamWaitEvent} per batch
     * buffer, then never again); the host does not wait. Views of other devices and nulls are
     * skipped (the argument checks report them).
     */
    void awaitStaged(View... views) {
        for (View v : views) {
            if (v != null && v.storage() instanceof CudaStorage s && s.memory() == this) awaitStaged(s);
        }
    }

    /** {@link #awaitStaged(View...)} over lists of views (an optimizer step's parameters and states); null lists are skipped. */
    @SafeVarargs
    final void awaitStaged(java.util.List<View>... lists) {
        for (java.util.List<View> list : lists) {
            if (list != null) for (View v : list) awaitStaged(v);
        }
    }

    private void awaitStaged(CudaStorage s) {
        long ready = s.readyEvent;
        if (ready != 0) {
            rt.streamWaitEvent(rt.computeStream(), ready);
            s.readyEvent = 0;
        }
    }

    // ------------------------------------------------------------------ allocation

    /** Uninitialised storage, for outputs about to be overwritten. */
    CudaStorage allocate(DType dtype, long numel) {
        if (dtype == null) throw new IllegalArgumentException("dtype must not be null");
        checkNumel(numel);
        return new CudaStorage(this, device, dtype, numel, rt.allocate(numel * dtype.byteSize()));
    }

    /** Uninitialised storage ready for work on {@code stream} (the staging copy stream). */
    CudaStorage allocateOn(long stream, DType dtype, long numel) {
        checkNumel(numel);
        return new CudaStorage(this, device, dtype, numel, rt.allocateOn(stream, numel * dtype.byteSize()));
    }

    private static void checkNumel(long numel) {
        if (numel < 0 || numel > Integer.MAX_VALUE) throw new IllegalArgumentException("numel must be in [0, 2^31), got " + numel);
    }

    /**
     * A dense temporary (partial sums, a dense copy, a float64 work buffer): a contiguous view
     * of fresh uninitialised memory holding one reference until {@link #release}.
     */
    View temporary(DType dtype, int... shape) {
        long numel = 1;
        for (int d : shape) numel *= d;
        CudaStorage s = allocate(dtype, numel);
        s.retain();
        return View.contiguous(s, shape);
    }

    /** Gives back the reference {@link #temporary} took (the memory is freed on the stream). */
    void release(View temporary) {
        temporary.storage().release();
    }

    /**
     * Frees a storage's block on the compute stream. A staged batch closed before any primitive
     * used it (a loader shut down with batches in flight) is first ordered after its copy, else
     * the pool could hand the block out while the copy still writes it.
     */
    void free(CudaStorage s, long pointer) {
        awaitStaged(s);
        rt.free(pointer, s.bytes());
    }
}
