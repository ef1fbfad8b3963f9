package org.jgrad.cuda;

import java.util.List;

/**
 * Where {@link Kernels} sends a launch: the driver on a GPU, or a PTX simulator in the CPU
 * tests. Arguments are in the kernel's .param order: Integer (.u32/.s32), Long (.u64),
 * Float (.f32), Double (.f64) or byte[] (a by-value .b8 array).
 */
interface KernelLauncher {
    /** SMs on the device, to size grid-stride launches. */
    int multiprocessors();

    void launch(String family, String entry, int grid, int block, List<Object> args);

    /** As above with {@code sharedBytes} of dynamic shared memory per block (the metric histograms). */
    default void launch(String family, String entry, int grid, int block, int sharedBytes, List<Object> args) {
        if (sharedBytes != 0) throw new UnsupportedOperationException(entry + ": this launcher has no dynamic shared memory");
        launch(family, entry, grid, block, args);
    }

    /** The real one: JIT-ed module functions, cuLaunchKernel on the context's stream. */
    static KernelLauncher of(CudaContext ctx) {
        return new KernelLauncher() {
            @Override
            public int multiprocessors() { return ctx.multiprocessors; }

            @Override
            public void launch(String family, String entry, int grid, int block, List<Object> args) {
                launch(family, entry, grid, block, 0, args);
            }

            @Override
            public void launch(String family, String entry, int grid, int block, int sharedBytes, List<Object> args) {
                ctx.makeCurrent();
                long fn = ctx.modules.function(family, entry);
                try (KernelArgs a = KernelArgs.of(entry, args)) {
                    ctx.driver.launch(entry, fn, grid, 1, 1, block, 1, 1, sharedBytes, ctx.stream, a.pointers());
                }
            }
        };
    }
}
