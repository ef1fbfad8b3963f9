package org.jgrad.bench.cpu;

import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/** Elementwise add and a full sum over 16M float32 values (64 MiB: beyond L3, so DRAM-bound). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ElementwiseBench {
    Tensor a, b;

    @Setup
    public void setup() {
        Generator g = new Generator(1);
        a = Tensor.rand(g, 1 << 24);
        b = Tensor.rand(g, 1 << 24);
    }

    @Benchmark
    public double add() {
        try (Tensor c = a.add(b)) {
            return c.numel();
        }
    }

    @Benchmark
    public double sum() {
        try (Tensor s = a.sum()) {
            return s.item();
        }
    }
}
