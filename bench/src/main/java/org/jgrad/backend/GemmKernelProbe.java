package org.jgrad.backend;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Single-core GFLOP/s of the SGEMM micro-kernel in isolation: one packed MR x KC A panel and one
 * KC x NR B panel (L1/L2-resident), the tile stored to a small C. Variants run interleaved, round
 * after round, each timed by the thread's CPU time so that other processes' share of the cores
 * does not count; prints best and median over the rounds after a quarter of warm-up.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp <bench classpath> org.jgrad.backend.GemmKernelProbe [rounds]}
 */
public final class GemmKernelProbe {
    private GemmKernelProbe() {}

    private interface Kernel { void run(float[] pa, float[] pb, int kc, float[] c); }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300, kc = CpuGemm.KC, calls = 1000;
        int mr = CpuGemm.MR, nr = CpuGemm.NR;
        Random r = new Random(1);
        float[] pa = new float[mr * kc], pb = new float[nr * kc], c = new float[mr * nr];
        for (int i = 0; i < pa.length; i++) pa[i] = r.nextFloat();
        for (int i = 0; i < pb.length; i++) pb[i] = r.nextFloat();
        Map<String, Kernel> kernels = new LinkedHashMap<>();
        kernels.put("kernel (as configured, PASS_ROWS=" + CpuGemm.PASS_ROWS + ")",
                (a, b, k, o) -> CpuGemm.kernel(a, 0, b, 0, k, o, 0, nr, false));
        kernels.put("one 8-row pass", (a, b, k, o) -> CpuGemm.kernelRows8(a, 0, b, 0, k, o, 0, nr, false));
        kernels.put("two 4-row passes", (a, b, k, o) -> {
            CpuGemm.kernelRows4(a, 0, b, 0, k, o, 0, nr, false);
            CpuGemm.kernelRows4(a, 4, b, 0, k, o, 4 * nr, nr, false);
        });
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, List<Double>> gflops = new LinkedHashMap<>();
        for (String name : kernels.keySet()) gflops.put(name, new ArrayList<>());
        double flops = 2.0 * mr * nr * kc * calls;
        for (int round = 0; round < rounds; round++) {
            for (var e : kernels.entrySet()) {
                Kernel kernel = e.getValue();
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < calls; i++) kernel.run(pa, pb, kc, c);
                long t1 = mx.getCurrentThreadCpuTime();
                gflops.get(e.getKey()).add(flops / (t1 - t0));
            }
        }
        System.out.printf("micro-kernel %d x %d, kc %d, vector %d bits, %d rounds%n", mr, nr, kc, CpuGemm.S.vectorBitSize(), rounds);
        for (var e : gflops.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue().subList(rounds / 4, rounds));
            Collections.sort(v);
            System.out.printf("  %-40s best %6.1f  median %6.1f GFLOP/s (one core, thread CPU time)%n",
                    e.getKey(), v.get(v.size() - 1), v.get(v.size() / 2));
        }
    }
}
