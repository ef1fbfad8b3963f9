package org.jgrad.distributed;

import org.jgrad.metrics.StateReduction;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The process group as the metrics' state reducer: two MPI ranks, and one process. */
class StateReducerMpiTest {
    @TempDir Path tmp;

    @Test
    void twoRanksSumMinMaxAndConcatenateStatesOfDifferentLengths() throws Exception {
        MpiRun.Result r = MpiRun.run(tmp, 2, 120, StateReducerMain.class);
        assertEquals(0, r.exit(), () -> "mpirun failed:\n" + r.output());
        for (int rank = 0; rank < 2; rank++) assertTrue(r.output().contains("rank " + rank + " STATES OK"), r.output());
    }

    @Test
    void oneProcessReturnsItsOwnState() {
        try (ProcessGroup pg = ProcessGroup.single()) {
            var sr = ProcessGroupStateReducer.of(pg);
            assertEquals(1, sr.worldSize());
            Tensor t = Tensor.fromArray(new float[]{1, 2, 3}, 3);
            sr.allReduce(t, StateReduction.SUM);
            assertArrayEquals(new float[]{1, 2, 3}, t.toFloatArray());
            Tensor cat = sr.allGatherCat(Tensor.fromArray(new long[]{4, 5}, 2, 1));
            assertArrayEquals(new int[]{2, 1}, cat.shape());
            assertArrayEquals(new long[]{4, 5}, cat.toLongArray());
        }
    }
}
