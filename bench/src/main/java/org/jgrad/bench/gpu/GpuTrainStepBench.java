package org.jgrad.bench.gpu;

import org.jgrad.backend.Backends;
import org.jgrad.backend.Backend;
import org.jgrad.cuda.CudaBackend;
import org.jgrad.nn.Conv2d;
import org.jgrad.nn.Flatten;
import org.jgrad.nn.Linear;
import org.jgrad.nn.MaxPool2d;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.UNet;
import org.jgrad.nn.loss.BCEWithLogitsLoss;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.nn.loss.Loss;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * A whole training step on the GPU (zeroGrad, forward, loss, backward, SGD-with-momentum
 * step), as a user writes it, for the two models of issue 7:
 * <ul>
 *   <li>{@code cnn}: conv32-pool-conv64-pool-fc128-fc10, batch 256, 1x28x28, cross-entropy;</li>
 *   <li>{@code unet}: the core U-Net 16-32-64 with batch norm, batch 16, 1x128x128, BCE-with-logits.</li>
 * </ul>
 * Each invocation queues {@link #STEPS} steps and reads the last loss with {@code item()} (the
 * one synchronisation, as a loop that logs every k batches does), so the time per operation is
 * the time per step with the GPU kept busy. bench/gpu/peer_torch_train.py runs the same models
 * and steps in PyTorch eager on the same GPU.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
public class GpuTrainStepBench {
    static final int STEPS = 10;

    @Param({"cnn", "unet"})
    public String model;

    @Param({"fp32", "tf32"})
    public String math;

    Module net;
    SGD optimizer;
    Loss criterion;
    Tensor x, y;
    Backend backend;

    @Setup
    public void setup() {
        Device gpu = Device.cuda(0);
        backend = Backends.of(gpu);
        ((CudaBackend) backend).setAllowTf32(math.equals("tf32"));
        Generator g = new Generator(0);
        if (model.equals("cnn")) {
            net = new Sequential(
                    new Conv2d(1, 32, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                    new Conv2d(32, 64, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                    new Flatten(), new Linear(64 * 7 * 7, 128, g), new ReLU(), new Linear(128, 10, g));
            criterion = new CrossEntropyLoss();
            x = Scope.escape(Tensor.randn(g, 256, 1, 28, 28).to(gpu));
            long[] labels = new long[256];
            for (int i = 0; i < labels.length; i++) labels[i] = i % 10;
            y = Scope.escape(Tensor.fromArray(labels, 256).to(gpu));
        } else {
            net = new UNet(1, 1, 16, 3, g);
            criterion = new BCEWithLogitsLoss();
            x = Scope.escape(Tensor.randn(g, 16, 1, 128, 128).to(gpu));
            try (Tensor u = Tensor.rand(g, 16, 1, 128, 128); Tensor mask = u.gt(0.8); Tensor f = mask.to(org.jgrad.tensor.DType.FLOAT32)) {
                y = Scope.escape(f.to(gpu));
            }
        }
        net.to(gpu);
        optimizer = new SGD(net.parameters(), 0.01, 0.9);
        backend.synchronize();
    }

    @TearDown
    public void tearDown() {
        ((CudaBackend) backend).setAllowTf32(false);
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public double trainStep() {
        Tensor last = null;
        try (Scope outer = Scope.open()) {
            for (int i = 0; i < STEPS; i++) {
                try (Scope s = Scope.open()) {
                    optimizer.zeroGrad();
                    Tensor loss = criterion.apply(net.forward(x), y);
                    loss.backward();
                    optimizer.step();
                    if (i == STEPS - 1) last = Scope.escape(loss.detach());
                }
            }
            double v = last.item();
            last.close();
            return v;
        }
    }
}
