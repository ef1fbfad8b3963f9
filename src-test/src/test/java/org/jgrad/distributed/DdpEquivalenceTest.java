package org.jgrad.distributed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two ranks × batch B for 20 steps must train the same weights as one process × batch 2B on
 * the same data order (to float tolerance: the sums are grouped differently), and both
 * replicas must end bit-identical.
 */
class DdpEquivalenceTest {
    static final int STEPS = 20, B = 4;
    @TempDir Path tmp;

    @Test
    void twoRanksOfBatchBEqualOneProcessOfBatch2B() throws Exception {
        assertMatchesSingleProcess("plain");
    }

    @Test
    void gradientAccumulationUnderNoSyncGivesTheSameSteps() throws Exception {
        assertMatchesSingleProcess("accumulate");
    }

    private void assertMatchesSingleProcess(String mode) throws Exception {
        float[] reference;
        try (ProcessGroup single = ProcessGroup.single()) {
            reference = DdpTrainMain.train(single, STEPS, 2 * B, false, -1, -1);
        }
        Path out = tmp.resolve("weights");
        MpiRun.Result r = MpiRun.run(tmp, 2, 180, DdpTrainMain.class, Integer.toString(STEPS), Integer.toString(B), out.toString(), mode);
        assertEquals(0, r.exit(), () -> "mpirun failed:\n" + r.output());
        float[] w0 = read(Path.of(out + ".rank0"));
        float[] w1 = read(Path.of(out + ".rank1"));
        assertArrayEquals(w0, w1, "the replicas drifted apart");
        assertEquals(reference.length, w0.length);
        double worst = 0;
        for (int i = 0; i < w0.length; i++) worst = Math.max(worst, Math.abs(w0[i] - reference[i]) / (1e-3 + Math.abs(reference[i])));
        assertTrue(worst < 1e-4, "2 ranks x " + B + " differ from 1 process x " + 2 * B + " by relative " + worst);
        // and training moved the weights at all (a no-op step would make everything trivially equal)
        float[] untrained;
        try (ProcessGroup single = ProcessGroup.single()) {
            untrained = DdpTrainMain.train(single, 0, 2 * B, false, -1, -1);
        }
        double moved = 0;
        for (int i = 0; i < w0.length; i++) moved = Math.max(moved, Math.abs(w0[i] - untrained[i]));
        assertTrue(moved > 1e-2, "training did not change the weights (max change " + moved + ")");
    }

    private static float[] read(Path p) throws Exception {
        List<String> lines = Files.readAllLines(p);
        float[] out = new float[lines.size()];
        for (int i = 0; i < out.length; i++) out[i] = Float.intBitsToFloat(Integer.parseInt(lines.get(i).trim()));
        return out;
    }
}
