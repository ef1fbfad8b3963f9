package org.jgrad.cuda;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stream-ordered pool: reuse without growth, and an impossible allocation explained. */
@Tag("gpu")
class CudaAllocatorGpuTest {

    @Test
    void thousandAllocFreeCyclesDoNotGrowThePool() {
        Device gpu = GpuSupport.cuda();
        CudaBackend be = GpuSupport.backend();
        System.out.println("[gpu] " + be.describe()); // in the GPU check's log: which device and libraries ran
        DeviceAllocator a = be.allocator();
        // warm up the sizes used below
        for (int i = 0; i < 10; i++) {
            try (Tensor t = Tensor.empty(DType.FLOAT32, gpu, 1 << 20); Tensor u = Tensor.empty(DType.FLOAT32, gpu, 1000 + i)) {
                be.fill(t.raw(), i);
            }
        }
        // let the Cleaner return what earlier tests dropped, so it does not land inside the measurement
        System.gc();
        try { Thread.sleep(200); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        be.synchronize();
        long reserved = a.reservedBytes(), live = a.liveBytes();
        for (int i = 0; i < 1000; i++) {
            try (Tensor t = Tensor.empty(DType.FLOAT32, gpu, 1 << 20); Tensor u = Tensor.empty(DType.FLOAT32, gpu, 1000 + (i % 10))) {
                be.fill(t.raw(), i);
                be.fill(u.raw(), -i);
            }
        }
        be.synchronize();
        assertTrue(a.liveBytes() <= live, "live bytes back where they were (or lower, if the Cleaner freed more): " + live + " -> " + a.liveBytes());
        assertEquals(reserved, a.reservedBytes(), "the pool reused its blocks instead of growing");
    }

    @Test
    void anImpossibleAllocationNamesBytesAskedAndFree() {
        GpuSupport.cuda();
        CudaBackend be = GpuSupport.backend();
        long asked = 1L << 50; // 1 PiB
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> be.allocator().allocate(asked));
        assertEquals(asked, e.requestedBytes());
        assertTrue(e.getMessage().contains("asked for " + asked + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("free of"), e.getMessage());
        assertTrue(e.getMessage().startsWith("cuMemAllocAsync"), e.getMessage());
        // and the device still works afterwards
        assertEquals(3f, Tensor.fromArray(new float[] {3f}, 1).to(Device.cuda(0)).toFloatArray()[0]);
    }
}
