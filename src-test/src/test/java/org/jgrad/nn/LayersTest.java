package org.jgrad.nn;

import org.jgrad.autograd.Grad;
import org.jgrad.ops.Concat;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The layer modules: shapes, registration names, modes, and values recomputed by hand in double. */
class LayersTest {

    @Test
    void linearInitBoundsAndForward() {
        Linear l = new Linear(9, 4, new Generator(3));
        double bound = 1 / Math.sqrt(9); // kaiming_uniform(a=√5): gain √(1/3) · √(3/fan_in) = 1/√fan_in
        for (float v : l.weight().toFloatArray()) assertTrue(Math.abs(v) <= bound, "weight " + v + " outside ±" + bound);
        for (float v : l.bias().toFloatArray()) assertTrue(Math.abs(v) <= bound, "bias " + v + " outside ±" + bound);
        assertArrayEquals(new int[]{4, 9}, l.weight().shape());
        assertEquals(List.of("weight", "bias"), List.copyOf(l.namedParameters().keySet()));
        // same seed, same weights; a different seed differs
        assertArrayEquals(l.weight().toFloatArray(), new Linear(9, 4, new Generator(3)).weight().toFloatArray());
        assertFalse(java.util.Arrays.equals(l.weight().toFloatArray(), new Linear(9, 4, new Generator(4)).weight().toFloatArray()));

        Tensor x = Tensor.rand(new Generator(5), 2, 9);
        float[] y = l.forward(x).toFloatArray();
        float[] xv = x.toFloatArray(), w = l.weight().toFloatArray(), b = l.bias().toFloatArray();
        for (int i = 0; i < 2; i++) {
            for (int o = 0; o < 4; o++) {
                double acc = b[o];
                for (int k = 0; k < 9; k++) acc += (double) xv[i * 9 + k] * w[o * 9 + k];
                assertEquals(acc, y[i * 4 + o], 1e-5);
            }
        }
        assertNull(new Linear(3, 2, false).bias());
        assertEquals(6, new Linear(3, 2, false).numParameters());
    }

    @Test
    void sequentialNamesAndOrder() {
        Sequential s = new Sequential(new Linear(4, 3, new Generator(1)), new ReLU());
        s.add(new Linear(3, 2, new Generator(2))).add(new Sigmoid());
        assertEquals(4, s.size());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(s.namedParameters().keySet()));
        Tensor x = Tensor.randn(new Generator(9), 5, 4);
        Tensor manual = s.get(3).forward(s.get(2).forward(s.get(1).forward(s.get(0).forward(x))));
        assertArrayEquals(manual.toFloatArray(), s.forward(x).toFloatArray());
        for (float v : s.forward(x).toFloatArray()) assertTrue(v > 0 && v < 1);
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(4));
    }

    @Test
    void reluSigmoidIdentityFlatten() {
        Tensor x = Tensor.fromArray(new float[]{-2, 0, 3, -0.5f, 1, 0}, 1, 2, 3);
        assertArrayEquals(new float[]{0, 0, 3, 0, 1, 0}, new ReLU().forward(x).toFloatArray());
        assertEquals(1 / (1 + Math.exp(2)), new Sigmoid().forward(x).toFloatArray()[0], 1e-7);
        assertSame(x, new Identity().forward(x));
        assertArrayEquals(new int[]{1, 6}, new Flatten().forward(x).shape());
        assertArrayEquals(new int[]{2, 3}, new Flatten(0, 1).forward(x).shape());
    }

    @Test
    void dropoutModuleModes() {
        Dropout d = new Dropout(0.5, new Generator(11));
        Tensor x = Tensor.ones(1000);
        float[] y = d.forward(x).toFloatArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0) zeros++;
            else assertEquals(2.0f, v, "survivors are scaled by 1/(1-p)");
        }
        assertTrue(zeros > 430 && zeros < 570, "about half dropped, got " + zeros); // 4.4 sigma
        d.eval();
        assertSame(x, d.forward(x));
        assertArrayEquals(new float[4], new Dropout(1.0).forward(Tensor.ones(4)).toFloatArray());
        // the mask is saved: the gradient is the mask itself
        Tensor z = Tensor.ones(50).requiresGrad(true);
        Tensor out = org.jgrad.ops.Dropout.dropout(z, 0.2, true, new Generator(5));
        out.sum().backward();
        assertArrayEquals(out.toFloatArray(), z.grad().toFloatArray());
    }

    @Test
    void batchNorm2dModuleTrainAndEval() {
        BatchNorm2d bn = new BatchNorm2d(2);
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"), List.copyOf(bn.stateDict().keySet()));
        // channel 0 holds 1..4, channel 1 holds 10 everywhere except one 14
        Tensor x = Tensor.fromArray(new float[]{1, 2, 10, 10, 3, 4, 10, 14}, 2, 2, 1, 2);
        Tensor y = bn.forward(x);
        // channel 0: mean 2.5, biased var 1.25; unbiased 5/3
        double inv = 1 / Math.sqrt(1.25 + 1e-5);
        assertEquals((1 - 2.5) * inv, y.toFloatArray()[0], 1e-5);
        assertEquals(0.9 * 0 + 0.1 * 2.5, bn.runningMean().toFloatArray()[0], 1e-6);
        assertEquals(0.9 * 1 + 0.1 * (5.0 / 3), bn.runningVar().toFloatArray()[0], 1e-6);
        // channel 1: mean 11, unbiased var (1+1+1+9)/3 = 4
        assertEquals(0.1 * 11, bn.runningMean().toFloatArray()[1], 1e-6);
        assertEquals(0.9 + 0.1 * 4, bn.runningVar().toFloatArray()[1], 1e-5);
        assertEquals(1, (long) bn.numBatchesTracked().item());
        bn.eval();
        Tensor e = bn.forward(x);
        assertEquals((1 - 0.25) / Math.sqrt(0.9 + 0.1 * 5.0 / 3 + 1e-5), e.toFloatArray()[0], 1e-5);
        assertEquals(1, (long) bn.numBatchesTracked().item());
    }

    @Test
    void batchNormWithoutAffineOrTracking() {
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5, 0.1, false, false);
        assertTrue(bn.parameters().isEmpty());
        assertTrue(bn.namedBuffers().isEmpty());
        bn.eval(); // no running stats: batch statistics even in eval, as PyTorch
        Tensor y = bn.forward(Tensor.randn(new Generator(2), 4, 3, 2, 2));
        float[] v = y.toFloatArray();
        double mean0 = 0;
        for (int n = 0; n < 4; n++) for (int j = 0; j < 4; j++) mean0 += v[n * 12 + j];
        assertEquals(0, mean0 / 16, 1e-6);
        BatchNorm1d bn1 = new BatchNorm1d(3);
        assertArrayEquals(new int[]{5, 3}, bn1.forward(Tensor.randn(new Generator(3), 5, 3)).shape());
        assertArrayEquals(new int[]{5, 3, 4}, bn1.forward(Tensor.randn(new Generator(3), 5, 3, 4)).shape());
    }

    @Test
    void catAndStackValues() {
        Tensor a = Tensor.fromArray(new float[]{1, 2, 3, 4}, 2, 2), b = Tensor.fromArray(new float[]{5, 6}, 2, 1);
        assertArrayEquals(new float[]{1, 2, 5, 3, 4, 6}, Concat.cat(1, a, b).toFloatArray());
        assertArrayEquals(new float[]{1, 2, 3, 4, 1, 3, 2, 4}, Concat.cat(0, a, a.t()).toFloatArray());
        Tensor s = Concat.stack(0, a, a.t());
        assertArrayEquals(new int[]{2, 2, 2}, s.shape());
        assertArrayEquals(new int[]{2, 2, 2}, Concat.stack(2, a, a).shape());
        assertArrayEquals(new float[]{1, 1, 2, 2, 3, 3, 4, 4}, Concat.stack(2, a, a).toFloatArray());
        assertEquals(DType.FLOAT32, s.dtype());
    }

    @Test
    void lossModulesAreModules() {
        var ce = new org.jgrad.nn.loss.CrossEntropyLoss(Tensor.ones(3), -100, org.jgrad.nn.loss.Reduction.SUM, 0);
        assertEquals(List.of("weight"), List.copyOf(ce.namedBuffers().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> ce.forward(Tensor.ones(2, 3)));
        try (var off = Grad.off()) {
            // hand-worked: uniform logits over 3 classes give log 3 per sample
            assertEquals(2 * Math.log(3), ce.apply(Tensor.zeros(2, 3), Tensor.fromArray(new long[]{0, 2}, 2)).item(), 1e-6);
        }
    }
}
