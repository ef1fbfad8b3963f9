package org.jgrad.distributed;

import org.jgrad.backend.CpuStorage;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.jgrad.tensor.View;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Metric-state sync and the trainer's global sums over a group whose collectives run on a device
 * other than the CPU (NCCL's case): the tensors they send must live on the group's device, which
 * a device group checks. The group here is rank 0 of 2 over an engine on the test device
 * "minimal" (host memory reporting another device) whose other rank mirrors this one, so a sum
 * doubles every value and a gather repeats the input.
 */
class DeviceGroupStateSyncTest {
    private static final Device MINIMAL = Device.of("minimal", 0);

    /** Rank 0 of 2 whose twin holds the same values. */
    private static final class TwinEngine implements DeviceCollectives {
        @Override public int rank() { return 0; }
        @Override public int worldSize() { return 2; }
        @Override public Duration timeout() { return Duration.ofSeconds(10); }
        @Override public Device device() { return MINIMAL; }
        @Override public String engineName() { return "twin"; }

        @Override
        public Pending allReduce(List<View> views, ReduceOp op) {
            for (View v : views) {
                if (op != ReduceOp.SUM) continue; // MIN and MAX of two equal values: unchanged
                Object a = ((CpuStorage) v.storage()).array();
                for (int i = v.offset(); i < v.offset() + v.numel(); i++) {
                    switch (v.dtype()) {
                        case FLOAT32 -> ((float[]) a)[i] *= 2;
                        case FLOAT64 -> ((double[]) a)[i] *= 2;
                        case INT64 -> ((long[]) a)[i] *= 2;
                        default -> throw new AssertionError("the group passed a " + v.dtype() + " view");
                    }
                }
            }
            return DONE;
        }

        @Override
        public Pending broadcast(View view, int root) { return DONE; }

        @Override
        public Pending allGather(View output, View input) {
            int n = input.numel();
            for (int r = 0; r < 2; r++) {
                System.arraycopy(((CpuStorage) input.storage()).array(), input.offset(),
                        ((CpuStorage) output.storage()).array(), output.offset() + r * n, n);
            }
            return DONE;
        }

        @Override public void close() {}
    }

    private static final DeviceCollectives.Pending DONE = new DeviceCollectives.Pending() {
        @Override public void await() {}
        @Override public boolean isDone() { return true; }
    };

    private static final class TwinRendezvous implements Rendezvous {
        @Override public int rank() { return 0; }
        @Override public int worldSize() { return 2; }
        @Override public int localRank() { return 0; }
        @Override public String describe() { return "twin"; }
        @Override public byte[] shareFromRankZero(String key, byte[] value) { return value; }
        @Override public void barrier() {}
        @Override public void close() {}
    }

    private static ProcessGroup twinGroup() {
        return new DeviceProcessGroup(new TwinEngine(), new TwinRendezvous(), "twin");
    }

    @Test
    void theGroupRefusesTensorsOffItsDevice() {
        // what makes the cases below meaningful: a host tensor is refused, as NCCL's group refuses it
        try (ProcessGroup g = twinGroup(); Tensor host = Tensor.fromArray(new float[]{1, 2}, 2)) {
            assertThrows(IllegalArgumentException.class, () -> g.allReduce(host, ReduceOp.SUM));
        }
    }

    @Test
    void statesOnTheDeviceOrTheHostSyncThroughTheGroupsDevice() {
        try (ProcessGroup g = twinGroup()) {
            ProcessGroupStateReducer reducer = ProcessGroupStateReducer.of(g);
            try (Tensor counts = Tensor.fromArray(new long[]{3, 0, 5}, 3).to(MINIMAL);
                 Tensor hostCounts = Tensor.fromArray(new int[]{1, 7}, 2)) {
                reducer.allReduce(counts, org.jgrad.metrics.StateReduction.SUM);
                reducer.allReduce(hostCounts, org.jgrad.metrics.StateReduction.SUM);
                assertArrayEquals(new long[]{6, 0, 10}, counts.toLongArray());
                assertArrayEquals(new int[]{2, 14}, hostCounts.toIntArray());
            }
            try (Tensor scores = Tensor.fromArray(new float[]{0.25f, 0.5f, 0.75f}, 3).to(MINIMAL);
                 Tensor all = reducer.allGatherCat(scores)) {
                assertEquals(MINIMAL, all.device());
                assertArrayEquals(new float[]{0.25f, 0.5f, 0.75f, 0.25f, 0.5f, 0.75f}, all.toFloatArray());
            }
        }
    }

    @Test
    void theTrainersGlobalSumsGoThroughTheGroupsDevice() {
        try (ProcessGroup g = twinGroup()) {
            assertArrayEquals(new double[]{3.0, 4.0}, new DataParallelStrategy(g).allSum(1.5, 2), 0.0);
        }
    }
}
