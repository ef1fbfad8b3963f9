package org.jgrad.bench.gpu;

import org.jgrad.backend.Backends;
import org.jgrad.backend.Distribution;
import org.jgrad.cuda.CudaBackend;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * The CUDA tensor kernels of argreduce.ptx, softmax.ptx and philox.ptx at training sizes,
 * called on the backend with preallocated outputs: 10 calls queued, then one wait, so the
 * time per operation is GPU time plus our launch overhead. bench/gpu/peer_torch_tensor.py
 * measures PyTorch's out= variants of the same operations on the same GPU.
 *
 * <p>case: softmax over dim 1 of [256,10] (classifier logits), [16,1000,33] (long strided
 * rows), [16,21,128,128] (segmentation channels); argmax over dim 1 of [16,10,128,128]; a
 * uniform draw of 2^24 floats (dropout's mask source).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
public class GpuTensorBench {
    static final int REPS = 10;

    @Param({"softmax_256x10", "softmax_16x1000x33", "softmax_16x21x128x128", "argmax_16x10x128x128", "uniform_16M"})
    public String op;

    CudaBackend backend;
    Tensor x, out, indices;
    int[] shape;

    @Setup
    public void setup() {
        Device gpu = Device.cuda(0);
        backend = (CudaBackend) Backends.of(gpu);
        shape = switch (op) {
            case "softmax_256x10" -> new int[] {256, 10};
            case "softmax_16x1000x33" -> new int[] {16, 1000, 33};
            case "softmax_16x21x128x128" -> new int[] {16, 21, 128, 128};
            case "argmax_16x10x128x128" -> new int[] {16, 10, 128, 128};
            case "uniform_16M" -> new int[] {1 << 24};
            default -> throw new IllegalArgumentException("unknown case " + op);
        };
        x = Tensor.randn(new Generator(1), shape).to(gpu);
        if (op.startsWith("argmax")) {
            int[] keep = shape.clone();
            keep[1] = 1;
            out = Tensor.empty(DType.FLOAT32, gpu, keep);
            indices = Tensor.empty(DType.INT64, gpu, keep);
        } else {
            out = Tensor.empty(DType.FLOAT32, gpu, shape);
        }
        backend.synchronize();
    }

    @TearDown
    public void tearDown() {
        x.close();
        out.close();
        if (indices != null) indices.close();
    }

    @Benchmark
    @OperationsPerInvocation(REPS)
    public void run() {
        for (int i = 0; i < REPS; i++) {
            if (op.startsWith("softmax")) backend.softmax(x.raw(), 1, false, out.raw());
            else if (op.startsWith("argmax")) backend.argReduce(true, x.raw(), 1, out.raw(), indices.raw());
            else backend.random(out.raw(), Distribution.UNIFORM, 0, 1, 1234 + i);
        }
        backend.synchronize();
    }
}
