package org.jgrad.cuda;

import org.jgrad.backend.CpuStorage;
import org.jgrad.tensor.View;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Moves DataLoader batches to the GPU on the worker threads, overlapping the training step
 * (the backend's {@link org.jgrad.backend.AsyncUpload}): each batch is written into a slot of a ring of pinned host blocks, copied asynchronously on a
 * copy stream into memory allocated for that stream, and an event is recorded after the copy.
 * The batch's storages carry that event; the first primitive that uses one makes the compute
 * stream wait for it on the device ({@link DeviceMemory#awaitStaged}, a {@code cuStreamWaitEvent}), so the host never waits for a
 * copy and the copy of batch k+1 runs while step k computes.
 *
 * <p>A slot's host block is written again only after the event of its previous copy has
 * completed (the only host wait, and by then the copy is long done with a ring this deep).
 */
final class CudaBatchStager {
    static final int SLOTS = 8;
    private static final long ALIGN = 256;

    private final DeviceMemory memory;
    private final DeviceRuntime rt;
    private final long copyStream;
    private final Slot[] slots = new Slot[SLOTS];
    private final AtomicInteger next = new AtomicInteger();

    private static final class Slot {
        MemorySegment host;
        long event;
        boolean pending;
    }

    CudaBatchStager(DeviceMemory memory, DeviceRuntime rt) {
        this.memory = memory;
        this.rt = rt;
        this.copyStream = rt.newStream();
        for (int i = 0; i < SLOTS; i++) slots[i] = new Slot();
    }

    /** Copies the host views as one group into fresh device buffers, each carrying the group's ready event. */
    CudaStorage[] upload(View... hostViews) {
        for (int i = 0; i < hostViews.length; i++) {
            View v = hostViews[i];
            if (!(v.storage() instanceof CpuStorage) || !v.isContiguous()) {
                throw new IllegalArgumentException("CudaBatchStager: buffer " + i + " must be a contiguous host view, got " + v);
            }
        }
        Slot slot = slots[Math.floorMod(next.getAndIncrement(), SLOTS)];
        CudaStorage[] out = new CudaStorage[hostViews.length];
        synchronized (slot) {
            if (slot.pending) rt.eventSynchronize(slot.event); // its last copy has read the block
            long[] offsets = new long[hostViews.length];
            long total = 0;
            for (int i = 0; i < hostViews.length; i++) {
                offsets[i] = (total + ALIGN - 1) / ALIGN * ALIGN;
                total = offsets[i] + hostViews[i].numel() * (long) hostViews[i].dtype().byteSize();
            }
            if (slot.host == null || slot.host.byteSize() < total) {
                // grows (to the largest batch seen); the old block's last copy is done (waited above)
                if (slot.host != null) rt.freePinned(slot.host);
                slot.host = rt.pinned(Math.max(total, 1));
            }
            if (slot.event == 0) slot.event = rt.newEvent();
            for (int i = 0; i < hostViews.length; i++) out[i] = copyAsync(hostViews[i], slot.host, offsets[i]);
            rt.recordEvent(slot.event, copyStream);
            slot.pending = true;
            for (CudaStorage d : out) d.readyEvent = slot.event;
        }
        return out;
    }

    /** Writes the elements of t (contiguous, on the host) into the pinned block at {@code offset} and queues their copy to fresh device memory. */
    private CudaStorage copyAsync(View t, MemorySegment host, long offset) {
        int n = t.numel();
        CudaStorage d = memory.allocateOn(copyStream, t.dtype(), n);
        if (n > 0) {
            CpuStorage cs = (CpuStorage) t.storage();
            HostArrays.copyIn(cs.array(), t.offset(), host.asSlice(offset), HostArrays.layout(t.dtype()), n);
            rt.copyHtoDOn(copyStream, d.pointer(), host.asSlice(offset), (long) n * t.dtype().byteSize());
        }
        return d;
    }
}
