package org.jgrad.cuda.metrics;

import org.jgrad.tensor.View;

/**
 * What the metric launchers need from the CUDA backend: a few lines there, so this package
 * stays independent of how the backend manages memory and streams. Every operation is queued
 * on the backend's stream; nothing here synchronizes or copies to the host.
 */
public interface MetricDevice {
    Launcher launcher();

    /**
     * Byte address of the view's element 0 (storage address + offset * element size), after
     * ordering the stream behind any pending copy into the view's storage.
     */
    long address(View v);

    int multiprocessors();

    /** A dense device copy of {@code v}, freed by closing it. */
    Dense contiguous(View v);

    /** A temporary dense view on the device. */
    interface Dense extends AutoCloseable {
        View view();

        @Override
        void close();
    }
}
