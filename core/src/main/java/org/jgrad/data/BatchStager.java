package org.jgrad.data;

import org.jgrad.tensor.Device;

import java.util.ServiceLoader;

/**
 * The last step of building a batch, on the worker thread: where the CUDA backend copies the
 * collated host tensors into pinned (page-locked) staging memory and starts the host-to-device
 * copy, so the training thread receives tensors already on the GPU. The CPU needs nothing.
 *
 * <p>A backend supplies one through {@link Provider} ({@link ServiceLoader}); without one, a
 * non-CPU target falls back to a plain {@code Tensor.to(device)} on the worker thread.
 */
@FunctionalInterface
public interface BatchStager {
    /** Returns the batch to hand to the consumer; must close the tensors it replaces. */
    Batch stage(Batch batch);

    /** Leaves batches on the host. */
    BatchStager NONE = b -> b;

    /** Implemented by device backends (e.g. jgrad-cuda), found with {@link ServiceLoader}. */
    interface Provider {
        /** A stager for {@code device}, or null when this provider does not serve it. */
        BatchStager forDevice(Device device);
    }

    /** The stager for batches bound to {@code device}: none for the CPU, a backend's if one is registered, else a plain copy. */
    static BatchStager forDevice(Device device) {
        if (device == null) throw new IllegalArgumentException("BatchStager.forDevice: device must not be null");
        if (device.isCpu()) return NONE;
        for (Provider p : ServiceLoader.load(Provider.class)) {
            BatchStager s = p.forDevice(device);
            if (s != null) return s;
        }
        return b -> {
            Batch moved = b.withTensors(b.inputs().to(device), b.targets().to(device));
            b.close();
            return moved;
        };
    }
}
