package org.jgrad.bench.cpu;

import org.jgrad.ops.Convolution;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * conv2d (3x3, padding 1, with bias) forward plus backward for a given output gradient, on the
 * convolution shapes of the two training-step benchmarks: the small CNN's (batch 128; "conv1"
 * 1->32 on 28x28 with no input gradient, as a first layer; "conv2" 32->64 on 14x14) and the
 * U-Net's three levels (batch 8; "unet128" 16->16 on 128x128, "unet64" 32->32 on 64x64,
 * "unet32" 64->64 on 32x32, input gradient too). Peer: bench/peers/torch_conv_shapes.py.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class ConvShapesBench {
    @Param({"conv1", "conv2", "unet128", "unet64", "unet32"})
    public String layer;

    private Tensor x, w, bias, gradOut;

    @Setup(Level.Trial)
    public void setup() {
        Generator g = new Generator(7);
        int[] s = switch (layer) { // batch, in, out, size
            case "conv1" -> new int[]{128, 1, 32, 28};
            case "conv2" -> new int[]{128, 32, 64, 14};
            case "unet128" -> new int[]{8, 16, 16, 128};
            case "unet64" -> new int[]{8, 32, 32, 64};
            case "unet32" -> new int[]{8, 64, 64, 32};
            default -> throw new IllegalArgumentException("layer " + layer);
        };
        x = Tensor.randn(g, DType.FLOAT32, Device.cpu(), s[0], s[1], s[3], s[3]).requiresGrad(!layer.equals("conv1"));
        w = Tensor.randn(g, DType.FLOAT32, Device.cpu(), s[2], s[1], 3, 3).mul(0.1).detach().requiresGrad(true);
        bias = Tensor.randn(g, DType.FLOAT32, Device.cpu(), s[2]).requiresGrad(true);
        gradOut = Tensor.randn(g, DType.FLOAT32, Device.cpu(), s[0], s[2], s[3], s[3]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        w.close();
        bias.close();
        gradOut.close();
    }

    @Benchmark
    public int forwardBackward() {
        try (var scope = org.jgrad.tensor.Scope.open()) {
            Tensor y = Convolution.conv2d(x, w, bias, 1, 1);
            y.backward(gradOut);
            int r = w.grad().size(0);
            x.zeroGrad();
            w.zeroGrad();
            bias.zeroGrad();
            return r;
        }
    }
}
