package org.jgrad.bench.cpu;

import org.jgrad.ops.Convolution;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * conv2d (3x3, padding 1, with bias) on the small CNN's two convolution shapes, batch 128:
 * "conv1" 1->32 channels on 28x28 (input needs no gradient, as the first layer of a network),
 * "conv2" 32->64 channels on 14x14 (input gradient too). Forward alone, and forward plus the
 * backward pass for a given output gradient. Peer: bench/peers/cpu_gemm_conv.py.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class ConvBench {
    @Param({"conv1", "conv2"})
    public String layer;

    private Tensor x, w, bias, gradOut;

    @Setup(Level.Trial)
    public void setup() {
        Generator g = new Generator(7);
        boolean first = layer.equals("conv1");
        int cin = first ? 1 : 32, cout = first ? 32 : 64, hw = first ? 28 : 14;
        x = Tensor.randn(g, DType.FLOAT32, Device.cpu(), 128, cin, hw, hw).requiresGrad(!first);
        w = Tensor.randn(g, DType.FLOAT32, Device.cpu(), cout, cin, 3, 3).mul(0.1).detach().requiresGrad(true);
        bias = Tensor.randn(g, DType.FLOAT32, Device.cpu(), cout).requiresGrad(true);
        gradOut = Tensor.randn(g, DType.FLOAT32, Device.cpu(), 128, cout, hw, hw);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        w.close();
        bias.close();
        gradOut.close();
    }

    @Benchmark
    public int forward() {
        try (var s = org.jgrad.tensor.Scope.open(); var off = org.jgrad.autograd.Grad.off()) {
            return Convolution.conv2d(x, w, bias, 1, 1).size(1);
        }
    }

    @Benchmark
    public int forwardBackward() {
        try (var s = org.jgrad.tensor.Scope.open()) {
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
