package org.jgrad.bench.cpu;

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
import org.jgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * One SGD-with-momentum training step (forward, cross-entropy, backward, step) of the small
 * CNN of PEERS.md: conv32-pool-conv64-pool-fc128-fc10, batch 128, 1x28x28. The PyTorch peer is
 * bench/peers/torch_train_step.py, the same model and step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(1)
public class TrainStepBench {
    Module model;
    SGD optimizer;
    CrossEntropyLoss criterion;
    Tensor x, y;

    @Setup
    public void setup() {
        Generator g = new Generator(0);
        model = new Sequential(
                new Conv2d(1, 32, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(64 * 7 * 7, 128, g), new ReLU(), new Linear(128, 10, g));
        optimizer = new SGD(model.parameters(), 0.01, 0.9);
        criterion = new CrossEntropyLoss();
        x = Tensor.randn(g, 128, 1, 28, 28);
        long[] labels = new long[128];
        for (int i = 0; i < labels.length; i++) labels[i] = i % 10;
        y = Tensor.fromArray(labels, 128);
    }

    @Benchmark
    public double smallCnnStep() {
        try (org.jgrad.tensor.Scope s = org.jgrad.tensor.Scope.open()) {
            optimizer.zeroGrad();
            Tensor loss = criterion.forward(model.forward(x), y);
            loss.backward();
            optimizer.step();
            return loss.item();
        }
    }
}
