package org.jgrad.distributed;

import org.jgrad.data.DataLoader;
import org.jgrad.data.Sampler;
import org.jgrad.data.TensorDataset;
import org.jgrad.metrics.StateReducer;
import org.jgrad.metrics.StateReduction;
import org.jgrad.nn.Conv2d;
import org.jgrad.nn.Flatten;
import org.jgrad.nn.Linear;
import org.jgrad.nn.MaxPool2d;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.jgrad.train.Callback;
import org.jgrad.train.FitState;
import org.jgrad.train.History;
import org.jgrad.train.LossMeter;
import org.jgrad.train.LrSchedule;
import org.jgrad.train.ModelCheckpoint;
import org.jgrad.train.Strategy;
import org.jgrad.train.Trainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small CNN trained by the {@link Trainer} with a {@link DataParallelStrategy}: 2 epochs of
 * {@link #TRAIN_N} samples, batch {@code B} per rank (20 steps on 2 ranks of batch 4), validated on
 * {@link #VAL_N} samples sharded across the ranks; accuracy is synced through the metric seam.
 * Run under mpirun by {@link TrainerDdpTest}, and in-process with one rank and batch 2B as the reference.
 *
 * <p>Arguments: mode out [batchPerRank]. Modes: "full" (2 epochs), "resume" (from the latest
 * checkpoint under out.ckpt to epoch 2), "fail" (rank 1 throws at step 5). Rank 0 saves a
 * checkpoint under out.ckpt after every epoch.
 * Each rank writes its weights to out.rank R; rank 0 writes the history to out.history.
 */
public final class TrainerDdpMain {
    static final int TRAIN_N = 80, VAL_N = 24, CLASSES = 3, EPOCHS = 2;
    static final long DATA_SEED = 99, SHUFFLE_SEED = 5;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path out = Path.of(args[1]);
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        try (ProcessGroup pg = ProcessGroup.fromEnvironment()) {
            DataParallelStrategy strategy = new DataParallelStrategy(pg).metricSync((m, r) -> ((AccuracyMeter) m).sync(r));
            Result res = train(strategy, pg.rank(), batch, mode, out);
            Files.writeString(Path.of(out + ".rank" + pg.rank()), bits(res.weights));
            if (pg.rank() == 0) Files.writeString(Path.of(out + ".history"), res.history);
            System.out.println("rank " + pg.rank() + " DONE");
        }
    }

    record Result(float[] weights, String history) {}

    /** Trains with {@code strategy} (a shard of the data when it has several ranks). */
    static Result train(Strategy strategy, int rank, int batch, String mode, Path out) throws Exception {
        Generator data = new Generator(DATA_SEED);
        TensorDataset train = dataset(data, TRAIN_N), val = dataset(data, VAL_N);
        Generator init = new Generator(3 + 1000L * rank); // rank 0's weights must win the broadcast
        Sequential model = new Sequential(new Conv2d(1, 4, 3, 1, 1, init), new ReLU(), new MaxPool2d(2), new Flatten(),
                new Linear(4 * 4 * 4, CLASSES, init));
        SGD opt = new SGD(model.parameters(), 0.05, 0.9);
        Sampler trainSampler, valSampler;
        if (strategy instanceof DataParallelStrategy d) {
            trainSampler = d.sampler(TRAIN_N, SHUFFLE_SEED);
            valSampler = d.sequentialSampler(VAL_N);
        } else {
            trainSampler = Sampler.shuffled(TRAIN_N, SHUFFLE_SEED);
            valSampler = Sampler.sequential(VAL_N);
        }
        Path ckpt = Path.of(out + ".ckpt");
        Trainer.Builder b = Trainer.builder(new CrossEntropyLoss(), opt).epochs(EPOCHS)
                .strategy(strategy).metrics(AccuracyMeter::new)
                .mainProcessCallback(new Callback() {
                    @Override public void onEpochEnd(FitState s, Map<String, Object> row) {
                        System.out.println("main-process callback on rank " + s.rank() + " of " + s.worldSize() + ", epoch " + (s.epoch() + 1));
                    }
                });
        if (mode.equals("fail")) {
            b.callback(new Callback() {
                @Override public void onBatchStart(FitState s) {
                    if (s.rank() == 1 && s.globalStep() == 5) throw new IllegalStateException("planted failure at step 5");
                }
            });
        }
        LrSchedule schedule = new LrSchedule() {};
        b.schedule(schedule);
        b.mainProcessCallback(new ModelCheckpoint(ckpt, schedule));
        Trainer trainer = b.build();
        History history = new History();
        int start = 0;
        if (mode.equals("resume")) {
            ModelCheckpoint.Resumed r = ModelCheckpoint.resume(ckpt, model, opt, trainer.schedule(), strategy.worldSize());
            start = r.epochsDone();
            history = r.history();
        }
        try (trainer; DataLoader<?> tl = DataLoader.builder(train).sampler(trainSampler).batchSize(batch).build();
             DataLoader<?> vl = DataLoader.builder(val).sampler(valSampler).batchSize(batch).build()) {
            trainer.fit(model, tl, vl, start, history);
        }
        StringBuilder h = new StringBuilder();
        for (Map<String, Object> row : history.epochs) {
            @SuppressWarnings("unchecked") Map<String, Object> tr = (Map<String, Object>) row.get("train");
            @SuppressWarnings("unchecked") Map<String, Object> va = (Map<String, Object>) row.get("val");
            h.append(row.get("train_loss")).append(' ').append(tr.get("accuracy")).append(' ')
                    .append(row.get("val_loss")).append(' ').append(va.get("accuracy")).append('\n');
        }
        java.util.List<Float> all = new java.util.ArrayList<>();
        for (Tensor p : model.parameters()) for (float v : p.toFloatArray()) all.add(v);
        float[] w = new float[all.size()];
        for (int i = 0; i < w.length; i++) w[i] = all.get(i);
        return new Result(w, h.toString());
    }

    /** Images 1×8×8 of noise, the class a function of two quadrants' sums. */
    static TensorDataset dataset(Generator g, int n) {
        Tensor x = Tensor.randn(g, n, 1, 8, 8);
        float[] xs = x.toFloatArray();
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            double a = 0, c = 0;
            for (int r = 0; r < 4; r++) for (int col = 0; col < 4; col++) {
                a += xs[i * 64 + r * 8 + col];
                c += xs[i * 64 + (r + 4) * 8 + col + 4];
            }
            y[i] = (a > 0 ? 1 : 0) + (c > 0 ? 1 : 0);
        }
        return new TensorDataset(x, Tensor.fromArray(y, n));
    }

    static String bits(float[] w) {
        StringBuilder sb = new StringBuilder();
        for (float v : w) sb.append(Float.floatToRawIntBits(v)).append('\n');
        return sb.toString();
    }

    /** Loss plus accuracy from two additive counts, combined across ranks by summing them. */
    public static final class AccuracyMeter extends LossMeter {
        private long correct, total;

        @Override
        protected void updateScores(Tensor outputs, Tensor targets) {
            float[] o = outputs.toFloatArray();
            long[] t = targets.toLongArray();
            int k = o.length / t.length;
            for (int i = 0; i < t.length; i++) {
                int best = 0;
                for (int j = 1; j < k; j++) if (o[i * k + j] > o[i * k + best]) best = j;
                if (best == t[i]) correct++;
            }
            total += t.length;
        }

        void sync(StateReducer r) {
            try (Tensor s = Tensor.fromArray(new long[]{correct, total}, 2)) {
                r.allReduce(s, StateReduction.SUM);
                long[] v = s.toLongArray();
                correct = v[0];
                total = v[1];
            }
        }

        @Override
        public Map<String, Object> scores() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("accuracy", total == 0 ? Double.NaN : (double) correct / total);
            return m;
        }
    }
}
