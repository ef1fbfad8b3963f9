package org.jgrad.cuda;

import org.jgrad.cuda.metrics.CudaMetrics;
import org.jgrad.cuda.metrics.Launcher;
import org.jgrad.cuda.metrics.MetricDevice;
import org.jgrad.tensor.View;

import java.util.List;

/**
 * Connects the metric launchers ({@link CudaMetrics}) to a {@link CudaBackend} through its
 * {@link DeviceRuntime} (the GPU, or the PTX simulator in CPU tests): kernels of the seg_stats
 * and confusion modules, view addresses, dense copies of strided views. Kept out of CudaBackend
 * so that class only delegates.
 */
final class CudaMetricDevice implements MetricDevice {
    private final CudaBackend backend;
    private final DeviceRuntime rt;

    CudaMetricDevice(CudaBackend backend, DeviceRuntime rt) {
        this.backend = backend;
        this.rt = rt;
    }

    @Override
    public Launcher launcher() {
        return (module, kernel, grid, block, sharedBytes, args) -> rt.launcher().launch(module, kernel, grid, block, sharedBytes, List.of(args));
    }

    /** The view's device address; a staged batch's copy is ordered before the kernel (backend.storage does it). */
    @Override
    public long address(View v) {
        backend.storage("metric input", v);
        return backend.address(v);
    }

    @Override
    public int multiprocessors() { return rt.launcher().multiprocessors(); }

    /** The view itself when contiguous, else a dense device copy released on close. */
    @Override
    public Dense contiguous(View v) {
        backend.storage("metric input", v);
        View dense = backend.dense(v);
        return new Dense() {
            @Override public View view() { return dense; }

            @Override
            public void close() {
                if (dense != v) DeviceViews.release(dense);
            }
        };
    }
}
