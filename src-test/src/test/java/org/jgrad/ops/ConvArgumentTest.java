package org.jgrad.ops;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad arguments are rejected with messages that name the argument and its value. */
class ConvArgumentTest {
    private static final int[] ONE = {1}, ZERO = {0};

    private static void rejects(String expectedFragment, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expectedFragment), "message '" + e.getMessage() + "' lacks '" + expectedFragment + "'");
    }

    @Test
    void conv2dArguments() {
        Tensor x = Tensor.zeros(2, 4, 5, 5), w = Tensor.zeros(6, 2, 3, 3);
        rejects("rank 4", () -> Convolution.conv2d(Tensor.zeros(4, 5, 5), w, null, ONE, ZERO, ONE, 2));
        rejects("[4, 5, 5]", () -> Convolution.conv2d(Tensor.zeros(4, 5, 5), w, null, ONE, ZERO, ONE, 2));
        rejects("expects input with 2 channels", () -> Convolution.conv2d(x, w, null, ONE, ZERO, ONE, 1));
        rejects("divisible by groups=3", () -> Convolution.conv2d(x, w, null, ONE, ZERO, ONE, 3));
        rejects("padding must be non-negative, got [-1]", () -> Convolution.conv2d(x, w, null, ONE, new int[]{-1}, ONE, 2));
        rejects("stride must be >= 1, got [0, 1]", () -> Convolution.conv2d(x, w, null, new int[]{0, 1}, ZERO, ONE, 2));
        rejects("larger than the padded input", () -> Convolution.conv2d(Tensor.zeros(1, 4, 2, 2), w, null, ONE, ZERO, ONE, 2));
        rejects("dilated 7", () -> Convolution.conv2d(x, w, null, ONE, ZERO, new int[]{3}, 2));
        rejects("FLOAT64", () -> Convolution.conv2d(x, Tensor.zeros(DType.FLOAT64, Device.cpu(), 6, 2, 3, 3), null, ONE, ZERO, ONE, 2));
        rejects("bias of shape [6], got [5]", () -> Convolution.conv2d(x, w, Tensor.zeros(5), ONE, ZERO, ONE, 2));
        rejects("floating-point input", () -> Convolution.conv2d(Tensor.zeros(DType.INT32, Device.cpu(), 2, 4, 5, 5),
                Tensor.zeros(DType.INT32, Device.cpu(), 6, 2, 3, 3), null, ONE, ZERO, ONE, 2));
    }

    @Test
    void convTranspose2dArguments() {
        Tensor x = Tensor.zeros(1, 4, 3, 3), w = Tensor.zeros(4, 2, 3, 3);
        rejects("output padding must be smaller than either stride or dilation",
                () -> Convolution.convTranspose2d(x, w, null, new int[]{2}, ZERO, new int[]{2}, ONE, 1));
        rejects("expects input with 4 channels", () -> Convolution.convTranspose2d(Tensor.zeros(1, 3, 3, 3), w, null, ONE, ZERO, ZERO, ONE, 1));
        rejects("non-positive output size", () -> Convolution.convTranspose2d(Tensor.zeros(1, 4, 1, 1), w, null, ONE, new int[]{2}, ZERO, ONE, 1));
    }

    @Test
    void poolingAndUpsampleArguments() {
        Tensor x = Tensor.zeros(1, 2, 6, 6);
        rejects("padding should be at most half of the kernel size", () -> Pooling.maxPool2d(x, new int[]{2}, null, new int[]{2}, ONE, false));
        rejects("kernel_size must be >= 1, got [0]", () -> Pooling.avgPool2d(x, new int[]{0}, null, ZERO, false, true));
        rejects("too small", () -> Pooling.maxPool2d(Tensor.zeros(1, 1, 2, 2), new int[]{3}, null, ZERO, ONE, false));
        rejects("rank 4", () -> Pooling.maxPool2d(Tensor.zeros(2, 6, 6), 2));
        rejects("scale factors must be positive", () -> Upsample.nearest2d(x, 0.0, 2.0));
        rejects("output size must be positive, got 0x3", () -> Upsample.nearest2d(x, 0, 3));
    }
}
