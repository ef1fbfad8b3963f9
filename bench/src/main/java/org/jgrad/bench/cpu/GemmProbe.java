package org.jgrad.bench.cpu;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Square float32 products timed with a plain loop, for quick comparisons in one sitting with the
 * numpy peer (bench/peers/cpu_gemm_conv.py): per size, warm-up calls, then calls until the time is
 * spent; prints the median and best wall milliseconds and the process CPU milliseconds per call
 * (the CPU time is what the product cost whatever else runs on the machine).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp <bench classpath> org.jgrad.bench.cpu.GemmProbe [seconds] [n...]};
 * {@code -Djgrad.threads=1} for one core.
 */
public final class GemmProbe {
    private GemmProbe() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        List<Integer> sizes = new ArrayList<>();
        for (int i = 1; i < args.length; i++) sizes.add(Integer.parseInt(args[i]));
        if (sizes.isEmpty()) sizes = List.of(1024, 2048);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (int n : sizes) {
            Generator g = new Generator(42);
            try (Tensor a = Tensor.uniform(-1, 1, g, DType.FLOAT32, Device.cpu(), n, n);
                 Tensor b = Tensor.uniform(-1, 1, g, DType.FLOAT32, Device.cpu(), n, n)) {
                for (int i = 0; i < 5; i++) a.matmul(b).close();
                List<Double> wall = new ArrayList<>();
                long cpu0 = os.getProcessCpuTime(), start = System.nanoTime();
                while (System.nanoTime() - start < seconds * 1e9 || wall.size() < 5) {
                    long t0 = System.nanoTime();
                    a.matmul(b).close();
                    wall.add((System.nanoTime() - t0) / 1e6);
                }
                double cpuMs = (os.getProcessCpuTime() - cpu0) / 1e6 / wall.size();
                Collections.sort(wall);
                double med = wall.get(wall.size() / 2);
                System.out.printf("jgrad sgemm n=%5d: median %8.2f ms  best %8.2f ms  %6.1f GFLOP/s  cpu %8.2f ms/call (%d calls)%n",
                        n, med, wall.get(0), 2.0 * n * n * n / med / 1e6, cpuMs, wall.size());
            }
        }
    }
}
