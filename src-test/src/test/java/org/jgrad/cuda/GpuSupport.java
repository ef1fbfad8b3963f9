package org.jgrad.cuda;

import org.jgrad.backend.Backends;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared by the gpu-tagged tests: skip without a GPU, random data, comparisons with context. */
final class GpuSupport {
    private GpuSupport() {}

    /** The CUDA device, or the test is skipped (not failed) where none is usable. */
    static Device cuda() {
        assumeTrue(Backends.isAvailable(Device.cuda(0)), "no usable CUDA device");
        return Device.cuda(0);
    }

    static CudaBackend backend() { return (CudaBackend) Backends.of(cuda()); }

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }

    static Tensor onGpu(float[] data, int... shape) {
        return Tensor.fromArray(data, shape).to(cuda());
    }

    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) continue;
            if (Math.abs(e - a) > tol * (1 + Math.abs(e))) {
                throw new AssertionError(what + ": element " + i + " expected " + e + " got " + a + " (tolerance " + tol + ")");
            }
        }
    }
}
