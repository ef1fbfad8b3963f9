package org.jgrad.cuda;

import org.jgrad.backend.Backend;
import org.jgrad.backend.BackendProvider;
import org.jgrad.tensor.Device;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plugs the CUDA backend into core through {@link java.util.ServiceLoader}
 * (META-INF/services/org.jgrad.backend.BackendProvider). One backend per device index,
 * created on first use; a failure is remembered so the (slow) library search is not redone.
 */
public final class CudaBackendProvider implements BackendProvider {
    private static final Map<Integer, CudaBackend> BACKENDS = new ConcurrentHashMap<>();
    private static final Map<Integer, IllegalStateException> FAILURES = new ConcurrentHashMap<>();

    /**
     * Puts a backend in place for {@code index} before anyone asks for that device: the CPU
     * tests install one over a simulated runtime, so {@code Backends.of(Device.cuda(index))} and everything
     * above it (tensors, modules, optimizers, the DataLoader) run on the simulated GPU. Refused
     * once the index has a backend.
     */
    static void install(int index, CudaBackend backend) {
        synchronized (CudaBackendProvider.class) {
            if (BACKENDS.containsKey(index) || FAILURES.containsKey(index)) {
                throw new IllegalStateException("cuda:" + index + " already has a backend");
            }
            BACKENDS.put(index, backend);
        }
    }

    @Override
    public String type() { return Device.CUDA_TYPE; }

    @Override
    public Backend create(int index) {
        if (index < 0) throw new IllegalArgumentException("CUDA device index must be >= 0, got " + index);
        CudaBackend b = BACKENDS.get(index);
        if (b != null) return b;
        synchronized (CudaBackendProvider.class) {
            b = BACKENDS.get(index);
            if (b != null) return b;
            IllegalStateException failed = FAILURES.get(index);
            if (failed != null) throw new IllegalStateException(failed.getMessage(), failed);
            try {
                b = new CudaBackend(index, CudaContext.open(index));
            } catch (IllegalStateException e) {
                FAILURES.put(index, e);
                throw e;
            } catch (RuntimeException | LinkageError e) {
                IllegalStateException ise = new IllegalStateException("Device.cuda(" + index + ") is unavailable: " + e, e);
                FAILURES.put(index, ise);
                throw ise;
            }
            BACKENDS.put(index, b);
            return b;
        }
    }
}
