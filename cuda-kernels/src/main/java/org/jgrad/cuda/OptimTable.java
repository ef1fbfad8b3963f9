package org.jgrad.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where the fused optimizer launches get their parameter tables (optim.ptx's 64-byte entries)
 * without a host wait or a device-to-host copy.
 *
 * <p>The table changes every step (gradients are new tensors after {@code zeroGrad}, and Adam's
 * bias corrections follow the step counts), so it is written into one of {@link #SLOTS} slots of
 * a ring of pinned, device-mapped host memory and copied asynchronously, on the backend's stream,
 * into one device table that the kernel reads. Stream order makes the single device table safe
 * (a step's copy runs after the previous step's kernel). A host slot must not be rewritten while
 * its copy may still be pending: each kernel stores its sequence number into a mapped word when
 * it starts, which proves the copy queued before it has completed. A slot is reused {@code SLOTS}
 * calls later; only if the GPU is that far behind does the host wait for the stream (a wait, not
 * a copy). Growing the ring leaves the old one allocated (mapped blocks live as long as the
 * runtime): at most the final size again, as the capacity doubles.
 */
final class OptimTable {
    static final int ENTRY_BYTES = 64;
    static final int SLOTS = 8;

    private final DeviceRuntime rt;
    private final DeviceRuntime.Mapped done;
    private DeviceRuntime.Mapped ring;
    private int slotEntries;
    private long ringFirstSeq;
    private long seq;
    private long table;
    private long tableBytes;
    private long waits;

    OptimTable(DeviceRuntime rt) {
        this.rt = rt;
        this.done = rt.mapped(8);
    }

    /** A staged table: the host slot to fill, its sequence number for the kernel's p_seq. */
    record Staged(MemorySegment host, long seq, int entries) {}

    /** Reserves the next slot for a table of {@code entries} parameters; fill {@code host()}, then {@link #upload}. */
    synchronized Staged next(int entries) {
        if (entries <= 0) throw new IllegalArgumentException("a parameter table needs at least one entry, got " + entries);
        if (ring == null || entries > slotEntries) {
            int cap = Math.max(64, ring == null ? 0 : slotEntries * 2);
            while (cap < entries) cap *= 2;
            ring = rt.mapped((long) SLOTS * cap * ENTRY_BYTES);
            slotEntries = cap;
            ringFirstSeq = seq + 1; // slots of a fresh ring have no copy pending
        }
        long q = ++seq;
        long previousUse = q - SLOTS;
        if (previousUse >= ringFirstSeq && completed() < previousUse) {
            rt.synchronize();
            waits++;
        }
        long slotBytes = (long) slotEntries * ENTRY_BYTES;
        MemorySegment host = ring.host().asSlice((q % SLOTS) * slotBytes, (long) entries * ENTRY_BYTES);
        host.fill((byte) 0);
        return new Staged(host, q, entries);
    }

    /** Queues the copy of a filled slot into the device table; returns the table's device address. */
    synchronized long upload(Staged s) {
        long bytes = (long) s.entries() * ENTRY_BYTES;
        if (bytes > tableBytes) {
            if (table != 0) rt.free(table, tableBytes); // stream-ordered: after the kernels that read it
            long cap = Math.max(bytes, 2 * tableBytes);
            table = rt.allocate(cap);
            tableBytes = cap;
        }
        rt.copyHtoD(table, s.host(), bytes);
        return table;
    }

    /** Device address of the word each kernel sets to its sequence number. */
    long doneAddress() { return done.device(); }

    /** The highest sequence number whose kernel has started (as far as the host can see yet). */
    long completed() { return done.host().get(ValueLayout.JAVA_LONG_UNALIGNED, 0); }

    /** How often the ring was full and the host waited for the stream (tests, diagnostics). */
    synchronized long waits() { return waits; }
}
