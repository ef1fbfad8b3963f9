package org.jgrad.cuda;

import org.jgrad.backend.Backends;
import org.jgrad.backend.Backend;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;

import java.util.Arrays;
import java.util.Random;

/**
 * What the primitive-level simulator tests share: a fresh {@link CudaBackend} over a
 * {@link SimulatedRuntime} for every test, the CPU backend as the reference, a seeded random
 * source, and helpers that place data on the simulated device. The tensors report the CPU as
 * their device (their storage is the simulated GPU's), so tests call primitives directly.
 */
abstract class SimulatedBackendTest {
    protected SimulatedRuntime rt;
    protected CudaBackend gpu;
    protected final org.jgrad.backend.CpuBackend cpu = org.jgrad.backend.CpuBackend.INSTANCE; // the concrete type: the fused families are not on Backend
    protected final Random rng;
    private final int memoryBytes;

    SimulatedBackendTest(long seed, int memoryBytes) {
        this.rng = new Random(seed);
        this.memoryBytes = memoryBytes;
    }

    @BeforeEach
    final void newSimulatedDevice() {
        rt = new SimulatedRuntime(memoryBytes);
        gpu = new CudaBackend(0, null, rt, Device.cpu());
    }

    protected Tensor onSim(float[] v, int... shape) { return new Tensor(gpu.fromHost(v, DType.FLOAT32), shape); }

    protected Tensor onSim(long[] v, int... shape) { return new Tensor(gpu.fromHost(v, DType.INT64), shape); }

    protected Tensor emptySim(DType dt, int... shape) { return new Tensor(gpu.allocate(dt, numel(shape)), shape); }

    protected static int numel(int... shape) { return Arrays.stream(shape).reduce(1, (a, b) -> a * b); }
}
