package org.jgrad.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds cuLaunchKernel's {@code void* kernelParams[]}: each argument's bytes in a confined
 * arena, and an array of pointers to them, in the order of the kernel's .param list. The
 * driver copies the values at launch, so the arena can close right after.
 */
final class KernelArgs implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private final List<MemorySegment> values = new ArrayList<>();

    KernelArgs u32(int v) {
        MemorySegment s = arena.allocate(Native.INT);
        s.set(Native.INT, 0, v);
        values.add(s);
        return this;
    }

    KernelArgs u64(long v) {
        MemorySegment s = arena.allocate(Native.LONG);
        s.set(Native.LONG, 0, v);
        values.add(s);
        return this;
    }

    KernelArgs f32(float v) {
        MemorySegment s = arena.allocate(Native.FLOAT);
        s.set(Native.FLOAT, 0, v);
        values.add(s);
        return this;
    }

    KernelArgs f64(double v) {
        MemorySegment s = arena.allocate(Native.DOUBLE);
        s.set(Native.DOUBLE, 0, v);
        values.add(s);
        return this;
    }

    /** A by-value byte array parameter (the strided metadata block). */
    KernelArgs bytes(byte[] v) {
        MemorySegment s = arena.allocate(v.length, 8);
        MemorySegment.copy(v, 0, s, Native.BYTE, 0, v.length);
        values.add(s);
        return this;
    }

    /** The arguments of a launch, in .param order: Integer (.u32/.s32), Long (.u64), Float (.f32), Double (.f64), byte[] (.b8 array). */
    static KernelArgs of(String entry, List<Object> args) {
        KernelArgs a = new KernelArgs();
        for (Object o : args) {
            switch (o) {
                case Integer i -> a.u32(i);
                case Long l -> a.u64(l);
                case Float f -> a.f32(f);
                case Double d -> a.f64(d);
                case byte[] b -> a.bytes(b);
                default -> {
                    a.close();
                    throw new IllegalArgumentException("kernel argument of type " + o.getClass() + " for " + entry);
                }
            }
        }
        return a;
    }

    MemorySegment pointers() {
        MemorySegment p = arena.allocate(Native.PTR, values.size());
        for (int i = 0; i < values.size(); i++) p.setAtIndex(Native.PTR, i, values.get(i));
        return p;
    }

    int count() { return values.size(); }

    @Override
    public void close() { arena.close(); }
}
