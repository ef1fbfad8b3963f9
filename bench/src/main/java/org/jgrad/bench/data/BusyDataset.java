package org.jgrad.bench.data;

import org.jgrad.data.Dataset;
import org.jgrad.data.Sample;
import org.jgrad.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A data set whose {@code get} burns a fixed amount of CPU (xorshift iterations, calibrated to
 * about 0.2 ms of this thread's CPU time, not wall time, so a descheduled worker does not count
 * as working) and returns a [1,28,28] image and a label, like a decode-and-augment step.
 */
public final class BusyDataset implements Dataset<Sample> {
    private final int size;
    private final long iterations;

    public BusyDataset(int size, long iterations) {
        if (size < 1) throw new IllegalArgumentException("BusyDataset: size must be >= 1, got " + size);
        if (iterations < 1) throw new IllegalArgumentException("BusyDataset: iterations must be >= 1, got " + iterations);
        this.size = size;
        this.iterations = iterations;
    }

    @Override
    public int size() { return size; }

    public long iterations() { return iterations; }

    @Override
    public Sample get(int index) {
        long x = spin(iterations, index + 1);
        float[] px = new float[28 * 28];
        float v = (x & 0xFF) / 255f; // depends on the work, so the JIT cannot drop it
        for (int k = 0; k < px.length; k++) px[k] = v;
        return new Sample(Tensor.fromArray(px, 1, 28, 28), Tensor.fromArray(new long[]{index % 10}));
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
