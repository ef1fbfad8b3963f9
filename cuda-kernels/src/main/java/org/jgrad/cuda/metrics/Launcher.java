package org.jgrad.cuda.metrics;

/**
 * Launches one kernel of the metric PTX modules. Arguments are boxed in the order of the
 * kernel's {@code .param} list: {@link Long} for {@code .u64}, {@link Integer} for {@code .u32},
 * {@link Float} for {@code .f32}, {@link Double} for {@code .f64}. The CUDA backend implements
 * it over {@code cuLaunchKernel}; tests record the calls to check plans and the PTX signatures
 * without a GPU.
 */
@FunctionalInterface
public interface Launcher {
    void launch(String module, String kernel, int grid, int block, int sharedBytes, Object... args);
}
