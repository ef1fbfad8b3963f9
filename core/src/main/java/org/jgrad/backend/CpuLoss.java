package org.jgrad.backend;

/** The CPU implementations of {@link LossPrimitives}, mixed into {@link CpuBackend}. */
interface CpuLoss extends LossPrimitives {
}
