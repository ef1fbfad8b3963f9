package org.jgrad.bench.metrics;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.metrics.BinaryStats;
import org.jgrad.metrics.ConfusionMatrix;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * The two single-pass metric kernels on the shapes: binary statistics of [16,1,512,512]
 * float32 logits + uint8 targets (16 + 4 MiB read), and the argmax confusion histogram of
 * [8,21,256,256] logits + int64 targets (42 + 4 MiB read). This machine's last-level cache is
 * 480 MiB, so between repetitions both inputs stay in it ("hot"); the "Cold" variants read
 * 768 MiB before each call so the inputs come from DRAM. bench/peers/torch_metrics.py times PyTorch doing the same.
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
