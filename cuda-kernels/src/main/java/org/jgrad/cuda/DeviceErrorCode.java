package org.jgrad.cuda;

/**
 * Errors a kernel can find in its input but cannot throw: the kernel records the first one in
 * the backend's {@link DeviceErrors} block as (code, value, aux), and the backend throws this
 * code's exception at the next synchronising call. The numbers are the kernels' {@code CODE}
 * immediates; never renumber one.
 */
enum DeviceErrorCode {
    CROSS_ENTROPY_TARGET(1, "cross_entropy: target %d is out of bounds for %d classes (valid 0..C-1, or ignore_index)"),
    GATHER_INDEX(2, "gather: index %d is out of range for a dimension of size %d"),
    SCATTER_ADD_INDEX(3, "scatterAdd: index %d is out of range for a dimension of size %d");

    final int code;
    private final String format;

    DeviceErrorCode(int code, String format) {
        this.code = code;
        this.format = format;
    }

    /** The message for a recorded (value, aux) pair. */
    String message(long value, long aux) { return String.format(format, value, aux); }

    static DeviceErrorCode of(int code) {
        for (DeviceErrorCode c : values()) if (c.code == code) return c;
        return null;
    }
}
