package org.jgrad.bench.distributed;

import org.jgrad.distributed.DistributedDataParallel;
import org.jgrad.distributed.ProcessGroup;
import org.jgrad.distributed.ReduceOp;
import org.jgrad.nn.Conv2d;
import org.jgrad.nn.Flatten;
import org.jgrad.nn.Linear;
import org.jgrad.nn.MaxPool2d;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.Arrays;
import java.util.Locale;

/**
 * Times the examples' CNN training step (conv32-pool-conv64-pool-fc128-fc10 on 1×28×28, SGD with
 * momentum) with a fixed global batch, in one process or data-parallel under mpirun. Per step:
 * the whole step, its backward, and the wait in {@code syncGradients()} (the communication
 * backward did not hide). Also the blocking all-reduce of a buffer of the model's size alone,
 * the communication a step needs. Rank 0 prints one RESULT line with medians.
 *
 * <p>Arguments: globalBatch steps warmup overlap(on|off). Run by bench/distributed/run_ddp_cpu.sh.
 */
public final class DdpStepMain {
    public static void main(String[] args) {
        int globalBatch = Integer.parseInt(args[0]);
        int steps = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        boolean overlap = args[3].equals("on");
        try (ProcessGroup pg = ProcessGroup.fromEnvironment()) {
            int w = pg.worldSize();
            if (globalBatch % w != 0) throw new IllegalArgumentException("globalBatch " + globalBatch + " is not a multiple of " + w);
            int batch = globalBatch / w;
            Generator g = new Generator(1);
            Module model = new Sequential(
                    new Conv2d(1, 32, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                    new Conv2d(32, 64, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                    new Flatten(), new Linear(64 * 7 * 7, 128, g), new ReLU(), new Linear(128, 10, g));
            DistributedDataParallel ddp = w > 1 ? new DistributedDataParallel(model, pg).overlapWithBackward(overlap) : null;
            Module trained = ddp != null ? ddp : model;
            SGD opt = new SGD(model.parameters(), 0.01, 0.9);
            CrossEntropyLoss ce = new CrossEntropyLoss();
            Generator data = new Generator(100 + pg.rank());
            Tensor x = Tensor.randn(data, batch, 1, 28, 28);
            long[] ys = new long[batch];
            for (int i = 0; i < batch; i++) ys[i] = i % 10;
            Tensor y = Tensor.fromArray(ys, batch);
            double[] step = new double[steps], back = new double[steps], sync = new double[steps];
            for (int s = 0; s < warmup + steps; s++) {
                try (Scope sc = Scope.open()) {
                    long t0 = System.nanoTime();
                    opt.zeroGrad();
                    Tensor loss = ce.forward(trained.forward(x), y);
                    long t1 = System.nanoTime();
                    loss.backward();
                    long t2 = System.nanoTime();
                    if (ddp != null) ddp.syncGradients();
                    long t3 = System.nanoTime();
                    opt.step();
                    loss.item();
                    long t4 = System.nanoTime();
                    if (s >= warmup) {
                        step[s - warmup] = (t4 - t0) / 1e6;
                        back[s - warmup] = (t2 - t1) / 1e6;
                        sync[s - warmup] = (t3 - t2) / 1e6;
                    }
                }
            }
            int numel = 0;
            for (Tensor p : model.parameters()) numel += p.numel();
            double allreduce = Double.NaN;
            if (w > 1) {
                double[] ar = new double[steps];
                try (Tensor buf = Tensor.randn(data, numel)) {
                    for (int i = 0; i < 3; i++) pg.allReduce(buf, ReduceOp.AVG);
                    for (int i = 0; i < steps; i++) {
                        pg.barrier();
                        long t0 = System.nanoTime();
                        pg.allReduce(buf, ReduceOp.AVG);
                        ar[i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                allreduce = median(ar);
            }
            if (pg.rank() == 0) {
                System.out.printf(Locale.ROOT, "RESULT ranks=%d threads=%s overlap=%s batch=%d params=%d buckets=%s step_ms=%.2f step_min_ms=%.2f "
                                + "backward_ms=%.2f sync_wait_ms=%.2f allreduce_alone_ms=%.2f%n",
                        w, System.getProperty("jgrad.threads", "default"), w > 1 ? (overlap ? "on" : "off") : "-", globalBatch, numel,
                        ddp != null ? Arrays.toString(ddp.bucketSizes()).replace(" ", "") : "-", median(step), Arrays.stream(step).min().orElse(0),
                        median(back), median(sync), allreduce);
            }
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }
}
