package org.jgrad.cuda;

import org.jgrad.backend.CpuStorage;
import org.jgrad.data.Batch;
import org.jgrad.data.BatchStager;
import org.jgrad.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Moves DataLoader batches to the GPU on the worker threads, overlapping the training step:
 * each batch is written into a slot of a ring of pinned host blocks, copied asynchronously on a
 * copy stream into memory allocated for that stream, and an event is recorded after the copy.
 * The batch's storages carry that event; the first primitive that uses one makes the compute
 * stream wait for it on the device ({@code cuStreamWaitEvent}), so the host never waits for a
 * copy and the copy of batch k+1 runs while step k computes.
 *
 * <p>A slot's host block is written again only after the event of its previous copy has
 * completed (the only host wait, and by then the copy is long done with a ring this deep).
 */
final class CudaBatchStager implements BatchStager {
    static final int SLOTS = 8;
    private static final long ALIGN = 256;

    private final CudaBackend backend;
    private final DeviceRuntime rt;
    private final long copyStream;
    private final Slot[] slots = new Slot[SLOTS];
    private final AtomicInteger next = new AtomicInteger();

    private static final class Slot {
        MemorySegment host;
        long event;
        boolean pending;
    }

    CudaBatchStager(CudaBackend backend, DeviceRuntime rt) {
        this.backend = backend;
        this.rt = rt;
        this.copyStream = rt.newStream();
        for (int i = 0; i < SLOTS; i++) slots[i] = new Slot();
    }

    @Override
    public Batch stage(Batch batch) {
        Tensor in = batch.inputs(), target = batch.targets();
        if (!in.device().isCpu() || !target.device().isCpu()) {
            throw new IllegalArgumentException("CudaBatchStager: batch " + batch.index() + " must arrive on the host, got inputs on "
                    + in.device() + " and targets on " + target.device());
        }
        Slot slot = slots[Math.floorMod(next.getAndIncrement(), SLOTS)];
        Tensor dIn, dTarget;
        synchronized (slot) {
            if (slot.pending) rt.eventSynchronize(slot.event); // its last copy has read the block
            long inBytes = in.numel() * (long) in.dtype().byteSize();
            long tOffset = (inBytes + ALIGN - 1) / ALIGN * ALIGN;
            long total = tOffset + target.numel() * (long) target.dtype().byteSize();
            if (slot.host == null || slot.host.byteSize() < total) {
                // grows (to the largest batch seen); the old block's last copy is done (waited above)
                if (slot.host != null) rt.freePinned(slot.host);
                slot.host = rt.pinned(Math.max(total, 1));
            }
            if (slot.event == 0) slot.event = rt.newEvent();
            dIn = copyAsync(in, slot.host, 0);
            dTarget = copyAsync(target, slot.host, tOffset);
            rt.recordEvent(slot.event, copyStream);
            slot.pending = true;
            ((CudaStorage) dIn.storage()).readyEvent = slot.event;
            ((CudaStorage) dTarget.storage()).readyEvent = slot.event;
        }
        Batch moved = batch.withTensors(dIn, dTarget);
        batch.close();
        return moved;
    }

    /** Writes t's elements into the pinned block at {@code offset} and queues their copy to fresh device memory. */
    private Tensor copyAsync(Tensor t, MemorySegment host, long offset) {
        int n = t.numel();
        CudaStorage d = backend.allocateRawOn(copyStream, t.dtype(), n);
        if (n > 0) {
            Tensor dense = t.contiguous();
            try {
                CpuStorage cs = (CpuStorage) dense.storage();
                HostArrays.copyIn(cs.array(), dense.offset(), host.asSlice(offset), HostArrays.layout(t.dtype()), n);
            } finally {
                if (dense != t) dense.close();
            }
            rt.copyHtoDOn(copyStream, d.pointer(), host.asSlice(offset), (long) n * t.dtype().byteSize());
        }
        return new Tensor(d, t.shape());
    }
}
