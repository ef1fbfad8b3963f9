package org.jgrad.train;

import org.jgrad.autograd.Grad;
import org.jgrad.data.DataLoader;
import org.jgrad.data.Sample;
import org.jgrad.data.TensorDataset;
import org.jgrad.nn.BatchNorm1d;
import org.jgrad.nn.Dropout;
import org.jgrad.nn.Linear;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.loss.Loss;
import org.jgrad.nn.loss.MSELoss;
import org.jgrad.optim.SGD;
import org.jgrad.optim.StepLR;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    private static final int N = 64;

    private static TensorDataset data(long seed) {
        Generator g = new Generator(seed);
        Tensor x = Tensor.randn(g, N, 4);
        Tensor y = Tensor.randn(g, N, 3);
        return new TensorDataset(x, y);
    }

    private static DataLoader<Sample> loader(TensorDataset ds, boolean shuffle) {
        return DataLoader.builder(ds).batchSize(16).shuffle(shuffle).seed(7).build();
    }

    private static Sequential model(long seed, double dropout) {
        Generator g = new Generator(seed);
        return new Sequential(new Linear(4, 8, g), new BatchNorm1d(8), new ReLU(), new Dropout(dropout, g), new Linear(8, 3, g));
    }

    @Test
    void validationRunsInEvaluationModeAndMatchesARecomputation() {
        TensorDataset train = data(1), val = data(2);
        Sequential m = model(3, 0.5);
        SGD opt = new SGD(m.parameters(), 0.05, 0.9);
        try (Trainer t = Trainer.builder(new MSELoss(), opt).epochs(2).build();
             DataLoader<Sample> tl = loader(train, true); DataLoader<Sample> vl = loader(val, false)) {
            History h = t.fit(m, tl, vl);
            double reported = (Double) h.last().get("val_loss");
            assertEquals(reported, t.lastValidation().meanLoss());
            double evalMode, trainMode;
            try (var off = Grad.off(); Scope s = Scope.open()) {
                m.eval();
                evalMode = new MSELoss().forward(m.forward(val.inputs()), val.targets()).item();
                m.train();
                trainMode = new MSELoss().forward(m.forward(val.inputs()), val.targets()).item();
            }
            assertEquals(evalMode, reported, 1e-5, "validation is the evaluation-mode loss (running statistics, no dropout)");
            assertNotEquals(trainMode, reported, 1e-3, "in training mode batch norm and dropout change the loss");
        }
        opt.close();
    }

    /** MSE that turns NaN from training call {@code at} on (validation, with gradients off, is not counted). */
    private static final class PoisonedLoss extends Loss {
        private final MSELoss mse = new MSELoss();
        private final int at;
        private int calls;

        PoisonedLoss(int at) { this.at = at; }

        @Override
        public Tensor forward(Tensor input, Tensor target) {
            Tensor l = mse.forward(input, target);
            if (!Grad.isEnabled()) return l;
            return calls++ >= at ? l.mul(Double.NaN) : l;
        }
    }

    @Test
    void aNonFiniteLossStopsBeforeItsStepAndLatestStaysAtTheLastGoodEpoch(@TempDir Path dir) throws Exception {
        Sequential m = model(3, 0);
        SGD opt = new SGD(m.parameters(), 0.05, 0.9);
        List<Double> losses = new ArrayList<>();
        LrSchedule none = new LrSchedule() {};
        // 4 batches per epoch: training call 6 is epoch 2 (index 1), batch 2
        try (Trainer t = Trainer.builder(new PoisonedLoss(6), opt).epochs(3)
                .callback(new ModelCheckpoint(dir, none))
                .callback(new Callback() {
                    @Override public void onBatchEnd(FitState s, Tensor loss, double value, int batchSize) { losses.add(value); }
                }).build();
             DataLoader<Sample> tl = loader(data(1), false); DataLoader<Sample> vl = loader(data(2), false)) {
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> t.fit(m, tl, vl));
            assertEquals(1, e.epoch());
            assertEquals(2, e.batch());
            assertEquals(losses.get(losses.size() - 1), e.lastFiniteLoss());
            assertTrue(e.getMessage().contains("epoch 2, batch 2"), e.getMessage());
            assertEquals("epoch-0001", Files.readString(dir.resolve("latest")).trim());
            for (Tensor p : m.parameters()) for (float v : p.toFloatArray()) assertTrue(Float.isFinite(v), "weights stay finite");
        }
        opt.close();
    }

    private static float[][] weights(Sequential m) {
        return m.stateDict().values().stream().map(Tensor::toFloatArray).toArray(float[][]::new);
    }

    private static float[][] run(Path dir, int epochs, boolean resume) throws Exception {
        Sequential m = model(3, 0);
        SGD opt = new SGD(m.parameters(), 0.05, 0.9);
        LrSchedule s = LrSchedule.perEpoch(new StepLR(opt, 1, 0.5));
        int start = 0;
        History h = new History();
        if (resume) {
            ModelCheckpoint.Resumed r = ModelCheckpoint.resume(dir, m, opt, s);
            start = r.epochsDone();
            h = r.history();
        }
        try (Trainer t = Trainer.builder(new MSELoss(), opt).epochs(epochs).schedule(s).callback(new ModelCheckpoint(dir, s)).build();
             DataLoader<Sample> tl = loader(data(1), true); DataLoader<Sample> vl = loader(data(2), false)) {
            t.fit(m, tl, vl, start, h);
            assertEquals(epochs, h.size());
            return weights(m);
        } finally {
            opt.close();
        }
    }

    @Test
    void resumingFromACheckpointContinuesBitForBit(@TempDir Path a, @TempDir Path b) throws Exception {
        float[][] straight = run(a, 3, false);
        run(b, 2, false);
        float[][] resumed = run(b, 3, true);
        assertEquals(straight.length, resumed.length);
        for (int i = 0; i < straight.length; i++) assertArrayEquals(straight[i], resumed[i]);
    }

    @Test
    void earlyStoppingKeepLastAndSaveBest(@TempDir Path dir) throws Exception {
        Sequential m = model(3, 0);
        SGD opt = new SGD(m.parameters(), 0.0, 0.0); // lr 0: the validation loss never improves
        LrSchedule none = new LrSchedule() {};
        try (Trainer t = Trainer.builder(new MSELoss(), opt).epochs(10)
                .callback(new ModelCheckpoint(dir, none).keepLast(2).saveBest("val_loss"))
                .callback(EarlyStopping.on("val_loss", 2)).build();
             DataLoader<Sample> tl = loader(data(1), true); DataLoader<Sample> vl = loader(data(2), false)) {
            History h = t.fit(m, tl, vl);
            assertEquals(3, h.size(), "best at epoch 1, then 2 epochs without improvement");
        }
        try (var s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("best", "epoch-0002", "epoch-0003", "latest"), names);
        }
        assertEquals("epoch-0001", Files.readString(dir.resolve("best").resolve("latest")).trim());
        opt.close();
    }

    @Test
    void earlyStoppingCountsTheEpochsBeforeAResume() {
        Sequential m = model(3, 0);
        SGD opt = new SGD(m.parameters(), 0.0, 0.0);
        History before = new History();
        for (double v : new double[] {0.5, 0.6, 0.7}) { // best at epoch 1, then two epochs without improvement
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("val_loss", v);
            before.add(row);
        }
        try (Trainer t = Trainer.builder(new MSELoss(), opt).epochs(10).callback(EarlyStopping.on("val_loss", 2)).build();
             DataLoader<Sample> tl = loader(data(1), true); DataLoader<Sample> vl = loader(data(2), false)) {
            History h = t.fit(m, tl, vl, 3, before);
            assertEquals(3, h.size(), "the run had stopped: resuming it trains no further epoch");
        }
        History one = new History();
        one.add(new java.util.LinkedHashMap<>(Map.of("val_loss", 0.5)));
        try (Trainer t = Trainer.builder(new MSELoss(), opt).epochs(10).callback(EarlyStopping.on("val_loss", 2)).build();
             DataLoader<Sample> tl = loader(data(1), true); DataLoader<Sample> vl = loader(data(2), false)) {
            History h = t.fit(m, tl, vl, 1, one);
            // lr 0: every later epoch has the same loss, above the recorded 0.5 or not; at most patience epochs follow the best
            assertTrue(h.size() <= 3, "stops within patience of the recorded best: " + h.size());
        }
        opt.close();
    }

    @Test
    void csvLoggerWritesStepsAndEpochs(@TempDir Path dir) throws Exception {
        Sequential m = model(3, 0);
        SGD opt = new SGD(m.parameters(), 0.05, 0.9);
        List<Double> losses = new ArrayList<>();
        Path steps = dir.resolve("steps.csv"), epochs = dir.resolve("epochs.csv");
        History h;
        try (CsvLogger csv = new CsvLogger(steps, epochs, 3);
             Trainer t = Trainer.builder(new MSELoss(), opt).epochs(2)
                     .callback(new Callback() {
                         @Override public void onBatchEnd(FitState s, Tensor loss, double value, int batchSize) { losses.add(loss.item()); }
                     }).callback(csv).build();
             DataLoader<Sample> tl = loader(data(1), true); DataLoader<Sample> vl = loader(data(2), false)) {
            h = t.fit(m, tl, vl);
        }
        List<String> s = Files.readAllLines(steps);
        assertEquals(List.of("step,epoch,batch,loss,lr", "3,1,2," + losses.get(2) + ",0.05", "6,2,1," + losses.get(5) + ",0.05"), s);
        List<String> e = Files.readAllLines(epochs);
        assertEquals(3, e.size());
        List<String> cols = List.of(e.get(0).split(","));
        assertTrue(cols.containsAll(List.of("epoch", "lr", "train_loss", "val_loss", "seconds")), e.get(0));
        for (int i = 0; i < 2; i++) {
            String[] v = e.get(i + 1).split(",");
            assertEquals(String.valueOf(i + 1), v[cols.indexOf("epoch")]);
            assertEquals((Double) h.epochs.get(i).get("val_loss"), Double.parseDouble(v[cols.indexOf("val_loss")]));
        }
        // a resumed run appends under the same header
        try (CsvLogger again = new CsvLogger(steps, epochs, 3)) {
            assertEquals(3, Files.readAllLines(epochs).size());
        }
        assertEquals("step,epoch,batch,loss,lr", Files.readAllLines(steps).get(0));
        assertEquals(3, Files.readAllLines(steps).size());
        // a crash mid-epoch 3 left rows past the last checkpoint (epoch 2): the resumed run repeats
        // those steps, so their rows are dropped rather than logged twice
        Files.writeString(steps, "9,3,2,7.0,0.05\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(epochs, Files.readAllLines(epochs).get(2).replaceFirst("^2,", "3,") + "\n", java.nio.file.StandardOpenOption.APPEND);
        try (CsvLogger csv = new CsvLogger(steps, epochs, 3);
             Trainer t = Trainer.builder(new MSELoss(), opt).epochs(3).callback(csv).build();
             DataLoader<Sample> tl = loader(data(1), true); DataLoader<Sample> vl = loader(data(2), false)) {
            t.fit(m, tl, vl, 2, h);
        }
        List<String> resumed = Files.readAllLines(steps);
        // 4 batches per epoch, every 3rd step logged: epoch 3 logs steps 9 and 12, each once
        assertEquals(List.of("3", "6", "9", "12"), resumed.stream().skip(1).map(l -> l.split(",")[0]).toList(), resumed::toString);
        assertTrue(resumed.stream().noneMatch(l -> l.contains(",7.0,")), () -> "the crashed run's row was kept: " + resumed);
        List<String> resumedEpochs = Files.readAllLines(epochs);
        assertEquals(List.of("1", "2", "3"), resumedEpochs.stream().skip(1).map(l -> l.split(",")[0]).toList(), resumedEpochs::toString);
        opt.close();
    }

    @Test
    void warmupRampsTheLrLinearlyThenHandsBackTheSchedule() {
        Sequential m = model(3, 0);
        SGD opt = new SGD(m.parameters(), 0.08, 0.0);
        List<Double> lrs = new ArrayList<>();
        try (Trainer t = Trainer.builder(new MSELoss(), opt).epochs(2).schedule(LrSchedule.perEpoch(new StepLR(opt, 1, 0.5)))
                .callback(new LrWarmup(4))
                .callback(new Callback() {
                    @Override public void onAfterBackward(FitState s) { lrs.add(s.optimizer().paramGroups().get(0).lr()); }
                }).build();
             DataLoader<Sample> tl = loader(data(1), true)) {
            t.fit(m, tl, null);
        }
        double[] want = {0.02, 0.04, 0.06, 0.08, 0.04, 0.04, 0.04, 0.04};
        assertEquals(want.length, lrs.size());
        for (int i = 0; i < want.length; i++) assertEquals(want[i], lrs.get(i), 1e-12, "lr of step " + i);
        opt.close();
    }

    @Test
    void gradientClippingBoundsTheGlobalNorm() {
        Sequential m = model(3, 0);
        SGD opt = new SGD(m.parameters(), 0.01, 0.0);
        GradientClipping clip = new GradientClipping(0.01);
        List<Double> after = new ArrayList<>();
        try (Trainer t = Trainer.builder(new MSELoss(), opt).epochs(1).callback(clip)
                .callback(new Callback() {
                    @Override public void onAfterBackward(FitState s) {
                        double sq = 0;
                        for (Tensor p : s.model().parameters()) for (float v : p.grad().toFloatArray()) sq += (double) v * v;
                        after.add(Math.sqrt(sq));
                    }
                }).build();
             DataLoader<Sample> tl = loader(data(1), true)) {
            t.fit(m, tl, null);
        }
        assertTrue(clip.lastNorm() > 0.01, "the test's gradients are larger than the bound: " + clip.lastNorm());
        for (double n : after) assertTrue(n <= 0.01 + 1e-6, "clipped norm " + n);
        opt.close();
    }

    @Test
    void predictReturnsOneOutputPerBatchInEvaluationMode() {
        Sequential m = model(3, 0.5);
        List<Tensor> out;
        try (DataLoader<Sample> l = loader(data(2), false)) {
            out = Trainer.predict(m, l);
        }
        assertEquals(4, out.size());
        assertFalse(m.isTraining());
        assertArrayEquals(new int[] {16, 3}, out.get(0).shape());
        for (Tensor t : out) t.close();
    }
}
