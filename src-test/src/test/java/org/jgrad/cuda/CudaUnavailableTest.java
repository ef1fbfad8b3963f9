package org.jgrad.cuda;

import org.jgrad.backend.Backends;
import org.jgrad.tensor.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Through the public API, on a machine where CUDA is unusable (here: no driver): the registry's
 * backend for cuda:0 fails with one message naming every library and place, and Backends.auto()
 * falls back to the CPU. Naming the device itself never fails: a device is a value.
 * Skipped on a GPU machine.
 */
class CudaUnavailableTest {
    @Test
    void cudaFailsWithTheWholeStoryAndAutoFallsBack() {
        IllegalStateException failure = null;
        try {
            Backends.of(Device.cuda(0));
        } catch (IllegalStateException e) {
            failure = e;
        }
        assumeTrue(failure != null, "a usable GPU is present; nothing to check here");
        String m = failure.getMessage();
        assertTrue(m.startsWith("Device.cuda(0) is unavailable"), m);
        assertTrue(m.contains("libcuda.so.1") && m.contains("libcublas.so.13") && m.contains("libcudnn.so.9"), m);
        assertTrue(m.contains("Searched, in order:") && m.contains("JGRAD_CUDA_LIBS"), m);
        assertEquals(Device.cpu(), Backends.auto());
        assertTrue(!Backends.isAvailable(Device.cuda(0)));
        // the second attempt answers from the cache with the same explanation
        try {
            Backends.of(Device.cuda(0));
        } catch (IllegalStateException again) {
            assertEquals(m, again.getMessage());
        }
    }
}
