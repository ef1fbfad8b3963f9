package org.jgrad.distributed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mpirun -np 2 jgrad train --distributed}: one banner and one epoch line (rank 0 prints,
 * rank 1 is silent), rank 0's metrics.json (recording the world size) and checkpoint. That a
 * resume with another world size is refused: {@code org.jgrad.examples.ResumeWorldSizeTest}.
 */
class TrainCommandDistributedTest {
    private static final List<String> TINY = List.of("train", "--model", "mlp", "--width", "2", "--epochs", "1", "--train-samples", "64",
            "--val-samples", "32", "--batch-size", "16", "--workers", "0", "--progress", "none", "--device", "cpu");
    @TempDir Path tmp;

    private String[] args(Path out, String... more) {
        List<String> a = new ArrayList<>(TINY);
        a.addAll(List.of("--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void twoRanksTrainWithRankZeroAloneWriting() throws Exception {
        Path out = tmp.resolve("run");
        MpiRun.Result r = MpiRun.run(tmp.resolve("two"), 2, 120, org.jgrad.examples.Main.class, args(out, "--distributed"));
        assertEquals(0, r.exit(), () -> "mpirun failed:\n" + r.output());
        assertTrue(r.output().contains("data-parallel: 2 ranks over mpi"), r.output());
        assertTrue(r.output().contains("batch 16 per rank (32 per step)"), r.output());
        assertEquals(1, r.output().lines().filter(l -> l.startsWith("epoch 1/1")).count(), r.output());
        assertEquals(1, r.output().lines().filter(l -> l.startsWith("jgrad train: task")).count(), r.output());
        assertTrue(Files.exists(out.resolve("metrics.json")));
        assertTrue(Files.readString(out.resolve("metrics.json")).contains("\"world_size\": 2"), Files.readString(out.resolve("metrics.json")));
        assertTrue(Files.exists(out.resolve("checkpoints").resolve("latest")));

    }
}
