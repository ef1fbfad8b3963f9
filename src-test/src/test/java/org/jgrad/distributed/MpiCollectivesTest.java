package org.jgrad.distributed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every collective, dtype and op over two MPI ranks on this machine, against hand-computed values. */
class MpiCollectivesTest {
    @TempDir Path tmp;

    @Test
    void everyCollectiveDtypeAndOpMatchesHandComputedValuesOnTwoRanks() throws Exception {
        MpiRun.Result r = MpiRun.run(tmp, 2, 120, CollectivesMain.class);
        assertEquals(0, r.exit(), () -> "mpirun failed:\n" + r.output());
        for (int rank = 0; rank < 2; rank++) {
            assertTrue(r.output().contains("rank " + rank + " ALL OK"), "rank " + rank + " did not pass every check:\n" + r.output());
            assertTrue(r.output().contains("rank " + rank + " of 2"), r.output());
        }
        assertTrue(r.output().contains("backend mpi ("), r.output());
    }
}
