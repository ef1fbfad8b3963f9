package org.jgrad.bench.metrics;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.jgrad.backend.Parallel;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The machine's read bandwidth, for judging the metric kernels, which only read: a vectorised sum
 * on every core over a float32 buffer of the metric inputs' own sizes (20 MiB: the binary
 * input; 48 MiB: the confusion input) — hot in the last-level cache exactly as those inputs are
 * between repetitions — and over 768 MiB, beyond any cache of the machine. GB/s = size / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BandwidthBench {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int CHUNK = 1 << 18;

    @Param({"20", "48", "768"})
    public int mib;

    float[] a;

    @Setup
    public void setup() {
        a = new float[mib << 18];
        for (int i = 0; i < a.length; i++) a[i] = i & 1023;
    }

    @Benchmark
    public double readSum() {
        float[] x = a;
        DoubleAdder total = new DoubleAdder();
        Parallel.forRange(x.length / CHUNK, 1, (lo, hi) -> {
            FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
            int step = 2 * F.length();
            for (int i = lo * CHUNK, end = hi * CHUNK; i < end; i += step) {
                acc0 = acc0.add(FloatVector.fromArray(F, x, i));
                acc1 = acc1.add(FloatVector.fromArray(F, x, i + F.length()));
            }
            total.add(acc0.add(acc1).reduceLanes(VectorOperators.ADD));
        });
        return total.sum();
    }
}
