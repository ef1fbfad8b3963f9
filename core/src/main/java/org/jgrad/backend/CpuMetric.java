package org.jgrad.backend;

/** The CPU implementations of {@link MetricPrimitives}, mixed into {@link CpuBackend}. */
interface CpuMetric extends MetricPrimitives {
}
