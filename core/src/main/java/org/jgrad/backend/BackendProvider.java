package org.jgrad.backend;

import org.jgrad.tensor.Device;

/**
 * Service-provider hook (java.util.ServiceLoader) through which jgrad-cuda plugs a backend
 * into core without core knowing anything of CUDA.
 */
public interface BackendProvider {
    Device.Type type();

    /**
     * Creates (or returns the cached) backend for device {@code index}.
     *
     * @throws IllegalStateException naming every library looked for and where, when unusable
     */
    Backend create(int index);
}
