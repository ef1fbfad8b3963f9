package org.jgrad.bench.cpu;

import org.jgrad.nn.Module;
import org.jgrad.nn.UNet;
import org.jgrad.nn.loss.BCEWithLogitsLoss;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * One SGD-with-momentum training step (forward, BCE-with-logits, backward, step) of the small
 * U-Net: 16-32-64 encoder of (conv3x3-BN-ReLU)x2 blocks, 2x2 max pooling, ConvTranspose2d(2,2)
 * decoder with skip concatenation, 1x1 head; batch 8, 1x128x128, a binary mask target. The
 * PyTorch peer is bench/peers/torch_unet_step.py, the same model and step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class UNetStepBench {
    Module model;
    SGD optimizer;
    BCEWithLogitsLoss criterion;
    Tensor x, y;

    @Setup
    public void setup() {
        Generator g = new Generator(0);
        model = new UNet(1, 1, 16, 3, UNet.Up.TRANSPOSED_CONV, g);
        model.train();
        optimizer = new SGD(model.parameters(), 0.01, 0.9);
        criterion = new BCEWithLogitsLoss();
        x = Tensor.randn(g, 8, 1, 128, 128);
        // a sparse binary mask (about a fifth of the pixels set), as the peer's rand > 0.8
        y = Tensor.rand(g, 8, 1, 128, 128).gt(0.8).to(org.jgrad.tensor.DType.FLOAT32);
    }

    @Benchmark
    public double unetStep() {
        try (org.jgrad.tensor.Scope s = org.jgrad.tensor.Scope.open()) {
            optimizer.zeroGrad();
            Tensor loss = criterion.forward(model.forward(x), y);
            loss.backward();
            optimizer.step();
            return loss.item();
        }
    }
}
