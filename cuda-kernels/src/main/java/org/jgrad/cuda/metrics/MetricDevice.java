package org.jgrad.cuda.metrics;

import org.jgrad.tensor.Tensor;

/**
 * What the metric launchers need from the CUDA backend: a few lines there, so this package
 * stays independent of how the backend manages memory and streams. Every operation is queued
 * on the backend's stream; nothing here synchronizes or copies to the host.
 */
public interface MetricDevice {
    Launcher launcher();

    /** Byte address of the view's element 0 (storage address + offset * element size). */
    long address(Tensor t);

    int multiprocessors();

    /** A device buffer of at least {@code bytes}, valid until the next call (stream-ordered reuse). */
    long scratch(long bytes);

    void copyDeviceToDevice(long dst, long src, long bytes);

    /** Host doubles to device memory at {@code dst} (small: class weights), queued on the stream. */
    void copyHostToDevice(double[] src, long dst);

    /** A dense copy of {@code t} on the device (the caller closes it). */
    Tensor contiguous(Tensor t);

    /** Host values into the FLOAT64 device tensor {@code out} (the fallback for scores computed on the host). */
    void upload(double[] values, Tensor out);
}
