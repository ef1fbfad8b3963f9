package org.jgrad.cuda;

import org.jgrad.cuda.metrics.CudaMetrics;
import org.jgrad.cuda.metrics.Launcher;
import org.jgrad.cuda.metrics.MetricDevice;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Connects the metric launchers ({@link CudaMetrics}) to a {@link CudaBackend}: kernels from
 * the seg_stats and confusion PTX modules launched on the backend's stream, tensor addresses,
 * a reusable scratch buffer for the score kernels, device-to-device copies. Kept out of
 * CudaBackend so that class only delegates.
 */
final class CudaMetricDevice implements MetricDevice {
    private final CudaBackend backend;
    private final CudaContext ctx;
    private long scratch;
    private long scratchBytes;

    CudaMetricDevice(CudaBackend backend, CudaContext ctx) {
        this.backend = backend;
        this.ctx = ctx;
    }

    @Override
    public Launcher launcher() {
        return (module, kernel, grid, block, sharedBytes, args) -> {
            ctx.makeCurrent();
            long fn = ctx.modules.function(module, kernel);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment ptrs = a.allocate(ValueLayout.ADDRESS, args.length);
                for (int i = 0; i < args.length; i++) {
                    MemorySegment v = switch (args[i]) {
                        case Integer x -> a.allocateFrom(ValueLayout.JAVA_INT, x);
                        case Long x -> a.allocateFrom(ValueLayout.JAVA_LONG, x);
                        case Float x -> a.allocateFrom(ValueLayout.JAVA_FLOAT, x);
                        case Double x -> a.allocateFrom(ValueLayout.JAVA_DOUBLE, x);
                        default -> throw new IllegalArgumentException("kernel argument " + i + " of " + kernel + " has type " + args[i].getClass());
                    };
                    ptrs.setAtIndex(ValueLayout.ADDRESS, i, v);
                }
                ctx.driver.launch(kernel, fn, grid, 1, 1, block, 1, 1, sharedBytes, ctx.stream, ptrs);
            }
        };
    }

    @Override
    public long address(Tensor t) {
        backend.storage("tensor", t);
        return backend.address(t);
    }

    @Override
    public int multiprocessors() { return ctx.multiprocessors; }

    /** One buffer, grown when asked for more; reuse is safe because every use is ordered on the one stream. */
    @Override
    public synchronized long scratch(long bytes) {
        if (bytes > scratchBytes) {
            if (scratch != 0) ctx.allocator.free(scratch, scratchBytes);
            scratch = ctx.allocator.allocate(bytes);
            scratchBytes = bytes;
        }
        return scratch;
    }

    @Override
    public void copyDeviceToDevice(long dst, long src, long bytes) {
        ctx.makeCurrent();
        ctx.driver.memcpyDtoDAsync(dst, src, bytes, ctx.stream);
    }

    @Override
    public void copyHostToDevice(double[] src, long dst) {
        try (Tensor h = new Tensor(backend.fromHost(src, DType.FLOAT64), src.length)) {
            copyDeviceToDevice(dst, backend.address(h), 8L * src.length);
            ctx.synchronize(); // h's memory goes back to the pool when this returns
        }
    }

    @Override
    public Tensor contiguous(Tensor t) { return backend.dense(t); }

    @Override
    public void upload(double[] values, Tensor out) { copyHostToDevice(values, address(out)); }
}
