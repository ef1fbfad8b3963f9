package org.jgrad.distributed;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** World size 1: values unchanged, and the same argument checks the MPI group makes. */
class SingleProcessGroupTest {
    @Test
    void collectivesOfOneRankLeaveValuesAsTheyAre() {
        try (ProcessGroup pg = ProcessGroup.single()) {
            assertEquals(0, pg.rank());
            assertEquals(1, pg.worldSize());
            for (ReduceOp op : ReduceOp.values()) {
                Tensor t = Tensor.fromArray(new long[]{-7, 5, Long.MAX_VALUE}, 3);
                pg.allReduce(t, op);
                assertArrayEquals(new long[]{-7, 5, Long.MAX_VALUE}, t.toLongArray(), op.toString());
            }
            Tensor b = Tensor.fromArray(new double[]{1.5, -2}, 2);
            pg.broadcastAsync(b, 0).await();
            assertArrayEquals(new double[]{1.5, -2}, b.toDoubleArray());
            Tensor g = pg.allGather(Tensor.fromArray(new float[]{1, 2, 3, 4}, 2, 2));
            assertArrayEquals(new int[]{1, 2, 2}, g.shape());
            assertArrayEquals(new float[]{1, 2, 3, 4}, g.toFloatArray());
            pg.barrier();
        }
    }

    @Test
    void badTensorsAreRefusedNamingTheArgument() {
        try (ProcessGroup pg = ProcessGroup.single()) {
            Tensor nonContiguous = Tensor.zeros(3, 4).t();
            var e1 = assertThrows(IllegalArgumentException.class, () -> pg.allReduce(nonContiguous, ReduceOp.SUM));
            assertTrue(e1.getMessage().startsWith("allReduce: tensor must be contiguous"), e1.getMessage());
            var e2 = assertThrows(IllegalArgumentException.class, () -> pg.broadcast(Tensor.zeros(DType.INT32, org.jgrad.tensor.Device.cpu(), 2), 0));
            assertTrue(e2.getMessage().contains("broadcast: tensor has dtype INT32"), e2.getMessage());
            var e3 = assertThrows(IllegalArgumentException.class, () -> pg.broadcast(Tensor.zeros(2), 1));
            assertTrue(e3.getMessage().contains("root 1 is not a rank"), e3.getMessage());
            var e4 = assertThrows(IllegalArgumentException.class, () -> pg.allGather(Tensor.zeros(2, 2), Tensor.zeros(2)));
            assertTrue(e4.getMessage().contains("allGather: output must have shape [1, 2]"), e4.getMessage());
            var e5 = assertThrows(IllegalArgumentException.class, () -> pg.allReduce(null, ReduceOp.MAX));
            assertTrue(e5.getMessage().contains("tensor must not be null"), e5.getMessage());
        }
        ProcessGroup closed = ProcessGroup.single();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.allReduce(Tensor.zeros(1), ReduceOp.SUM));
    }
}
