package org.jgrad.cuda;

import java.lang.foreign.ValueLayout;

/**
 * Where kernels report bad input without a device-to-host copy: three 64-bit words of mapped
 * host memory, {code, value, aux}. A kernel that finds, say, a class index out of range claims
 * the block with {@code atom.global.cas.b32 [err], 0, CODE} and, when it won (the old word was
 * 0), stores the offending value at {@code [err+8]} and context (e.g. the class count) at
 * {@code [err+16]}; the first error wins. The host reads the block only after the stream has
 * synchronised (the kernels' writes are complete then), so checking costs no copy and no extra
 * wait: errors surface at the next {@code toHost}/{@code item()}/{@code synchronize}, as
 * asynchronous CUDA errors do, with a message naming the value.
 */
final class DeviceErrors {
    static final long BYTES = 24;
    private final DeviceRuntime rt;
    private volatile DeviceRuntime.Mapped block; // allocated when a kernel first needs it

    DeviceErrors(DeviceRuntime rt) {
        this.rt = rt;
    }

    /** The device address to pass as a kernel's {@code u64 err} parameter. */
    long address() {
        DeviceRuntime.Mapped b = block;
        if (b == null) {
            synchronized (this) {
                if (block == null) block = rt.mapped(BYTES);
                b = block;
            }
        }
        return b.device();
    }

    /**
     * Throws the first recorded error, if any, and clears the block so later calls start clean.
     * Call only after the stream has synchronised.
     */
    void check() {
        DeviceRuntime.Mapped block = this.block;
        if (block == null) return; // no kernel was ever given the block
        int code = block.host().get(ValueLayout.JAVA_INT_UNALIGNED, 0);
        if (code == 0) return;
        long value = block.host().get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
        long aux = block.host().get(ValueLayout.JAVA_LONG_UNALIGNED, 16);
        block.host().fill((byte) 0);
        DeviceErrorCode c = DeviceErrorCode.of(code);
        String where = " (found by a kernel; reported at the next synchronising call)";
        if (c == null) throw new IllegalStateException("a kernel reported unknown error code " + code + " (value " + value + ", aux " + aux + ")" + where);
        throw new IndexOutOfBoundsException(c.message(value, aux) + where);
    }
}
