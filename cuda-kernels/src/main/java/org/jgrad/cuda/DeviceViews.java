package org.jgrad.cuda;

import org.jgrad.tensor.Storage;
import org.jgrad.tensor.View;

/**
 * Temporaries the CUDA helpers make for themselves (dense copies, partial sums, float64 work
 * buffers): a contiguous view that holds one reference to a freshly allocated buffer until
 * {@link #release}, which frees it.
 */
final class DeviceViews {
    private DeviceViews() {}

    /** A contiguous view over {@code storage} (just allocated, {@code shape}'s size), holding one reference. */
    static View hold(Storage storage, int... shape) {
        storage.retain();
        return View.contiguous(storage, shape);
    }

    /** Gives back the reference {@link #hold} took. */
    static void release(View temporary) {
        temporary.storage().release();
    }
}
