package org.jgrad.cuda;

import org.jgrad.backend.AsyncUpload;
import org.jgrad.backend.Backends;
import org.jgrad.data.Batch;
import org.jgrad.data.BatchStager;
import org.jgrad.data.DataLoader;
import org.jgrad.data.Sample;
import org.jgrad.data.TensorDataset;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DataLoader's pinned staging onto a (simulated) GPU: batches built by worker threads
 * arrive on the device with the host's values, their copies are queued on the copy stream
 * with an event after them, the compute stream waits for that event (on the device) before the
 * first primitive touches the batch, and a pinned slot is rewritten only after its last copy.
 */
class CudaStagingSimTest {

    @Test
    void theCudaDeviceGetsTheCopyStreamStager() {
        Device cuda = SimulatedCuda.device();
        assertTrue(Backends.of(cuda).capability(AsyncUpload.class).isPresent(), "cuda offers the asynchronous upload");
    }

    @Test
    void batchesFromWorkersArriveOnTheDeviceWithTheHostValues() {
        Device cuda = SimulatedCuda.device();
        int n = 37, features = 5;
        float[] x = new float[n * features];
        long[] y = new long[n];
        for (int i = 0; i < x.length; i++) x[i] = i * 0.25f - 3;
        for (int i = 0; i < n; i++) y[i] = (i * 7) % 4;
        TensorDataset ds = new TensorDataset(Tensor.fromArray(x, n, features), Tensor.fromArray(y, n));
        List<float[]> seen = new ArrayList<>();
        List<long[]> seenY = new ArrayList<>();
        try (DataLoader<Sample> loader = DataLoader.builder(ds).batchSize(4).numWorkers(2).prefetch(2).device(cuda).build()) {
            for (Batch b : loader) {
                try (b) {
                    assertEquals(cuda, b.inputs().device());
                    assertEquals(cuda, b.targets().device());
                    assertEquals(DType.INT64, b.targets().dtype());
                    seen.add(b.inputs().toFloatArray());
                    seenY.add(b.targets().toLongArray());
                }
            }
        }
        float[] all = new float[n * features];
        long[] allY = new long[n];
        int at = 0, atY = 0;
        for (float[] f : seen) { System.arraycopy(f, 0, all, at, f.length); at += f.length; }
        for (long[] l : seenY) { System.arraycopy(l, 0, allY, atY, l.length); atY += l.length; }
        assertEquals(10, seen.size(), "37 samples in batches of 4");
        assertArrayEquals(x, all);
        assertArrayEquals(y, allY);
    }

    @Test
    void copiesAreOrderedByEventsNotHostWaits() {
        Device cuda = SimulatedCuda.device();
        SimulatedRuntime rt = SimulatedCuda.runtime();
        org.jgrad.data.BatchStager stager = org.jgrad.data.BatchStager.uploading(SimulatedCuda.backend());
        int batches = CudaBatchStager.SLOTS + 3;
        List<String> log;
        synchronized (rt.streamLog) { rt.streamLog.clear(); }
        for (int k = 0; k < batches; k++) {
            Batch host = new Batch(k, 0, new int[] {0, 1}, Tensor.fromArray(new float[] {k, -k}, 2), Tensor.fromArray(new long[] {k, 1}, 2));
            try (Batch b = stager.stage(host)) {
                // the first use of the batch by a primitive: the backend must order it after the copy
                try (Tensor twice = b.inputs().mul(2.0)) {
                    assertArrayEquals(new float[] {2f * k, 2f * (-k)}, twice.toFloatArray());
                }
            }
        }
        synchronized (rt.streamLog) { log = new ArrayList<>(rt.streamLog); }
        long compute = rt.computeStream();
        int waits = 0, hostWaits = 0;
        for (int i = 0; i < log.size(); i++) {
            String s = log.get(i);
            if (s.startsWith("record ")) {
                String[] p = s.split(" ");
                String event = p[1], stream = p[3];
                assertTrue(!stream.equals(String.valueOf(compute)), "staging copies are recorded on the copy stream, not the compute stream: " + s);
                assertTrue(log.get(i - 1).equals("copy on " + stream), "an event follows its batch's copies: " + log.subList(Math.max(0, i - 3), i + 1));
                // the compute stream waits for exactly this event before the batch is used
                assertEquals("wait " + event + " on " + compute, log.get(i + 1), "the compute stream waits (on the device) for the copy");
                waits++;
            }
            if (s.startsWith("host waits")) hostWaits++;
        }
        assertEquals(batches, waits);
        // a slot's pinned block is rewritten only after its previous copy: a host wait per reuse
        // (at least the reuses within this loop; the shared device's slots may be in use already)
        assertTrue(hostWaits >= batches - CudaBatchStager.SLOTS && hostWaits <= batches, String.join("\n", log));
    }

    @Test
    void aNonHostBatchIsRefusedByName() {
        SimulatedCuda.device();
        org.jgrad.data.BatchStager stager = org.jgrad.data.BatchStager.uploading(SimulatedCuda.backend());
        try (Tensor onDevice = Tensor.fromArray(new float[] {1}, 1).to(SimulatedCuda.device())) {
            Batch b = new Batch(3, 0, new int[] {0}, onDevice, Tensor.fromArray(new long[] {0}, 1));
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> stager.stage(b));
            assertTrue(e.getMessage().contains("batch 3 must arrive on the host"), e.getMessage());
            assertTrue(Arrays.asList(e.getMessage().split(" ")).contains("cuda:" + SimulatedCuda.INDEX), e.getMessage());
        }
    }

    @Test
    void aSlotThatGrowsGivesItsOldPinnedBlockBack() {
        SimulatedRuntime rt = new SimulatedRuntime(1 << 20);
        CudaBackend b = new CudaBackend(0, null, rt, Device.cpu());
        org.jgrad.data.BatchStager stager = org.jgrad.data.BatchStager.uploading(b);
        for (int k = 0; k < CudaBatchStager.SLOTS; k++) {
            stager.stage(new Batch(k, 0, new int[] {0}, Tensor.fromArray(new float[] {k}, 1), Tensor.fromArray(new long[] {k}, 1))).close();
        }
        assertEquals(0, rt.freedPinned.size(), "same-sized batches reuse their slots' blocks");
        float[] big = new float[1000];
        try (Batch staged = stager.stage(new Batch(8, 0, new int[] {0}, Tensor.fromArray(big, 1, 1000), Tensor.fromArray(new long[] {1}, 1)))) {
            assertEquals(1, rt.freedPinned.size(), "the slot grew: its old block is given back");
            assertEquals(1000, staged.inputs().numel());
        }
        int waits = (int) rt.streamLog.stream().filter(x -> x.startsWith("host waits")).count();
        assertEquals(1, waits, "the old block is freed only after its last copy (one host wait, before reuse)");
    }
}
