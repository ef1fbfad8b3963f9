package org.jgrad.cuda;

import org.jgrad.data.BatchStager;
import org.jgrad.tensor.Device;

/** Gives the DataLoader the pinned, copy-stream stager for CUDA devices (found through ServiceLoader). */
public final class CudaBatchStagerProvider implements BatchStager.Provider {
    @Override
    public BatchStager forDevice(Device device) {
        if (device == null || !device.isCuda()) return null;
        return device.backend() instanceof CudaBackend b ? b.batchStager() : null;
    }
}
