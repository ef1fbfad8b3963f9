package org.jgrad.cuda;

import org.jgrad.tensor.Device;

/**
 * A whole simulated GPU behind {@code Device.cuda(SimulatedCuda.INDEX)}: the CUDA backend over
 * {@link SimulatedRuntime}, installed once per test JVM, so tests can drive tensors, modules,
 * losses, optimizers and the DataLoader on "cuda" exactly as a user does, without a GPU. The
 * index is one no real machine of ours has, so a GPU in the same JVM keeps cuda:0.
 */
final class SimulatedCuda {
    static final int INDEX = 7;
    private static SimulatedRuntime runtime;
    private static CudaBackend backend;

    private SimulatedCuda() {}

    static synchronized Device device() {
        if (backend == null) {
            runtime = new SimulatedRuntime(192 << 20).reuseFreedBlocks();
            backend = new CudaBackend(INDEX, null, runtime, null);
            CudaBackendProvider.install(INDEX, backend);
        }
        return Device.cuda(INDEX);
    }

    static synchronized SimulatedRuntime runtime() {
        device();
        return runtime;
    }

    static synchronized CudaBackend backend() {
        device();
        return backend;
    }
}
