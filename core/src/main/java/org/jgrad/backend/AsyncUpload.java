package org.jgrad.backend;

import org.jgrad.tensor.Storage;
import org.jgrad.tensor.View;

/**
 * Optional, offered through {@link Backend#capability(Class)}: copies a group of host buffers
 * (a batch's inputs and targets) to the device without the host waiting, so the copy of the
 * next batch overlaps the current step. The DataLoader's stager uses it on its worker threads.
 */
public interface AsyncUpload {

    /**
     * Starts copying each view (contiguous, on the CPU) into a fresh buffer of this device, as
     * one group, and returns the buffers in order. The first primitive that reads one is ordered
     * after its copy on the device; the host never waits for it.
     */
    Storage[] uploadAsync(View... hostViews);
}
