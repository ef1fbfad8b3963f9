package org.jgrad.bench.data;

import org.jgrad.data.Batch;
import org.jgrad.data.DataLoader;
import org.jgrad.data.Sample;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * Batches per second of a {@link DataLoader} over {@link BusyDataset} (each {@code get} costs
 * about 0.2 ms of CPU), batch 64, with 0, 1 and 2 worker threads. One invocation is a whole
 * epoch of {@value #BATCHES} batches, so worker start-up and pipeline fill are included, as in
 * PyTorch's default (non-persistent) DataLoader. The peer is bench/peers/torch_dataloader.py.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DataLoaderBench {
    static final int BATCH = 64;
    static final int BATCHES = 40;

    @Param({"0", "1", "2"})
    public int workers;

    @Param({"200"})
    public double getMicros;

    /** "cpuclock": spin on the thread CPU clock; "xorshift": calibrated arithmetic (see BusyDataset). */
    @Param({"cpuclock"})
    public String work;

    private DataLoader<Sample> loader;

    @Setup(Level.Trial)
    public void setUp() {
        BusyDataset ds;
        if (work.equals("cpuclock")) {
            ds = BusyDataset.cpuClock(BATCH * BATCHES, getMicros);
        } else if (work.equals("xorshift")) {
            ds = new BusyDataset(BATCH * BATCHES, BusyDataset.calibrate(getMicros));
        } else {
            throw new IllegalArgumentException("work must be cpuclock or xorshift, got " + work);
        }
        System.out.printf("%nBusyDataset (%s): measured %.1f us CPU per get%n", work, ds.measureGetMicros(501));
        loader = DataLoader.builder(ds).batchSize(BATCH).numWorkers(workers).prefetch(2).build();
    }

    /**
     * The process's CPU time while the benchmark ran, as a secondary result: JMH reports it per
     * second, so {@code cpuNanos / 1e9} is the number of cores this JVM actually got. On a shared
     * machine that, not the worker count, caps the throughput.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Cpu {
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        public long cpuNanos;
        private long start;

        @Setup(Level.Invocation)
        public void before() { start = OS.getProcessCpuTime(); }

        @TearDown(Level.Invocation)
        public void after() { cpuNanos += OS.getProcessCpuTime() - start; }
    }

    @Benchmark
    @OperationsPerInvocation(BATCHES)
    public long epoch(Cpu cpu) {
        long n = 0;
        for (Batch b : loader) {
            n += b.size();
            b.close();
        }
        return n;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loader.close();
    }
}
