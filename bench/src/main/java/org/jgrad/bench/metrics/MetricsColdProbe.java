package org.jgrad.bench.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * A cross-check of {@link MetricsBench}'s cold figures for shared, noisy machines: the two
 * metric passes and their same-bytes read probes, interleaved in one process (evict, time one
 * call; repeat), reporting per call the wall time and the CPU time of all threads together.
 * Under contention for the cores the wall time mostly measures the other tenants; the CPU time
 * the call consumed does not, so "probe CPU / pass CPU" is a steadier estimate of the fraction
 * of read bandwidth a pass reaches (both passes use the same pool on all cores).
 *
 * <p>Run: java --add-modules jdk.incubator.vector -cp (bench classpath)
 * org.jgrad.bench.metrics.MetricsColdProbe [rounds=40]
 */
public final class MetricsColdProbe {
    private MetricsColdProbe() {}

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** CPU nanoseconds consumed so far by every live thread of this JVM. */
    static long cpuNanos() {
        long s = 0;
        for (long id : THREADS.getAllThreadIds()) {
            long v = THREADS.getThreadCpuTime(id);
            if (v > 0) s += v;
        }
        return s;
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        MetricsBench b = new MetricsBench();
        b.setup();
        b.allocateEvict();
        MetricsBench.ColdState cold = new MetricsBench.ColdState();
        String[] names = {"readBinaryInputsCold", "binaryStatsCold", "readConfusionInputsCold", "confusionMatrixCold"};
        double[][] wall = new double[4][rounds], cpu = new double[4][rounds];
        for (int w = 0; w < 5; w++) {
            b.readBinaryInputsCold(cold);
            b.binaryStats();
            b.readConfusionInputsCold(cold);
            b.confusionMatrix();
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 4; k++) {
                cold.flush(b);
                long c0 = cpuNanos(), t0 = System.nanoTime();
                switch (k) {
                    case 0 -> b.readBinaryInputsCold(cold);
                    case 1 -> b.binaryStats();
                    case 2 -> b.readConfusionInputsCold(cold);
                    default -> b.confusionMatrix();
                }
                wall[k][r] = (System.nanoTime() - t0) / 1e6;
                cpu[k][r] = (cpuNanos() - c0) / 1e6;
            }
        }
        int mid = rounds / 2;
        for (int k = 0; k < 4; k++) {
            Arrays.sort(wall[k]);
            Arrays.sort(cpu[k]);
            System.out.printf("%-24s wall ms: min %7.3f median %7.3f max %7.3f | cpu ms: min %7.3f median %7.3f%n",
                    names[k], wall[k][0], wall[k][mid], wall[k][rounds - 1], cpu[k][0], cpu[k][mid]);
        }
        System.out.printf("fraction of the read probe, medians: binary wall %.0f%% cpu %.0f%%; confusion wall %.0f%% cpu %.0f%%%n",
                100 * wall[0][mid] / wall[1][mid], 100 * cpu[0][mid] / cpu[1][mid],
                100 * wall[2][mid] / wall[3][mid], 100 * cpu[2][mid] / cpu[3][mid]);
    }
}
