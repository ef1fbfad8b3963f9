package org.jgrad.nn;

import org.jgrad.autograd.Grad;
import org.jgrad.ops.Convolution;
import org.jgrad.ops.Pooling;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d and Upsample as modules, and a small CNN that learns. */
class ConvModulesTest {

    /** Every value within +-bound, and the extremes near it (uniform over the whole range). */
    private static void uniformWithin(String what, Tensor t, double bound) {
        double[] v = t.toDoubleArray();
        double max = 0;
        for (double x : v) {
            assertTrue(Math.abs(x) <= bound, what + ": " + x + " outside +-" + bound);
            max = Math.max(max, Math.abs(x));
        }
        assertTrue(max > 0.9 * bound, what + ": largest |value| " + max + " is far below the bound " + bound);
    }

    @Test
    void conv2dParametersAndPyTorchDefaultInit() {
        Conv2d conv = new Conv2d(6, 40, new int[]{3, 5}, new int[]{1}, new int[]{1, 2}, new int[]{1}, 2, true, new Generator(3));
        assertArrayEquals(new int[]{40, 3, 3, 5}, conv.weight().shape());
        assertArrayEquals(new int[]{40}, conv.bias().shape());
        assertEquals(List.of("weight", "bias"), List.copyOf(conv.namedParameters().keySet()));
        // kaiming_uniform_(a=sqrt(5)): gain sqrt(2/6), bound gain*sqrt(3/fan_in) = 1/sqrt(fan_in); bias the same
        double bound = 1 / Math.sqrt(3 * 3 * 5);
        uniformWithin("weight", conv.weight(), bound);
        uniformWithin("bias", conv.bias(), bound);
        Conv2d again = new Conv2d(6, 40, new int[]{3, 5}, new int[]{1}, new int[]{1, 2}, new int[]{1}, 2, true, new Generator(3));
        assertArrayEquals(conv.weight().toFloatArray(), again.weight().toFloatArray(), "same seed, same weights");
        assertNull(new Conv2d(2, 4, new int[]{3}, new int[]{1}, new int[]{0}, new int[]{1}, 1, false).bias());
    }

    @Test
    void conv2dForwardIsTheFunctionalOp() {
        Conv2d conv = new Conv2d(3, 5, 3, 2, 1, new Generator(4));
        Tensor x = Tensor.randn(new Generator(5), 2, 3, 9, 8);
        Tensor y = conv.forward(x);
        assertArrayEquals(new int[]{2, 5, 5, 4}, y.shape());
        assertArrayEquals(Convolution.conv2d(x, conv.weight(), conv.bias(), 2, 1).toFloatArray(), y.toFloatArray());
    }

    @Test
    void convTranspose2dLayoutAndInit() {
        ConvTranspose2d up = new ConvTranspose2d(8, 6, new int[]{2}, new int[]{2}, new int[]{0}, new int[]{0}, new int[]{1}, 2, true,
                new Generator(6));
        assertArrayEquals(new int[]{8, 3, 2, 2}, up.weight().shape());
        assertArrayEquals(new int[]{6}, up.bias().shape());
        // PyTorch computes the transposed layer's fan-in from weight dim 1: (out / groups) * kH * kW
        double bound = 1 / Math.sqrt(3 * 2 * 2);
        uniformWithin("weight", up.weight(), bound);
        Tensor y = up.forward(Tensor.randn(new Generator(7), 1, 8, 5, 4));
        assertArrayEquals(new int[]{1, 6, 10, 8}, y.shape());
    }

    @Test
    void poolingAndUpsampleModules() {
        Tensor x = Tensor.randn(new Generator(8), 2, 3, 9, 7);
        assertArrayEquals(new int[]{2, 3, 4, 3}, new MaxPool2d(2).forward(x).shape());
        assertArrayEquals(new int[]{2, 3, 5, 4}, new MaxPool2d(new int[]{3}, new int[]{2}, new int[]{1}, new int[]{1}, true).forward(x).shape());
        assertArrayEquals(Pooling.maxPool2d(x, 2).toFloatArray(), new MaxPool2d(2).forward(x).toFloatArray());
        assertArrayEquals(new int[]{2, 3, 5, 4}, new AvgPool2d(new int[]{2}, null, new int[]{1}, false, false).forward(x).shape());
        assertArrayEquals(new int[]{2, 3, 18, 14}, Upsample.scaleFactor(2).forward(x).shape());
        assertArrayEquals(new int[]{2, 3, 4, 11}, Upsample.size(4, 11).forward(x).shape());
    }

    /**
     * A conv-pool-conv-pool-linear network learns to tell whether a bright 3x3 blob sits in the
     * upper or the lower half of a 12x12 image (MSE on one-hot targets, plain SGD).
     */
    @Test
    void smallCnnLearns() {
        Generator g = new Generator(11);
        Conv2d c1 = new Conv2d(1, 8, 3, 1, 1, g), c2 = new Conv2d(8, 16, 3, 1, 1, g);
        MaxPool2d pool = new MaxPool2d(2);
        Tensor fc = Tensor.uniform(-0.1, 0.1, g, org.jgrad.tensor.DType.FLOAT32, org.jgrad.tensor.Device.cpu(), 16 * 3 * 3, 2)
                .requiresGrad(true);
        int n = 64;
        float[] img = new float[n * 144], target = new float[n * 2];
        java.util.Random r = new java.util.Random(12);
        for (int i = 0; i < n; i++) {
            int cls = i % 2, row = cls == 0 ? r.nextInt(4) : 6 + r.nextInt(4), col = r.nextInt(10);
            for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) img[i * 144 + (row + a) * 12 + col + b] = 1f;
            for (int p = 0; p < 144; p++) img[i * 144 + p] += (float) (r.nextGaussian() * 0.1);
            target[i * 2 + cls] = 1f;
        }
        Tensor x = Tensor.fromArray(img, n, 1, 12, 12), y = Tensor.fromArray(target, n, 2);
        List<Tensor> params = new java.util.ArrayList<>(c1.parameters());
        params.addAll(c2.parameters());
        params.add(fc);
        double first = 0, last = 0;
        for (int step = 0; step < 60; step++) {
            try (Scope s = Scope.open()) {
                Tensor h = pool.forward(c1.forward(x).relu());
                h = pool.forward(c2.forward(h).relu());
                Tensor loss = h.reshape(n, 16 * 3 * 3).matmul(fc).sub(y).pow(2).mean();
                loss.backward();
                if (step == 0) first = loss.item();
                last = loss.item();
                try (var off = Grad.off()) {
                    for (Tensor p : params) {
                        p.detach().sub_(p.grad().mul(0.5));
                        p.zeroGrad();
                    }
                }
            }
        }
        assertTrue(last < 0.3 * first, "loss went from " + first + " to " + last);
    }
}
