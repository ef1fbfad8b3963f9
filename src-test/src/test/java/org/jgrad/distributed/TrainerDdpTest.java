package org.jgrad.distributed;

import org.jgrad.nn.Linear;
import org.jgrad.optim.SGD;
import org.jgrad.train.LrSchedule;
import org.jgrad.train.ModelCheckpoint;
import org.jgrad.train.Strategy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Trainer with a data-parallel strategy under mpirun, 2 ranks: 2 ranks × batch 4 for 20
 * steps train the weights and report the metrics of one process × batch 8 on the same data
 * order (to float tolerance); only rank 0 runs main-process callbacks; a run resumed from the
 * 2-rank checkpoint under 2 ranks ends bit-identical to the uninterrupted one, and one process
 * refuses that checkpoint; a rank whose fit throws stops the job naming itself.
 */
class TrainerDdpTest {
    static final int B = 4;
    @TempDir static Path tmp;
    static MpiRun.Result full;
    static Path fullOut;

    @BeforeAll
    static void trainTwoRanks() throws Exception {
        MpiRun.requireMpirun();
        fullOut = tmp.resolve("full");
        full = MpiRun.run(tmp.resolve("full-run"), 2, 120, TrainerDdpMain.class, "full", fullOut.toString(), Integer.toString(B));
        assertEquals(0, full.exit(), () -> "mpirun failed:\n" + full.output());
    }

    @Test
    void twoRanksOfBatchBTrainAndReportLikeOneProcessOfBatch2B() throws Exception {
        TrainerDdpMain.Result ref = TrainerDdpMain.train(Strategy.singleProcess(), 0, 2 * B, "full", tmp.resolve("ref"));
        float[] w0 = read(Path.of(fullOut + ".rank0")), w1 = read(Path.of(fullOut + ".rank1"));
        assertArrayEquals(w0, w1, "the replicas drifted apart");
        double worst = 0, moved = 0;
        float[] untrained = untrainedWeights();
        for (int i = 0; i < w0.length; i++) {
            worst = Math.max(worst, Math.abs(w0[i] - ref.weights()[i]) / (1e-3 + Math.abs(ref.weights()[i])));
            moved = Math.max(moved, Math.abs(ref.weights()[i] - untrained[i]));
        }
        assertTrue(worst < 1e-4, "weights differ from 1 process x " + 2 * B + " by relative " + worst);
        assertTrue(moved > 1e-2, "training did not move the weights (max change " + moved + ")");

        List<String> mine = Files.readAllLines(Path.of(fullOut + ".history")), want = ref.history().lines().toList();
        assertEquals(want.size(), mine.size());
        assertEquals(2, mine.size());
        for (int e = 0; e < want.size(); e++) {
            double[] a = nums(mine.get(e)), b = nums(want.get(e));
            assertEquals(b[0], a[0], 1e-5 * Math.abs(b[0]), "epoch " + (e + 1) + " train loss (global mean)");
            assertEquals(b[1], a[1], 0, "epoch " + (e + 1) + " train accuracy (synced counts)");
            assertEquals(b[2], a[2], 1e-5 * Math.abs(b[2]), "epoch " + (e + 1) + " val loss (global mean)");
            assertEquals(b[3], a[3], 0, "epoch " + (e + 1) + " val accuracy (synced counts)");
        }
        String out = full.output();
        assertTrue(out.contains("main-process callback on rank 0 of 2, epoch 2"), out);
        assertFalse(out.contains("main-process callback on rank 1"), out);
    }

    @Test
    void resumingUnderTwoRanksContinuesBitForBitAndOneProcessIsRefused() throws Exception {
        // the uninterrupted run's checkpoint after epoch 1, alone in a folder of its own
        Path out = tmp.resolve("split"), ckpt = Path.of(out + ".ckpt");
        Files.createDirectories(ckpt.resolve("epoch-0001"));
        try (var files = Files.list(Path.of(fullOut + ".ckpt").resolve("epoch-0001"))) {
            for (Path f : files.toList()) Files.copy(f, ckpt.resolve("epoch-0001").resolve(f.getFileName()));
        }
        Files.writeString(ckpt.resolve("latest"), "epoch-0001\n");
        MpiRun.Result second = MpiRun.run(tmp.resolve("resume-run"), 2, 120, TrainerDdpMain.class, "resume", out.toString(), Integer.toString(B));
        assertEquals(0, second.exit(), () -> "mpirun (resume) failed:\n" + second.output());
        assertArrayEquals(read(Path.of(fullOut + ".rank0")), read(Path.of(out + ".rank0")), "resumed weights differ from the uninterrupted run");
        assertArrayEquals(read(Path.of(fullOut + ".rank1")), read(Path.of(out + ".rank1")));
        assertEquals(Files.readString(Path.of(fullOut + ".history")).lines().map(l -> l.split(" ")[3]).toList(),
                Files.readString(Path.of(out + ".history")).lines().map(l -> l.split(" ")[3]).toList(), "val accuracy per epoch");

        var model = new Linear(1, 1);
        var e = assertThrows(IllegalStateException.class, () -> ModelCheckpoint.resume(Path.of(out + ".ckpt"), model,
                new SGD(model.parameters(), 0.1), new LrSchedule() {}, 1));
        assertTrue(e.getMessage().contains("was written by a fit of 2 process(es) but this fit has 1"), e.getMessage());
        assertTrue(e.getMessage().contains("mpirun -np 2"), e.getMessage());
    }

    @Test
    void aRankWhoseFitFailsStopsTheJobNamingItself() throws Exception {
        MpiRun.Result r = MpiRun.run(tmp.resolve("fail-run"), 2, 120, TrainerDdpMain.class, "fail", tmp.resolve("fail").toString(), Integer.toString(B));
        assertNotEquals(0, r.exit(), () -> "the job must fail:\n" + r.output());
        assertTrue(r.output().contains("jgrad: rank 1 of 2 failed: java.lang.IllegalStateException: planted failure at step 5"), r.output());
        assertFalse(r.output().contains("rank 0 DONE"), r.output());
        assertTrue(r.millis() < 60_000, "took " + r.millis() + " ms to stop");
    }

    private static float[] untrainedWeights() throws Exception {
        // the same model before any step: a 0-epoch run is not possible, so rebuild it as the main does
        var init = new org.jgrad.tensor.Generator(3);
        var m = new org.jgrad.nn.Sequential(new org.jgrad.nn.Conv2d(1, 4, 3, 1, 1, init), new org.jgrad.nn.ReLU(), new org.jgrad.nn.MaxPool2d(2),
                new org.jgrad.nn.Flatten(), new Linear(4 * 4 * 4, TrainerDdpMain.CLASSES, init));
        java.util.List<Float> all = new java.util.ArrayList<>();
        for (var p : m.parameters()) for (float v : p.toFloatArray()) all.add(v);
        float[] w = new float[all.size()];
        for (int i = 0; i < w.length; i++) w[i] = all.get(i);
        return w;
    }

    private static double[] nums(String line) {
        String[] p = line.trim().split(" ");
        double[] d = new double[p.length];
        for (int i = 0; i < p.length; i++) d[i] = Double.parseDouble(p[i]);
        return d;
    }

    private static float[] read(Path p) throws Exception {
        List<String> lines = Files.readAllLines(p);
        float[] out = new float[lines.size()];
        for (int i = 0; i < out.length; i++) out[i] = Float.intBitsToFloat(Integer.parseInt(lines.get(i).trim()));
        return out;
    }
}
