package org.jgrad.bench.data;

import org.jgrad.data.Dataset;
import org.jgrad.data.Sample;
import org.jgrad.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A data set whose {@code get} burns CPU and returns a [1,28,28] image and a label, like a
 * decode-and-augment step. Two kinds of work: a fixed number of xorshift iterations (calibrated
 * once to about the target CPU time), or spinning until this thread's CPU clock has advanced by
 * the target ("cpuclock": exactly the same CPU cost per item in every language, so a comparison
 * with another loader measures only the loaders). Both count CPU time, not wall time, so a
 * descheduled worker does not count as working.
 */
public final class BusyDataset implements Dataset<Sample> {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private final int size;
    private final long iterations;
    private final long cpuNanos;

    /** xorshift work: {@code iterations} per item. */
    public BusyDataset(int size, long iterations) { this(size, iterations, 0); }

    private BusyDataset(int size, long iterations, long cpuNanos) {
        if (size < 1) throw new IllegalArgumentException("BusyDataset: size must be >= 1, got " + size);
        if (iterations < 1 && cpuNanos < 1) throw new IllegalArgumentException("BusyDataset: no work per item");
        this.size = size;
        this.iterations = iterations;
        this.cpuNanos = cpuNanos;
    }

    /** cpuclock work: spin until this thread has used {@code micros} more of CPU time. */
    public static BusyDataset cpuClock(int size, double micros) {
        return new BusyDataset(size, 0, Math.round(micros * 1000));
    }

    @Override
    public int size() { return size; }

    public long iterations() { return iterations; }

    @Override
    public Sample get(int index) {
        long x = cpuNanos > 0 ? spinCpu(cpuNanos) : spin(iterations, index + 1);
        float[] px = new float[28 * 28];
        float v = (x & 0xFF) / 255f; // depends on the work, so the JIT cannot drop it
        for (int k = 0; k < px.length; k++) px[k] = v;
        return new Sample(Tensor.fromArray(px, 1, 28, 28), Tensor.fromArray(new long[]{index % 10}));
    }

    static long spinCpu(long nanos) {
        long end = MX.getCurrentThreadCpuTime() + nanos;
        long x = 0;
        while (MX.getCurrentThreadCpuTime() < end) x++;
        return x;
    }

    static long spin(long iterations, long seed) {
        long x = seed * 0x9E3779B97F4A7C15L | 1;
        for (long k = 0; k < iterations; k++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    /** Iterations of {@link #spin} that cost {@code micros} of this thread's CPU time (after JIT warm-up). */
    public static long calibrate(double micros) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int r = 0; r < 20; r++) sink += spin(200_000, r); // compile
        long n = 2_000_000;
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 7; r++) {
            long t0 = mx.getCurrentThreadCpuTime();
            sink += spin(n, r);
            long t1 = mx.getCurrentThreadCpuTime();
            best = Math.min(best, (t1 - t0) / (double) n);
        }
        if (sink == 42) System.out.print(""); // keep sink alive
        return Math.max(1, Math.round(micros * 1000 / best));
    }

    /** Median CPU microseconds of one {@link #get} on this thread. */
    public double measureGetMicros(int reps) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] t = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = mx.getCurrentThreadCpuTime();
            try (Sample s = get(r % size)) {
                t[r] = (mx.getCurrentThreadCpuTime() - t0) / 1000.0;
            }
        }
        java.util.Arrays.sort(t);
        return t[reps / 2];
    }
}
