package org.jgrad.cuda;

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
    private MemorySegment staging;

    SimulatedRuntime(int memoryBytes) {
        sim = new PtxSimulator(memoryBytes);
        for (String family : PtxModules.ENTRIES.keySet()) sim.load(new String(PtxModules.readPtx(family), StandardCharsets.UTF_8));
    }

    @Override public String deviceName() { return "simulated PTX device"; }

    @Override public String architecture() { return "sm_80"; }

    @Override public long allocate(long bytes) {
        live += bytes;
        return bytes == 0 ? 0 : sim.alloc(bytes);
    }

    @Override public void free(long ptr, long bytes) { live -= bytes; }

    @Override public void memsetD8(long dst, byte value, long count) {
        var b = sim.view(dst, (int) count);
        for (int i = 0; i < count; i++) b.put(i, value);
    }

    @Override public void memsetD32(long dst, int value, long count) {
        var b = sim.view(dst, (int) count * 4);
        for (int i = 0; i < count; i++) b.putInt(4 * i, value);
    }

    @Override public void copyHtoD(long dst, MemorySegment src, long bytes) {
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

    @Override public void synchronize() {}

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

    /** Mapped memory is simulator memory the host reads and writes through a view of it. */
    @Override public Mapped mapped(long bytes) {
        long p = sim.alloc(bytes);
        MemorySegment host = MemorySegment.ofBuffer(sim.view(p, (int) bytes));
        host.fill((byte) 0);
        return new Mapped(host, p);
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
