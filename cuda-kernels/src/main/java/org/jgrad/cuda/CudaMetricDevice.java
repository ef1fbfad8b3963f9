package org.jgrad.cuda;

import org.jgrad.cuda.metrics.CudaMetrics;
import org.jgrad.cuda.metrics.Launcher;
import org.jgrad.cuda.metrics.MetricDevice;
import org.jgrad.tensor.View;

import java.util.List;

/**
 * Connects the metric launchers ({@link CudaMetrics}) to one GPU (or the PTX simulator in CPU
 * tests): kernels of the seg_stats and confusion modules, view addresses, dense copies of
 * strided views. The backend's metric entry points order their operands after any staged copy
 * ({@link DeviceMemory#awaitStaged}) before the launchers look up addresses here.
 */
final class CudaMetricDevice implements MetricDevice {
    private final DeviceMemory mem;
    private final DeviceCopies copies;
    private final KernelLauncher launcher;

    CudaMetricDevice(DeviceMemory mem, DeviceCopies copies, KernelLauncher launcher) {
        this.mem = mem;
        this.copies = copies;
        this.launcher = launcher;
    }

    @Override
    public Launcher launcher() {
        return (module, kernel, grid, block, sharedBytes, args) -> launcher.launch(module, kernel, grid, block, sharedBytes, List.of(args));
    }

    /** The view's device address, checked to be this device's. */
    @Override
    public long address(View v) {
        mem.require("metric input", v);
        return mem.address(v);
    }

    @Override
    public int multiprocessors() { return launcher.multiprocessors(); }

    /** The view itself when contiguous, else a dense device copy released on close. */
    @Override
    public Dense contiguous(View v) {
        mem.require("metric input", v);
        View dense = copies.dense(v);
        return new Dense() {
            @Override public View view() { return dense; }

            @Override
            public void close() { copies.release(dense, v); }
        };
    }
}
