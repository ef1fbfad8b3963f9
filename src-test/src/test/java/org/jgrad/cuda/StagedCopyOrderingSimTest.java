package org.jgrad.cuda;

import org.jgrad.backend.UnaryOp;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Storage;
import org.jgrad.tensor.Tensor;
import org.jgrad.tensor.View;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Where the compute stream waits for a staged batch's copy is explicit: looking a staged view
 * up (its storage, its address) queues nothing; the first primitive that uses it queues exactly
 * one device-side wait for the copy's event, and later primitives none.
 */
class StagedCopyOrderingSimTest {
    private final SimulatedRuntime rt = new SimulatedRuntime(1 << 20);
    private final CudaBackend gpu = new CudaBackend(0, null, rt, Device.cpu());

    private View stagedBatch(float... values) {
        Storage[] staged = gpu.uploadAsync(Tensor.fromArray(values, values.length).raw());
        return View.contiguous(staged[0], values.length);
    }

    private List<String> waits() {
        List<String> w = new ArrayList<>();
        synchronized (rt.streamLog) {
            for (String s : rt.streamLog) if (s.startsWith("wait ")) w.add(s);
        }
        return w;
    }

    @Test
    void lookingUpAStagedViewQueuesNoWaitAndItsFirstPrimitiveQueuesOne() {
        View x = stagedBatch(1, -2, 3);
        long event = ((CudaStorage) x.storage()).readyEvent;
        DeviceMemory memory = gpu.memory();
        memory.require("x", x);
        memory.address(x);
        gpu.address(x);
        assertEquals(List.of(), waits(), "a lookup only reads");

        View out = View.contiguous(gpu.allocate(DType.FLOAT32, 3, false), 3);
        gpu.unary(UnaryOp.NEG, x, out, 0, 0);
        assertEquals(List.of("wait " + event + " on " + rt.computeStream()), waits(), "the first primitive orders after the copy, once");

        gpu.unary(UnaryOp.ABS, x, out, 0, 0);
        float[] host = new float[3];
        gpu.toHost(out, host);
        assertEquals(1, waits().size(), "later primitives find the batch ordered already");
        assertArrayEquals(new float[] {1, 2, 3}, host);
    }

    @Test
    void aStagedBatchFreedUnusedIsOrderedAfterItsCopyOnce() {
        View x = stagedBatch(4, 5);
        long event = ((CudaStorage) x.storage()).readyEvent;
        x.storage().retain(); // the batch tensor's reference
        x.storage().release(); // ... given back unused: a loader closed with the batch in flight
        assertEquals(List.of("wait " + event + " on " + rt.computeStream()), waits(), "the free is queued after the copy");
    }
}
