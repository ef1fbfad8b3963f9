package org.jgrad.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every product of dimensions is exact: a shape whose element count overflows is refused naming
 * the shape (65536^4 used to wrap to numel 0), and the limits on one tensor and on one CPU
 * storage give errors that say what was asked for.
 */
class ShapeOverflowTest {
    private static void assertRefused(Runnable r, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), e.getMessage());
    }

    @Test
    void elementCountsThatOverflowALongAreRefused() {
        assertRefused(() -> Tensor.zeros(65536, 65536, 65536, 65536), "[65536, 65536, 65536, 65536]", "overflows");
        assertRefused(() -> Shapes.numel(new int[]{65536, 65536, 65536, 65536}), "[65536, 65536, 65536, 65536]");
        assertRefused(() -> Tensor.empty(DType.UINT8, Device.cpu(), 0, 65536, 65536, 65536, 65536, 65536), "[0, 65536, 65536, 65536, 65536, 65536]", "overflow");
    }

    @Test
    void elementCountsBeyondTheTensorLimitAreRefused() {
        assertRefused(() -> Tensor.zeros(65536, 65536), "[65536, 65536]", "4294967296 elements", "2^31-1");
        assertRefused(() -> Tensor.ones(1, 1).expand(65536, 65536), "[65536, 65536]", "2^31-1");
        assertRefused(() -> Tensor.ones(1).reshape(-1, 65536, 65536, 65536, 65536, 65536), "overflows");
    }

    @Test
    void stridesOfAnEmptyShapeThatOverflowAreRefused() {
        assertRefused(() -> Tensor.zeros(0, 65536, 65536), "[0, 65536, 65536]", "strides");
        Tensor empty = Tensor.zeros(0, 65536, 1024);
        assertEquals(0, empty.numel());
    }

    @Test
    void aStorageBeyondTheJvmArrayLimitNamesElementsAndBytes() {
        // 2^31-1 elements pass the tensor limit, but no JVM allocates an array that long
        assertRefused(() -> Tensor.empty(DType.FLOAT32, Device.cpu(), Integer.MAX_VALUE),
                "2147483647 elements", "8589934588 bytes", "2147483639");
    }

    @Test
    void aStorageBeyondTheHeapNamesTheBytesInsteadOfAnOutOfMemoryError() {
        long n = Runtime.getRuntime().maxMemory() / 8 + 1; // FLOAT64: more bytes than the heap may ever hold
        assumeTrue(n <= Integer.MAX_VALUE - 8, "the heap is larger than the largest array");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Tensor.empty(DType.FLOAT64, Device.cpu(), (int) n));
        assertTrue(e.getMessage().contains(n * 8 + " bytes") && e.getMessage().contains("-Xmx"), e.getMessage());
    }
}
