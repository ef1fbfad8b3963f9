package org.jgrad.backend;

/** The CPU implementations of {@link NnPrimitives}, mixed into {@link CpuBackend}. */
interface CpuNn extends NnPrimitives {
}
