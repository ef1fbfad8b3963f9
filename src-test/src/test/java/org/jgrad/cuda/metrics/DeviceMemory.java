package org.jgrad.cuda.metrics;

import org.jgrad.tensor.DType;

/**
 * A flat host stand-in for device memory in the kernel models: one array at a fake base
 * address, read by byte address as the PTX does, failing on a misaligned or out-of-bounds read
 * and marking which elements were read.
 */
final class DeviceMemory {
    final long base;
    final DType dtype;
    final Object array;
    final int[] reads;

    DeviceMemory(long base, DType dtype, Object array, int length) {
        this.base = base;
        this.dtype = dtype;
        this.array = array;
        this.reads = new int[length];
    }

    int index(long addr, int alignment) {
        if (addr % alignment != 0) throw new AssertionError("misaligned " + alignment + "-byte access at " + addr + " (" + dtype + ")");
        long i = (addr - base) / dtype.byteSize();
        if (addr < base || (addr - base) % dtype.byteSize() != 0 || i >= reads.length) {
            throw new AssertionError("out-of-bounds access at " + addr + " in " + dtype + "[" + reads.length + "] based at " + base);
        }
        reads[(int) i]++;
        return (int) i;
    }

    float f32(long addr, int alignment) { return ((float[]) array)[index(addr, alignment)]; }

    /** The raw bits of an element as the kernel's register would hold them: u8 zero-extended, s32 as u32, s64, f32 bits. */
    long bits(long addr, int alignment) {
        int i = index(addr, alignment);
        return switch (dtype) {
            case UINT8 -> ((byte[]) array)[i] & 0xFF;
            case INT32 -> ((int[]) array)[i] & 0xFFFFFFFFL;
            case INT64 -> ((long[]) array)[i];
            case FLOAT32 -> Float.floatToRawIntBits(((float[]) array)[i]) & 0xFFFFFFFFL;
            default -> throw new AssertionError(dtype);
        };
    }
}
