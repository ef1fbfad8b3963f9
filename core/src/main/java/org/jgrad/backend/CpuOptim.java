package org.jgrad.backend;

/** The CPU implementations of {@link OptimPrimitives}, mixed into {@link CpuBackend}. */
interface CpuOptim extends OptimPrimitives {
}
