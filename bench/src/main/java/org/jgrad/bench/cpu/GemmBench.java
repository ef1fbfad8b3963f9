package org.jgrad.bench.cpu;

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
 * Float32 square matrix product C = A @ B (n x n), output allocated per call as numpy's
 * {@code a @ b} does. GFLOP/s = 2 n^3 / time. Peer: bench/peers/cpu_gemm_conv.py.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class GemmBench {
    @Param({"512", "1024", "2048"})
    public int n;

    private Tensor a, b;

    @Setup(Level.Trial)
    public void setup() {
        Generator g = new Generator(42);
        a = Tensor.uniform(-1, 1, g, DType.FLOAT32, Device.cpu(), n, n);
        b = Tensor.uniform(-1, 1, g, DType.FLOAT32, Device.cpu(), n, n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
    }

    @Benchmark
    public float matmul() {
        try (Tensor c = a.matmul(b)) {
            return c.storage() == null ? 0 : 1;
        }
    }
}
