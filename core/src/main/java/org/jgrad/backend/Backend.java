package org.jgrad.backend;

/**
 * Everything a device must do for jgrad. Families live in their own interfaces so they can be
 * brought up one at a time; core composes all higher-level ops from these primitives.
 */
public interface Backend extends TensorPrimitives, NnPrimitives, LossPrimitives, OptimPrimitives {

    /** Short name for messages: "cpu", "cuda:0 (NVIDIA H100 ...)". */
    String name();

    /** Bytes copied from this device to the host so far (0 on the CPU). Tests prove metrics copy only scalars. */
    default long deviceToHostBytes() { return 0; }

    /** Number of device-to-host copies so far (0 on the CPU). */
    default long deviceToHostCopies() { return 0; }

    /** Waits until all queued work on this device is done. */
    default void synchronize() {}

    /**
     * An optional fused family this backend offers ({@link MetricCounting}, ...), or empty when
     * the caller must compose the result from the required primitives. A backend offers a
     * family by implementing its interface.
     */
    default <T> java.util.Optional<T> capability(Class<T> family) {
        return family.isInstance(this) ? java.util.Optional.of(family.cast(this)) : java.util.Optional.empty();
    }

    /** Helper for the families' defaults. */
    static UnsupportedOperationException unsupported(String primitive, Object backend) {
        return new UnsupportedOperationException(primitive + " is not implemented on " + backend);
    }
}
