package org.jgrad.cuda;

import org.jgrad.backend.Backends;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/** Shared by the gpu-tagged tests: skip (or fail, where a GPU is required) without a GPU, random data, comparisons with context. */
public final class GpuSupport {
    /**
     * Set to {@code true} on a machine that has a GPU (the GPU check does): a CUDA start-up
     * failure then fails every gpu-tagged test with its explanation instead of skipping them all.
     */
    public static final String REQUIRED_PROPERTY = "jgrad.gpu.required";

    private GpuSupport() {}

    /**
     * The CUDA device. Where none is usable the test is skipped with CUDA's start-up explanation,
     * or fails with it when {@value #REQUIRED_PROPERTY} is true. Call it inside each test (not in
     * {@code @BeforeAll}), so that skipped tests are still counted, one by one.
     */
    public static Device cuda() {
        Device d = Device.cuda(0);
        if (Backends.isAvailable(d)) return d;
        String why = startupFailure(d);
        if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
            fail("a GPU is required (-D" + REQUIRED_PROPERTY + "=true) but CUDA did not start: " + why);
        }
        abort("no usable CUDA device: " + why);
        return d; // not reached
    }

    /** Why the backend for {@code d} could not be created (the provider remembers the first failure). */
    private static String startupFailure(Device d) {
        try {
            Backends.of(d);
            return "the backend was created on a second try";
        } catch (RuntimeException | LinkageError e) {
            return String.valueOf(e.getMessage());
        }
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
