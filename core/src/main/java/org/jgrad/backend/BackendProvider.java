package org.jgrad.backend;

import org.jgrad.tensor.Device;

/**
 * Service-provider hook (java.util.ServiceLoader) through which a backend module (jgrad-cuda,
 * ...) plugs its device type into core without core knowing anything of it. Found by
 * {@link Backends}.
 */
public interface BackendProvider {
    /** The device type this provider serves, lower case, as in {@link Device#type()}: "cuda", ... */
    String type();

    /**
     * Creates (or returns the cached) backend for device {@code index}.
     *
     * @throws IllegalStateException naming every library looked for and where, when unusable
     */
    Backend create(int index);
}
