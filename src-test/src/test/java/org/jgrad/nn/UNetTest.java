package org.jgrad.nn;

import org.jgrad.autograd.Grad;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The UNet builder: output shape, skip wiring (parameter count), and that one SGD step lowers the loss. */
class UNetTest {
    @Test
    void mapsImageToScoreMapsOfTheSameSize() {
        UNet net = new UNet(1, 3);
        Tensor y = net.forward(Tensor.randn(new Generator(1), 2, 1, 32, 32));
        assertArrayEquals(new int[]{2, 3, 32, 32}, y.shape());
        assertArrayEquals(new int[]{2, 5, 16, 16}, new UNet(3, 5, 8, 2).forward(Tensor.randn(new Generator(2), 2, 3, 16, 16)).shape());
    }

    @Test
    void parameterCountMatchesTheArchitecture() {
        // base 16, depth 3, 1 -> 2: count each layer by hand (conv: out*in*k*k + out; bn: 2*c)
        long enc0 = (16 * 1 * 9 + 16) + 32 + (16 * 16 * 9 + 16) + 32;
        long enc1 = (32 * 16 * 9 + 32) + 64 + (32 * 32 * 9 + 32) + 64;
        long enc2 = (64 * 32 * 9 + 64) + 128 + (64 * 64 * 9 + 64) + 128;
        long up1 = 64 * 32 * 4 + 32, dec1 = (32 * 64 * 9 + 32) + 64 + (32 * 32 * 9 + 32) + 64;
        long up0 = 32 * 16 * 4 + 16, dec0 = (16 * 32 * 9 + 16) + 32 + (16 * 16 * 9 + 16) + 32;
        long head = 2 * 16 + 2;
        assertEquals(enc0 + enc1 + enc2 + up1 + dec1 + up0 + dec0 + head, new UNet(1, 2).numParameters());
    }

    @Test
    void oneSgdStepLowersTheLoss() {
        UNet net = new UNet(1, 2, 8, 3, new Generator(7));
        Tensor x = Tensor.randn(new Generator(3), 2, 1, 32, 32);
        // target: foreground where the input is positive, something the net can move towards
        Tensor target;
        try (var off = Grad.off()) {
            target = x.gt(0).to(org.jgrad.tensor.DType.INT64).reshape(2, 32, 32);
        }
        CrossEntropyLoss ce = new CrossEntropyLoss();
        Tensor loss0 = ce.apply(net.forward(x), target);
        loss0.backward();
        try (var off = Grad.off()) {
            for (Tensor p : net.parameters()) p.add_(p.grad(), -0.05);
        }
        net.zeroGrad();
        double before = loss0.item();
        double after;
        try (var off = Grad.off()) {
            after = ce.apply(net.forward(x), target).item();
        }
        assertTrue(after < before, "loss " + before + " -> " + after);
    }

    @Test
    void nearestUpsamplingVariant() {
        UNet net = new UNet(1, 2, 4, 3, UNet.Up.NEAREST_CONV, new Generator(6));
        assertArrayEquals(new int[]{2, 2, 16, 16}, net.forward(Tensor.randn(new Generator(1), 2, 1, 16, 16)).shape());
        // decoder upsampling: 3x3 convs 16->8 and 8->4 instead of 2x2 transposed ones
        UNet transposed = new UNet(1, 2, 4, 3, UNet.Up.TRANSPOSED_CONV, new Generator(6));
        long delta = (8 * 16 * 9 + 8) + (4 * 8 * 9 + 4) - ((16 * 8 * 4 + 8) + (8 * 4 * 4 + 4));
        assertEquals(transposed.numParameters() + delta, net.numParameters());
    }

    @Test
    void sameSeedSameModel() {
        Tensor x = Tensor.randn(new Generator(4), 1, 1, 8, 8);
        float[] a = new UNet(1, 2, 4, 2, new Generator(5)).forward(x).toFloatArray();
        float[] b = new UNet(1, 2, 4, 2, new Generator(5)).forward(x).toFloatArray();
        assertArrayEquals(a, b);
    }

    @Test
    void badInputNamesTheShape() {
        UNet net = new UNet(1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.forward(Tensor.ones(1, 1, 30, 32)));
        assertTrue(e.getMessage().contains("[1, 1, 30, 32]") && e.getMessage().contains("4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.forward(Tensor.ones(1, 3, 32, 32)));
        assertThrows(IllegalArgumentException.class, () -> new UNet(1, 2, 16, 0));
    }
}
