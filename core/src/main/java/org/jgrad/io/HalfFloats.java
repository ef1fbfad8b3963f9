package org.jgrad.io;

import java.nio.ByteBuffer;

/**
 * The 16-bit float formats PyTorch saves (IEEE half "F16" and bfloat16 "BF16"), widened to
 * float32 on load. Both widen exactly: bfloat16 is the top half of a float32's bits, and every
 * half value is a float32 value.
 */
final class HalfFloats {
    private HalfFloats() {}

    static boolean isHalf(String safetensorsCode) { return "F16".equals(safetensorsCode) || "BF16".equals(safetensorsCode); }

    /** {@code count} little-endian 16-bit values from {@code data}'s position on, as float32. */
    static float[] toFloat32(String safetensorsCode, ByteBuffer data, int count) {
        boolean brain = "BF16".equals(safetensorsCode);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            short bits = data.getShort();
            out[i] = brain ? Float.intBitsToFloat((bits & 0xFFFF) << 16) : Float.float16ToFloat(bits);
        }
        return out;
    }
}
