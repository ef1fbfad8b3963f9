package org.jgrad.distributed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rank that dies mid-epoch stops the whole job with an error naming it, well within the limit: never a hang. */
class RankFailureTest {
    @TempDir Path tmp;

    @Test
    void aRankLeavingMidRunStopsTheJobWithAClearError() throws Exception {
        MpiRun.Result r = MpiRun.run(tmp, 2, 120, DdpTrainMain.class, "20", "4", tmp.resolve("w").toString(), "plain", "1", "5");
        assertNotEquals(0, r.exit(), () -> "the job must fail when a rank dies:\n" + r.output());
        assertTrue(r.output().contains("rank 1 leaves abruptly at step 5"), r.output());
        assertFalse(r.output().contains("rank 0 DONE"), () -> "rank 0 cannot have finished its steps alone:\n" + r.output());
        // Open MPI names the failed process and its exit status
        assertTrue(r.output().contains("Exit code:    3") || r.output().contains("exit code 3"), r.output());
        assertTrue(r.millis() < 60_000, "took " + r.millis() + " ms to stop");
    }

    @Test
    void aRankThatStopsCallingCollectivesMakesTheOthersAbortAfterTheTimeout() throws Exception {
        MpiRun.Result r = MpiRun.run(tmp, 2, 120, java.util.Map.of(ProcessGroup.TIMEOUT_ENV, "5"), StuckRankMain.class);
        assertNotEquals(0, r.exit(), () -> "the job must fail when a rank hangs:\n" + r.output());
        assertTrue(r.output().contains("rank 0 timeout 5 s"), r.output());
        assertTrue(r.output().contains("rank 0 of 2: allReduce(SUM, FLOAT32[4]) did not finish within 5 s"), r.output());
        assertFalse(r.output().contains("DONE"), r.output());
        assertTrue(r.millis() < 60_000, "took " + r.millis() + " ms to stop");
    }
}
