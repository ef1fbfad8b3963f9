package org.jgrad.backend;

/**
 * Metric primitives. Each method has a default that throws {@link UnsupportedOperationException}
 * naming the primitive and the backend, so a backend can be brought up family by family; the
 * CPU backend implements every one (see {@code CpuMetric}).
 */
public interface MetricPrimitives {
}
