package org.jgrad.backend;

import org.jgrad.nn.BatchNorm2d;
import org.jgrad.nn.Conv2d;
import org.jgrad.nn.Flatten;
import org.jgrad.nn.Linear;
import org.jgrad.nn.MaxPool2d;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reusing host arrays changes no result: a few training steps of a small CNN (conv + bias, ReLU,
 * max pool, conv, batch norm, linear, cross-entropy, SGD with momentum), each step in a
 * {@link Scope} as the trainer runs them, give bit-identical weights with the pool off and on.
 * The reference is the run without the pool, where every buffer is a fresh JVM-zeroed array.
 */
@Isolated("changes the process-wide pool's capacity")
class CpuBufferPoolTrainingTest {

    private static int[] trainedWeightBits(int steps) {
        Generator g = new Generator(21);
        Module model = new Sequential(new Conv2d(1, 6, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                new Conv2d(6, 8, 3, 1, 1, g), new BatchNorm2d(8), new ReLU(), new Flatten(), new Linear(8 * 5 * 5, 4, g));
        SGD opt = new SGD(model.parameters(), 0.05, 0.9);
        CrossEntropyLoss criterion = new CrossEntropyLoss();
        Generator data = new Generator(3);
        for (int s = 0; s < steps; s++) {
            try (Scope scope = Scope.open()) {
                Tensor x = Tensor.randn(data, 16, 1, 10, 10);
                int shift = s;
                Tensor y = Tensor.fromArray(LongStream.range(0, 16).map(i -> (i * 7 + shift) % 4).toArray(), 16);
                opt.zeroGrad();
                Tensor loss = criterion.apply(model.forward(x), y);
                loss.backward();
                opt.step();
            }
        }
        int n = (int) model.numParameters(), at = 0;
        int[] bits = new int[n];
        for (Tensor p : model.parameters()) for (float f : p.toFloatArray()) bits[at++] = Float.floatToRawIntBits(f);
        return bits;
    }

    @Test
    void trainingStepsGiveBitIdenticalWeightsWithThePoolOffAndOn() {
        CpuBufferPool pool = CpuBufferPool.shared();
        long saved = pool.capacityBytes();
        try {
            pool.setCapacityBytes(0);
            int[] off = trainedWeightBits(6);
            pool.setCapacityBytes(64L << 20);
            long hits = pool.hits();
            int[] on = trainedWeightBits(6);
            assertTrue(pool.hits() - hits > 100, "the steps reused arrays: " + (pool.hits() - hits) + " allocations served by the pool");
            int[] again = trainedWeightBits(6); // starting from a pool filled by the previous run
            for (int i = 0; i < off.length; i++) {
                assertEquals(off[i], on[i], "weight " + i + " with the pool on");
                assertEquals(off[i], again[i], "weight " + i + " with a filled pool");
            }
        } finally {
            pool.trim();
            pool.setCapacityBytes(saved);
        }
    }
}
