package org.jgrad.bench.metrics;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.CpuStorage;
import org.jgrad.backend.Parallel;
import org.jgrad.metrics.BinaryStats;
import org.jgrad.metrics.ConfusionMatrix;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The two single-pass metric kernels on the shapes: binary statistics of [16,1,512,512]
 * float32 logits + uint8 targets (16 + 4 MiB read), and the argmax confusion histogram of
 * [8,21,256,256] logits + int64 targets (42 + 4 MiB read). This machine's last-level cache is
 * 480 MiB, so between repetitions both inputs stay in it ("hot"); the "Cold" variants read
 * 768 MiB before each call so the inputs come from DRAM. bench/peers/torch_metrics.py times PyTorch doing the same.
 *
 * <p>The {@code read*Cold} benchmarks are each pass's bandwidth probe: a plain vectorised sum on
 * every core over the very arrays the pass reads (same bytes, same eviction before each call, same
 * pool), so "fraction of read bandwidth" = probe time / pass time, measured in the same run. (On
 * machines whose last-level cache is smaller than the inputs the "hot" variants are partly cold.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsBench {
    Tensor logits, masks, counts;
    Tensor segLogits, labels;
    ConfusionMatrix cm;
    final BinaryStatsSpec spec = BinaryStatsSpec.logits();

    @Setup
    public void setup() {
        Generator g = new Generator(1);
        logits = Tensor.randn(g, 16, 1, 512, 512);
        try (Tensor r = Tensor.rand(g, 16, 1, 512, 512)) {
            masks = r.gt(0.9); // UINT8, ~10% foreground
        }
        counts = Tensor.zeros(DType.INT64, Device.cpu(), 1, 4);
        segLogits = Tensor.randn(g, 8, 21, 256, 256);
        try (Tensor r = Tensor.rand(g, 8, 256, 256); Tensor s = r.mul(21.0)) {
            labels = s.to(DType.INT64);
        }
        cm = new ConfusionMatrix(21);
    }

    /** Read between timed calls to push the inputs out of the (480 MiB) last-level cache. */
    float[] evict;

    @Setup(Level.Trial)
    public void allocateEvict() { evict = new float[192 << 20]; } // 768 MiB

    /** The "cold" variants' per-call setup: stream 768 MiB so the inputs come from DRAM. */
    @State(Scope.Thread)
    public static class ColdState {
        @Setup(Level.Invocation)
        public void flush(MetricsBench b) {
            float s = 0;
            float[] e = b.evict;
            for (int i = 0; i < e.length; i += 16) s += e[i];
            if (s == 42) System.out.print("");
        }
    }

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED;
    static final VectorSpecies<Long> LV = LongVector.SPECIES_PREFERRED;
    static final int CHUNK = 1 << 16;

    /**
     * One parallel streaming read of a float array and, in the same tasks, the matching share of
     * a second array (bytes or longs): as the passes read their logits and targets together.
     */
    static long readBoth(float[] x, int n, byte[] b, long[] w, int n2) {
        LongAdder total = new LongAdder();
        int chunks = (n + CHUNK - 1) / CHUNK;
        Parallel.forRange(chunks, 1, (lo, hi) -> {
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            int l = F.length(), end = Math.min(n, hi * CHUNK), i = lo * CHUNK;
            for (; i + 2 * l <= end; i += 2 * l) {
                a0 = a0.add(FloatVector.fromArray(F, x, i));
                a1 = a1.add(FloatVector.fromArray(F, x, i + l));
            }
            long sum = (long) a0.add(a1).reduceLanes(VectorOperators.ADD);
            int j = (int) ((long) lo * n2 / chunks), end2 = (int) ((long) hi * n2 / chunks);
            if (b != null) {
                ByteVector acc = ByteVector.zero(B);
                for (; j + B.length() <= end2; j += B.length()) acc = acc.or(ByteVector.fromArray(B, b, j));
                sum += acc.reduceLanes(VectorOperators.OR);
            } else {
                LongVector acc = LongVector.zero(LV);
                for (; j + LV.length() <= end2; j += LV.length()) acc = acc.add(LongVector.fromArray(LV, w, j));
                sum += acc.reduceLanes(VectorOperators.ADD);
            }
            total.add(sum);
        });
        return total.sum();
    }

    /** The binary pass's probe: one streaming read of its logits (16 MiB) and targets (4 MiB), from DRAM. */
    @Benchmark
    public long readBinaryInputsCold(ColdState c) {
        return readBoth(((CpuStorage) logits.storage()).f32(), logits.numel(), ((CpuStorage) masks.storage()).u8(), null, masks.numel());
    }

    /** The confusion pass's probe: one streaming read of its logits (42 MiB) and int64 targets (4 MiB), from DRAM. */
    @Benchmark
    public long readConfusionInputsCold(ColdState c) {
        return readBoth(((CpuStorage) segLogits.storage()).f32(), segLogits.numel(), null, ((CpuStorage) labels.storage()).i64(), labels.numel());
    }

    /** tp/fp/fn/tn of the whole batch, sigmoid and threshold 0.5, added into device counters. */
    @Benchmark
    public Tensor binaryStats() {
        BinaryStats.accumulate(logits, masks, spec, counts);
        return counts;
    }

    @Benchmark
    public Tensor binaryStatsCold(ColdState c) {
        return binaryStats();
    }

    @Benchmark
    public ConfusionMatrix confusionMatrixCold(ColdState c) {
        return confusionMatrix();
    }

    /** argmax over 21 classes fused with the 21x21 histogram, added into the accumulator. */
    @Benchmark
    public ConfusionMatrix confusionMatrix() {
        cm.update(segLogits, labels);
        return cm;
    }
}
