package org.jgrad.distributed;

import org.jgrad.tensor.Device;
import org.jgrad.tensor.View;

import java.time.Duration;
import java.util.List;

/**
 * A collective engine on one device's memory (NCCL for CUDA), seen as the backend layer sees
 * data: plain {@link View}s, already checked (open, on {@link #device()}, contiguous,
 * FLOAT32/FLOAT64/INT64, not empty). {@link DeviceProcessGroup} turns it into a
 * {@link ProcessGroup} of tensors, so an engine in a device module never handles a Tensor.
 * Engine failures are thrown as {@link DistributedException}s naming the rank.
 */
public interface DeviceCollectives extends AutoCloseable {

    /** A collective in flight. */
    interface Pending {
        /** Waits for it; throws after {@link DeviceCollectives#timeout()} or on an engine error. */
        void await();

        boolean isDone();
    }

    int rank();

    int worldSize();

    Duration timeout();

    /** The device whose memory the collectives read and write. */
    Device device();

    /** The engine's name in messages, e.g. "NCCL". */
    String engineName();

    /** All-reduces the views in place, in one launch where the engine can group them. */
    Pending allReduce(List<View> views, ReduceOp op);

    Pending broadcast(View view, int root);

    /** Writes every rank's {@code input} into {@code output} ([world size, input's shape]), in rank order. */
    Pending allGather(View output, View input);

    /** Waits for pending collectives and frees the engine. */
    @Override
    void close();
}
