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

    /**
     * The training scores shown under 2 ranks are the global ones: 2 ranks × batch 16 report the
     * training accuracy of 1 rank × batch 32 on the same data order (the sampler's global order
     * depends on the seed and the epoch only), not rank 0's shard's.
     */
    @Test
    void twoRanksReportTheTrainingAccuracyOfOneProcess() throws Exception {
        Path two = tmp.resolve("run2"), one = tmp.resolve("run1");
        MpiRun.Result r2 = MpiRun.run(tmp.resolve("two"), 2, 120, org.jgrad.examples.Main.class,
                args(two, "--distributed", "--epochs", "2", "--width", "8"));
        assertEquals(0, r2.exit(), () -> "mpirun failed:\n" + r2.output());
        List<String> a = new ArrayList<>(List.of(args(one, "--distributed", "--epochs", "2", "--width", "8")));
        a.set(a.indexOf("--batch-size") + 1, "32");
        MpiRun.Result r1 = MpiRun.run(tmp.resolve("one"), 1, 120, org.jgrad.examples.Main.class, a.toArray(String[]::new));
        assertEquals(0, r1.exit(), () -> "mpirun failed:\n" + r1.output());
        List<Double> acc2 = column(two.resolve("epochs.csv"), "train_accuracy"), acc1 = column(one.resolve("epochs.csv"), "train_accuracy");
        assertEquals(2, acc1.size(), acc1::toString);
        assertEquals(acc1, acc2, "train accuracy per epoch, 2 ranks x 16 against 1 rank x 32");
    }

    private static List<Double> column(Path csv, String name) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        int c = List.of(lines.get(0).split(",")).indexOf(name);
        assertTrue(c >= 0, () -> name + " not in " + lines.get(0));
        return lines.stream().skip(1).map(l -> Double.parseDouble(l.split(",")[c])).toList();
    }
}
