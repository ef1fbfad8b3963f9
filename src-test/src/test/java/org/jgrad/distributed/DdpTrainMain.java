package org.jgrad.distributed;

import org.jgrad.data.Batch;
import org.jgrad.data.DataLoader;
import org.jgrad.data.TensorDataset;
import org.jgrad.nn.Linear;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small MLP trained data-parallel: {@code steps} steps of {@code batchPerRank} samples per
 * rank, shuffled by a {@link DistributedSampler}. Run under mpirun by
 * {@link DdpEquivalenceTest} (each rank writes its final weights to {@code <out>.rank<R>}) and
 * called in-process with one rank and the whole batch as the reference. Each rank starts from
 * different random weights, so equal results also prove the initial broadcast.
 *
 * <p>Arguments: steps batchPerRank outFile [accumulate] [exitRank exitStep].
 * "accumulate" runs each step as two half batches, the first inside {@code noSync()}.
 * With exitRank/exitStep, that rank leaves abruptly at that step (the failure test).
 */
public final class DdpTrainMain {
    static final int FEATURES = 8, HIDDEN = 16, CLASSES = 3;
    static final long DATA_SEED = 2024, SHUFFLE_SEED = 77;

    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(args[0]);
        int batch = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        boolean accumulate = args.length > 3 && args[3].equals("accumulate");
        int exitRank = args.length > 5 ? Integer.parseInt(args[4]) : -1;
        int exitStep = args.length > 5 ? Integer.parseInt(args[5]) : -1;
        try (ProcessGroup pg = ProcessGroup.fromEnvironment()) {
            float[] w = train(pg, steps, batch, accumulate, exitRank, exitStep);
            StringBuilder sb = new StringBuilder();
            for (float v : w) sb.append(Float.floatToRawIntBits(v)).append('\n');
            Files.writeString(Path.of(out + ".rank" + pg.rank()), sb.toString());
            System.out.println("rank " + pg.rank() + " DONE");
        }
    }

    /** Trains and returns every parameter's values, flattened in registration order. */
    static float[] train(ProcessGroup pg, int steps, int batchPerRank, boolean accumulate, int exitRank, int exitStep) {
        int n = steps * batchPerRank * pg.worldSize();
        Generator data = new Generator(DATA_SEED);
        Tensor x = Tensor.randn(data, n, FEATURES);
        long[] y = new long[n];
        float[] xs = x.toFloatArray();
        for (int i = 0; i < n; i++) y[i] = Math.floorMod((int) Math.floor(xs[i * FEATURES] * 2 + xs[i * FEATURES + 1]), CLASSES);
        TensorDataset ds = new TensorDataset(x, Tensor.fromArray(y, n));

        Generator init = new Generator(1 + 1000L * pg.rank()); // rank 0's weights must win the broadcast
        Sequential model = new Sequential(new Linear(FEATURES, HIDDEN, init), new ReLU(), new Linear(HIDDEN, CLASSES, init));
        DistributedDataParallel ddp = new DistributedDataParallel(model, pg);
        SGD opt = new SGD(ddp.parameters(), 0.1, 0.9);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        DistributedSampler sampler = new DistributedSampler(n, pg, SHUFFLE_SEED);
        try (DataLoader<?> loader = DataLoader.builder(ds).sampler(sampler).batchSize(batchPerRank).build();
             DataLoader.Epoch epoch = loader.epoch(0)) {
            int step = 0;
            for (Batch b : epoch) {
                if (pg.rank() == exitRank && step == exitStep) {
                    System.out.println("rank " + pg.rank() + " leaves abruptly at step " + step);
                    System.out.flush();
                    Runtime.getRuntime().halt(3);
                }
                opt.zeroGrad();
                if (accumulate) {
                    int h = batchPerRank / 2;
                    try (DistributedDataParallel.NoSync ns = ddp.noSync()) {
                        halfStep(ddp, ce, b, 0, h);
                        if (pg.rank() == 1) ddp.syncGradients(); // inside noSync: must not communicate (were it to, the ranks' collectives would no longer pair up)
                    }
                    halfStep(ddp, ce, b, h, batchPerRank - h);
                } else {
                    Tensor loss = ce.forward(ddp.forward(b.inputs()), b.targets());
                    loss.backward();
                }
                ddp.syncGradients();
                opt.step();
                b.close();
                step++;
            }
        }
        List<Float> all = new ArrayList<>();
        for (Tensor p : model.parameters()) for (float v : p.toFloatArray()) all.add(v);
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) out[i] = all.get(i);
        return out;
    }

    /** Backward of (rows start..start+len)'s mean loss times len/batch, so two halves sum to the batch mean. */
    private static void halfStep(DistributedDataParallel ddp, CrossEntropyLoss ce, Batch b, int start, int len) {
        Tensor in = b.inputs().narrow(0, start, len);
        Tensor t = b.targets().narrow(0, start, len);
        Tensor loss = ce.forward(ddp.forward(in), t).mul((double) len / b.size());
        loss.backward();
    }
}
