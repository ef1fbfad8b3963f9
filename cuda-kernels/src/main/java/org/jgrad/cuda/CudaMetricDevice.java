package org.jgrad.cuda;

import org.jgrad.cuda.metrics.CudaMetrics;
import org.jgrad.cuda.metrics.Launcher;
import org.jgrad.cuda.metrics.MetricDevice;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.util.List;

/**
 * Connects the metric launchers ({@link CudaMetrics}) to a {@link CudaBackend} through its
 * {@link DeviceRuntime} (the GPU, or the PTX simulator in CPU tests): kernels of the seg_stats
 * and confusion modules, tensor addresses, a reusable scratch buffer for the score kernels,
 * device-to-device copies. Kept out of CudaBackend so that class only delegates.
 */
final class CudaMetricDevice implements MetricDevice {
    private final CudaBackend backend;
    private final DeviceRuntime rt;
    private long scratch;
    private long scratchBytes;

    CudaMetricDevice(CudaBackend backend, DeviceRuntime rt) {
        this.backend = backend;
        this.rt = rt;
    }

    @Override
    public Launcher launcher() {
        return (module, kernel, grid, block, sharedBytes, args) -> rt.launcher().launch(module, kernel, grid, block, sharedBytes, List.of(args));
    }

    @Override
    public long address(Tensor t) {
        backend.storage("tensor", t);
        return backend.address(t);
    }

    @Override
    public int multiprocessors() { return rt.launcher().multiprocessors(); }

    /** One buffer, grown when asked for more; reuse is safe because every use is ordered on the one stream. */
    @Override
    public synchronized long scratch(long bytes) {
        if (bytes > scratchBytes) {
            if (scratch != 0) rt.free(scratch, scratchBytes);
            scratch = rt.allocate(bytes);
            scratchBytes = bytes;
        }
        return scratch;
    }

    @Override
    public void copyDeviceToDevice(long dst, long src, long bytes) { rt.copyDtoD(dst, src, bytes); }

    @Override
    public void copyHostToDevice(double[] src, long dst) {
        try (Tensor h = new Tensor(backend.fromHost(src, DType.FLOAT64), src.length)) {
            rt.copyDtoD(dst, backend.address(h), 8L * src.length);
            rt.synchronize(); // h's memory goes back to the pool when this returns
        }
    }

    @Override
    public Tensor contiguous(Tensor t) { return backend.dense(t); }

    @Override
    public void upload(double[] values, Tensor out) { copyHostToDevice(values, address(out)); }
}
