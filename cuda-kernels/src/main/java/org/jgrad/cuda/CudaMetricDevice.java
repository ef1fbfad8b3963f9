package org.jgrad.cuda;

import org.jgrad.cuda.metrics.CudaMetrics;
import org.jgrad.cuda.metrics.Launcher;
import org.jgrad.cuda.metrics.MetricDevice;
import org.jgrad.tensor.Tensor;
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

    @Override
    public long address(View v) {
        if (!(v.storage() instanceof CudaStorage s) || s.backend() != backend) {
            throw new IllegalArgumentException("metric input is on " + v.device() + ", expected " + backend.name());
        }
        long ready = s.readyEvent;
        if (ready != 0) { // a staged batch: its copy runs on the copy stream; order, don't wait
            rt.streamWaitEvent(rt.computeStream(), ready);
            s.readyEvent = 0;
        }
        return s.pointer() + (long) v.offset() * v.dtype().byteSize();
    }

    @Override
    public int multiprocessors() { return rt.launcher().multiprocessors(); }

    /** Through the backend's copy, which still takes tensors: a temporary one over the view. */
    @Override
    public Dense contiguous(View v) {
        Tensor src = new Tensor(v.storage(), v.shape(), v.strides(), v.offset());
        Tensor dense = backend.dense(src);
        return new Dense() {
            @Override public View view() { return dense.raw(); }

            @Override
            public void close() {
                dense.close();
                src.close();
            }
        };
    }
}
