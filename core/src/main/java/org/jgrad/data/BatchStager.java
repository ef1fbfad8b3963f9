package org.jgrad.data;

import org.jgrad.backend.AsyncUpload;
import org.jgrad.backend.Backends;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Storage;
import org.jgrad.tensor.Tensor;


/**
 * The last step of building a batch, on the worker thread: where the CUDA backend copies the
 * collated host tensors into pinned (page-locked) staging memory and starts the host-to-device
 * copy, so the training thread receives tensors already on the GPU. The CPU needs nothing.
 *
 * <p>A backend offers one through the {@link AsyncUpload} capability; without it, a non-CPU
 * target falls back to a plain {@code Tensor.to(device)} on the worker thread.
 */
@FunctionalInterface
public interface BatchStager {
    /** Returns the batch to hand to the consumer; must close the tensors it replaces. */
    Batch stage(Batch batch);

    /** Leaves batches on the host. */
    BatchStager NONE = b -> b;

    /**
     * The stager for batches bound to {@code device}: none for the CPU, the backend's
     * asynchronous upload where it offers one ({@link AsyncUpload}), else a plain copy.
     */
    static BatchStager forDevice(Device device) {
        if (device == null) throw new IllegalArgumentException("BatchStager.forDevice: device must not be null");
        if (device.isCpu()) return NONE;
        var upload = Backends.of(device).capability(AsyncUpload.class);
        if (upload.isPresent()) return uploading(upload.get());
        return b -> {
            Batch moved = b.withTensors(b.inputs().to(device), b.targets().to(device));
            b.close();
            return moved;
        };
    }

    /**
     * A stager over a backend's asynchronous upload: the batch's host tensors (made contiguous)
     * are copied as one group; the consumer receives tensors over the device buffers.
     */
    static BatchStager uploading(AsyncUpload upload) {
        return b -> {
            Tensor in = b.inputs(), target = b.targets();
            if (!in.device().isCpu() || !target.device().isCpu()) {
                throw new IllegalArgumentException("BatchStager: batch " + b.index() + " must arrive on the host, got inputs on "
                        + in.device() + " and targets on " + target.device());
            }
            Tensor inDense = in.contiguous(), targetDense = target.contiguous();
            Storage[] onDevice;
            try {
                onDevice = upload.uploadAsync(inDense.raw(), targetDense.raw());
            } finally {
                if (inDense != in) inDense.close();
                if (targetDense != target) targetDense.close();
            }
            Batch moved = b.withTensors(new Tensor(onDevice[0], in.shape()), new Tensor(onDevice[1], target.shape()));
            b.close();
            return moved;
        };
    }
}
