package org.jgrad.bench.gpu.metrics;

import org.jgrad.backend.Backend;
import org.jgrad.backend.Backends;
import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.backend.MetricCounting;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.*;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The PTX metric kernels on the GPU: one {@code update} of the binary statistics (float32
 * logits + uint8 targets, whole batch) or of the confusion histogram (float32 logits [N,C,H,W]
 * + int64 targets, argmax fused), and a device-to-device copy measured in the same run for the
 * card's bandwidth. Each invocation queues {@link #REPS} updates, cycling through
 * {@link #SETS} input sets so the inputs do not sit in L2, then waits for the stream.
 * bench/gpu/metrics_summary.py turns the times into effective GB/s over the bytes read
 * ({@link #bytesRead}) and sets them beside the PyTorch peer (bench/gpu/peer_torch_metrics.py).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
public class GpuMetricsBench {
    static final int REPS = 20;
    static final int SETS = 3;

    /** binary:N:H:W (C = 1) or multiclass:N:C:H:W, the four shapes. */
    @Param({"binary:16:1024:1024", "binary:64:512:512", "multiclass:8:21:512:512", "multiclass:4:150:256:256"})
    public String shape;

    Backend backend;
    /** The fused counting kernels themselves: what this benchmark measures. */
    MetricCounting counting;
    Tensor[] preds = new Tensor[SETS], targets = new Tensor[SETS];
    Tensor counts, hist, bad, copySrc, copyDst;
    BinaryStatsSpec spec = BinaryStatsSpec.logits();

    /** Bytes one update must read: every logit (4 B) and every target (1 B uint8, 8 B int64) once. */
    static long bytesRead(String shape) {
        String[] p = shape.split(":");
        if (p[0].equals("binary")) return 5L * Integer.parseInt(p[1]) * Integer.parseInt(p[2]) * Integer.parseInt(p[3]);
        long n = Integer.parseInt(p[1]), c = Integer.parseInt(p[2]), hw = (long) Integer.parseInt(p[3]) * Integer.parseInt(p[4]);
        return 4 * n * c * hw + 8 * n * hw;
    }

    @Setup
    public void setup() {
        Device gpu = Device.cuda(0);
        backend = Backends.of(gpu);
        counting = backend.capability(MetricCounting.class).orElseThrow(() -> new IllegalStateException(backend.name() + " has no fused metric kernels"));
        String[] p = shape.split(":");
        Generator g = new Generator(11);
        SplittableRandom rnd = new SplittableRandom(12);
        for (int s = 0; s < SETS; s++) {
            if (p[0].equals("binary")) {
                int n = Integer.parseInt(p[1]), h = Integer.parseInt(p[2]), w = Integer.parseInt(p[3]);
                preds[s] = Tensor.randn(g, DType.FLOAT32, gpu, n, 1, h, w);
                byte[] y = new byte[n * h * w];
                for (int i = 0; i < y.length; i++) y[i] = (byte) (rnd.nextInt(10) < 3 ? 1 : 0); // 30% foreground
                targets[s] = Tensor.fromArray(y, n, 1, h, w).to(gpu);
            } else {
                int n = Integer.parseInt(p[1]), c = Integer.parseInt(p[2]), h = Integer.parseInt(p[3]), w = Integer.parseInt(p[4]);
                preds[s] = Tensor.randn(g, DType.FLOAT32, gpu, n, c, h, w);
                long[] y = new long[n * h * w];
                for (int i = 0; i < y.length; i++) y[i] = rnd.nextInt(10) < 7 ? 0 : rnd.nextInt(c); // background dominates
                targets[s] = Tensor.fromArray(y, n, h, w).to(gpu);
                hist = Tensor.zeros(DType.INT64, gpu, c, c);
            }
        }
        counts = Tensor.zeros(DType.INT64, gpu, 1, 4);
        bad = Tensor.zeros(DType.INT64, gpu, 1);
        int copyElems = (int) Math.min(Integer.MAX_VALUE, bytesRead(shape) / 4);
        copySrc = Tensor.randn(g, DType.FLOAT32, gpu, copyElems);
        copyDst = Tensor.zeros(DType.FLOAT32, gpu, copyElems);
        backend.synchronize();
    }

    @TearDown
    public void tearDown() {
        for (int s = 0; s < SETS; s++) { preds[s].close(); targets[s].close(); }
        counts.close();
        bad.close();
        if (hist != null) hist.close();
        copySrc.close();
        copyDst.close();
    }

    /** One metric update per operation: the kernel reads bytesRead(shape) bytes. */
    @Benchmark
    @OperationsPerInvocation(REPS)
    public void update() {
        for (int i = 0; i < REPS; i++) {
            int s = i % SETS;
            if (hist == null) counting.binaryStats(preds[s].raw(), targets[s].raw(), spec, counts.raw());
            else counting.confusionFromLogits(preds[s].raw(), targets[s].raw(), -1, hist.raw(), bad.raw());
        }
        backend.synchronize();
    }

    /** The card's copy bandwidth in the same run: bytesRead(shape) bytes read and as many written per operation. */
    @Benchmark
    @OperationsPerInvocation(REPS)
    public void copy() {
        for (int i = 0; i < REPS; i++) backend.copy(copySrc.raw(), copyDst.raw());
        backend.synchronize();
    }
}
