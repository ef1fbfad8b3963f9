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
 * SGEMM 4096^3 on the GPU through cuBLAS, FP32 and TF32. Each invocation queues 10 products
 * and waits for the stream, so the time per operation is GPU time plus our launch overhead;
 * TFLOP/s = 2 * 4096^3 / time (bench/gpu/summarize.py does the conversion beside PyTorch's
 * torch.mm measured in the same call).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
public class GpuGemmBench {
    static final int REPS = 10;

    @Param({"4096"})
    public int n;

    @Param({"fp32", "tf32"})
    public String math;

    CudaBackend backend;
    Tensor a, b, c;

    @Setup
    public void setup() {
        Device gpu = Device.cuda(0);
        backend = (CudaBackend) Backends.of(gpu);
        backend.setAllowTf32(math.equals("tf32"));
        Generator g = new Generator(1);
        a = Tensor.randn(g, 1, n, n).to(gpu);
        b = Tensor.randn(g, 1, n, n).to(gpu);
        c = Tensor.empty(DType.FLOAT32, gpu, 1, n, n);
        backend.synchronize();
    }

    @TearDown
    public void tearDown() {
        backend.setAllowTf32(false);
        a.close();
        b.close();
        c.close();
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void sgemm() {
        for (int i = 0; i < REPS; i++) backend.matmul(a.raw(), b.raw(), c.raw());
        backend.synchronize();
    }
}
