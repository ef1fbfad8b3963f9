package org.jgrad.bench.gpu;

import org.jgrad.backend.Backends;
import org.jgrad.cuda.CudaBackend;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * conv2d forward + backward-data + backward-filter through cuDNN, for the convolutions of the
 * small CNN (batch 128, 28x28 MNIST: 1->32, then 32->64 at 14x14) and of the U-Net (batch 8,
 * 128x128: 1->16, 16->32 at 64x64, 32->64 at 32x32, and a 48->16 decoder conv at 128x128),
 * all 3x3, stride 1, padding 1. Shapes are "N,C,H,W,K". Each invocation queues 10 steps and
 * waits; bench/gpu/peer_torch.py times the same three passes in PyTorch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
public class GpuConvBench {
    static final int REPS = 10;

    @Param({"128,1,28,28,32", "128,32,14,14,64", "8,1,128,128,16", "8,16,64,64,32", "8,32,32,32,64", "8,48,128,128,16"})
    public String shape;

    @Param({"fp32", "tf32"})
    public String math;

    CudaBackend backend;
    Tensor x, w, y, dy, dx, dw;
    final int[] stride = {1, 1}, pad = {1, 1}, dil = {1, 1};

    @Setup
    public void setup() {
        String[] p = shape.split(",");
        int n = Integer.parseInt(p[0]), c = Integer.parseInt(p[1]), h = Integer.parseInt(p[2]), wd = Integer.parseInt(p[3]), k = Integer.parseInt(p[4]);
        Device gpu = Device.cuda(0);
        backend = (CudaBackend) Backends.of(gpu);
        backend.setAllowTf32(math.equals("tf32"));
        Generator g = new Generator(2);
        x = Tensor.randn(g, n, c, h, wd).to(gpu);
        w = Tensor.randn(g, k, c, 3, 3).to(gpu);
        dy = Tensor.randn(g, n, k, h, wd).to(gpu);
        y = Tensor.empty(DType.FLOAT32, gpu, n, k, h, wd);
        dx = Tensor.empty(DType.FLOAT32, gpu, n, c, h, wd);
        dw = Tensor.empty(DType.FLOAT32, gpu, k, c, 3, 3);
        backend.synchronize();
    }

    @TearDown
    public void tearDown() {
        backend.setAllowTf32(false);
        for (Tensor t : new Tensor[] {x, w, y, dy, dx, dw}) t.close();
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void forwardBackward() {
        for (int i = 0; i < REPS; i++) {
            backend.conv2dForward(x.raw(), w.raw(), y.raw(), stride, pad, dil, 1);
            backend.conv2dBackwardData(dy.raw(), w.raw(), dx.raw(), stride, pad, dil, 1);
            backend.conv2dBackwardFilter(x.raw(), dy.raw(), dw.raw(), stride, pad, dil, 1);
        }
        backend.synchronize();
    }
}
