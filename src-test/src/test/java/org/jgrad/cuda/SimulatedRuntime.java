package org.jgrad.cuda;

import org.jgrad.backend.Backends;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A {@link DeviceRuntime} with no GPU: memory and kernels come from {@link PtxSimulator}
 * running the packaged PTX, and the GEMM executes cuBLAS's column-major contract in Java.
 * Lets the CPU tests drive {@link CudaBackend} itself.
 */
final class SimulatedRuntime implements DeviceRuntime {
    final PtxSimulator sim;
    long live;
    long launches;
    long gemms;
    long hostToDeviceCopies; // copyHtoD calls on the compute stream (random must make none)
    private MemorySegment staging;

    SimulatedRuntime(int memoryBytes) {
        sim = new PtxSimulator(memoryBytes);
        for (String family : PtxModules.ENTRIES.keySet()) sim.load(new String(PtxModules.readPtx(family), StandardCharsets.UTF_8));
    }

    @Override public String deviceName() { return "simulated PTX device"; }

    @Override public String architecture() { return "sm_80"; }

    /** Freed blocks by exact size, reused when {@link #reuseFreedBlocks} is on (long runs: training loops). */
    private final java.util.Map<Long, java.util.ArrayDeque<Long>> freeBlocks = new java.util.HashMap<>();
    private boolean reuse;

    /** Makes freed blocks reusable, as a real pool's are; off by default so a stale pointer reads its old data. */
    SimulatedRuntime reuseFreedBlocks() {
        reuse = true;
        return this;
    }

    /**
     * Every block handed out is first filled with 0xFF bytes (NaN as floats, -1 as integers), as
     * a GPU's memory holds leftovers: a kernel or an op that reads an element it never wrote, or
     * relies on fresh memory being zero, shows up in the results instead of passing by luck.
     */
    @Override public synchronized long allocate(long bytes) {
        live += bytes;
        if (bytes == 0) return 0;
        var q = reuse ? freeBlocks.get(bytes) : null;
        long p = q != null && !q.isEmpty() ? q.pop() : sim.alloc(bytes);
        var view = sim.view(p, (int) bytes);
        for (int i = 0; i < bytes; i++) view.put(i, (byte) 0xFF);
        return p;
    }

    /** Logs frees of non-null blocks to {@link #streamLog} (off by default: the Cleaner frees at any moment). */
    volatile boolean logFrees;

    @Override public synchronized void free(long ptr, long bytes) {
        if (logFrees && ptr != 0) log("free " + ptr + " on " + computeStream());
        live -= bytes;
        if (reuse && ptr != 0) freeBlocks.computeIfAbsent(bytes, b -> new java.util.ArrayDeque<>()).push(ptr);
    }

    @Override public void memsetD8(long dst, byte value, long count) {
        var b = sim.view(dst, (int) count);
        for (int i = 0; i < count; i++) b.put(i, value);
    }

    @Override public void memsetD32(long dst, int value, long count) {
        var b = sim.view(dst, (int) count * 4);
        for (int i = 0; i < count; i++) b.putInt(4 * i, value);
    }

    @Override public void copyHtoD(long dst, MemorySegment src, long bytes) {
        hostToDeviceCopies++;
        MemorySegment.ofBuffer(sim.view(dst, (int) bytes)).copyFrom(src.asSlice(0, bytes));
    }

    @Override public void copyDtoH(MemorySegment dst, long src, long bytes) {
        dst.asSlice(0, bytes).copyFrom(MemorySegment.ofBuffer(sim.view(src, (int) bytes)));
    }

    @Override public void copyDtoD(long dst, long src, long bytes) {
        byte[] tmp = new byte[(int) bytes];
        sim.view(src, (int) bytes).get(0, tmp);
        sim.view(dst, (int) bytes).put(0, tmp);
    }

    long synchronizations; // host waits for the whole stream (a training step must make none)

    @Override public void synchronize() { synchronizations++; }

    @Override public synchronized MemorySegment staging(long bytes) {
        if (staging == null) staging = Arena.ofAuto().allocate(bytes, 64);
        return staging;
    }

    @Override public KernelLauncher launcher() {
        return new KernelLauncher() {
            @Override public int multiprocessors() { return 1; }

            @Override public void launch(String family, String entry, int grid, int block, List<Object> args) {
                launches++;
                sim.launch(entry, grid, block, args);
            }

            @Override public void launch(String family, String entry, int grid, int block, int sharedBytes, List<Object> args) {
                launches++;
                sim.launch(entry, grid, block, sharedBytes, args);
            }
        };
    }

    // The simulator runs everything at once, in call order: streams and events are tokens,
    // recorded so tests can check the staging protocol's order of calls.
    final List<String> streamLog = new java.util.ArrayList<>();
    private long nextHandle = 100;

    @Override public long computeStream() { return 1; }

    @Override public synchronized long newStream() { return nextHandle++; }

    @Override public MemorySegment pinned(long bytes) { return Arena.ofAuto().allocate(bytes, 64); }

    final List<MemorySegment> freedPinned = new java.util.ArrayList<>();

    @Override public synchronized void freePinned(MemorySegment block) { freedPinned.add(block); }

    @Override public long allocateOn(long stream, long bytes) { return allocate(bytes); }

    @Override public void copyHtoDOn(long stream, long dst, MemorySegment src, long bytes) {
        log("copy on " + stream);
        copyHtoD(dst, src, bytes);
    }

    @Override public synchronized long newEvent() { return nextHandle++; }

    @Override public void recordEvent(long event, long stream) { log("record " + event + " on " + stream); }

    @Override public void streamWaitEvent(long stream, long event) { log("wait " + event + " on " + stream); }

    @Override public void eventSynchronize(long event) { log("host waits " + event); }

    private void log(String s) { synchronized (streamLog) { streamLog.add(s); } }

    /** Mapped memory is simulator memory the host reads and writes through a view of it. */
    @Override public Mapped mapped(long bytes) {
        long p = sim.alloc(bytes);
        MemorySegment host = MemorySegment.ofBuffer(sim.view(p, (int) bytes));
        host.fill((byte) 0);
        return new Mapped(host, p);
    }

    long convs;

    /**
     * cuDNN's contract for one pass, executed by the CPU backend's convolution (the reference
     * the CPU tests already check against float64 loops): operands are read out of simulated
     * memory, the pass runs on the host, and the result is written back.
     */
    @Override public void conv(ConvGeometry g, Cudnn.Pass pass, long in0, long in1, long out, boolean tf32) {
        convs++;
        int[] xs = g.inputShape(), ws = g.weightShape(), ys = g.outputShape();
        var cpu = Backends.of(org.jgrad.tensor.Device.cpu());
        int[] a0, a1, o;
        switch (pass) {
            case FORWARD -> { a0 = xs; a1 = ws; o = ys; }
            case BACKWARD_DATA -> { a0 = ws; a1 = ys; o = xs; }
            default -> { a0 = xs; a1 = ys; o = ws; }
        }
        try (var t0 = org.jgrad.tensor.Tensor.fromArray(sim.getFloats(in0, numel(a0)), a0);
             var t1 = org.jgrad.tensor.Tensor.fromArray(sim.getFloats(in1, numel(a1)), a1);
             var r = org.jgrad.tensor.Tensor.zeros(o)) {
            switch (pass) {
                case FORWARD -> cpu.conv2dForward(t0.raw(), t1.raw(), r.raw(), g.stride(), g.pad(), g.dilation(), g.groups());
                case BACKWARD_DATA -> cpu.conv2dBackwardData(t1.raw(), t0.raw(), r.raw(), g.stride(), g.pad(), g.dilation(), g.groups());
                default -> cpu.conv2dBackwardFilter(t0.raw(), t1.raw(), r.raw(), g.stride(), g.pad(), g.dilation(), g.groups());
            }
            sim.putFloats(out, r.toFloatArray());
        }
    }

    @Override public int convPlanCount() { return 0; }

    private static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** cublasSgemm(StridedBatched) with alpha = 1, beta = 0, executed element by element. */
    @Override public void gemm(GemmMapping.Call c, long a, long b, long cPtr, boolean tf32) {
        gemms++;
        for (int p = 0; p < c.batch(); p++) {
            for (int j = 0; j < c.n(); j++) {
                for (int i = 0; i < c.m(); i++) {
                    float acc = 0;
                    for (int l = 0; l < c.k(); l++) {
                        long ai = c.transa() == Cublas.OP_N ? i + (long) l * c.lda() : l + (long) i * c.lda();
                        long bi = c.transb() == Cublas.OP_N ? l + (long) j * c.ldb() : j + (long) l * c.ldb();
                        acc += get(a + 4 * (p * c.strideA() + ai)) * get(b + 4 * (p * c.strideB() + bi));
                    }
                    sim.view(cPtr + 4 * (p * c.strideC() + i + (long) j * c.ldc()), 4).putFloat(0, acc);
                }
            }
        }
    }

    private float get(long address) { return sim.view(address, 4).getFloat(0); }

}
