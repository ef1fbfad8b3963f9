package org.jgrad.backend;

import org.jgrad.metrics.BinaryStats;
import org.jgrad.metrics.ConfusionMatrix;
import org.jgrad.nn.BatchNorm2d;
import org.jgrad.nn.Conv2d;
import org.jgrad.nn.Flatten;
import org.jgrad.nn.Linear;
import org.jgrad.nn.MaxPool2d;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.UNet;
import org.jgrad.nn.loss.BCEWithLogitsLoss;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.nn.loss.Reduction;
import org.jgrad.optim.AdamW;
import org.jgrad.optim.Optimizer;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The required primitives are enough to train: a backend offering only them (a device type
 * added from outside core, see {@link MinimalBackend}) trains the CNN and the U-Net with the
 * fused batch norm, softmax, bias, cross-entropy and optimizer kernels all replaced by their
 * compositions, following the CPU's loss curve, and counts metrics exactly as the CPU does.
 *
 * <p>Tolerance: the composed batch norm, softmax and cross-entropy round differently from the
 * fused kernels (another summation order, a division where the kernel multiplies by 1/sqrt), a
 * few float32 ulps per step; the largest difference seen is 4e-7 relative (AdamW's weights after
 * ten steps; the losses agree to 5e-8). 1e-5 leaves a 25-fold margin, while a wrong term in a
 * composed path moves the loss by 1e-3 or more.
 */
class MinimalBackendTrainingTest {
    private static final Device MINIMAL = Device.of("minimal", 0);
    private static final double TOL = 1e-5;

    @Test
    void theMinimalBackendOffersNoFusedFamily() {
        Backend b = Backends.of(MINIMAL);
        assertEquals(MINIMAL, b.device());
        for (Class<?> family : List.of(FusedNn.class, FusedLoss.class, FusedOptim.class, MetricCounting.class, AsyncUpload.class)) {
            assertTrue(b.capability(family).isEmpty(), family.getSimpleName());
        }
        // the CPU keeps its fused kernels (it is the host, so it has nothing to upload asynchronously)
        for (Class<?> family : List.of(FusedNn.class, FusedLoss.class, FusedOptim.class, MetricCounting.class)) {
            assertTrue(Backends.of(Device.cpu()).capability(family).isPresent(), "the CPU keeps " + family.getSimpleName());
        }
        try (Tensor t = Tensor.zeros(2, 3).to(MINIMAL)) {
            assertEquals(MINIMAL, t.device());
            assertEquals(MINIMAL, t.raw().storage().device());
        }
    }

    /** conv + bias, ReLU, max pool, conv, batch norm, linear: every fused layer kernel of the small CNN. */
    private static Module cnn() {
        Generator g = new Generator(12);
        int[] k3 = {3}, s1 = {1}, p1 = {1}, d1 = {1};
        return new Sequential(new Conv2d(1, 4, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                new Conv2d(4, 4, k3, s1, p1, d1, 1, false, g), new BatchNorm2d(4), new ReLU(),
                new Flatten(), new Linear(4 * 4 * 4, 3, g));
    }

    /** Trains {@code steps} steps on {@code device}; returns each step's loss, and the final weights in {@code weights}. */
    private static double[] train(Module model, Device device, Function<List<Tensor>, Optimizer> opt, int steps, double[] weights) {
        Tensor x = Scope.escape(Tensor.randn(new Generator(5), 6, 1, 8, 8).to(device));
        Tensor y = Scope.escape(Tensor.fromArray(LongStream.range(0, 6).map(i -> (i * 5 + 1) % 3).toArray(), 6).to(device));
        model.to(device);
        Optimizer optimizer = opt.apply(model.parameters());
        Tensor classWeights = Scope.escape(Tensor.fromArray(new float[]{1f, 2f, 0.5f}, 3).to(device));
        CrossEntropyLoss criterion = new CrossEntropyLoss(classWeights, -100, Reduction.MEAN, 0.1);
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            try (Scope scope = Scope.open()) {
                optimizer.zeroGrad();
                Tensor loss = criterion.apply(model.forward(x), y);
                loss.backward();
                optimizer.step();
                losses[s] = loss.item();
            }
        }
        int at = 0;
        for (Tensor p : model.parameters()) for (float f : p.to(Device.cpu()).toFloatArray()) weights[at++] = f;
        return losses;
    }

    private static void cnnFollowsTheCpu(Function<List<Tensor>, Optimizer> opt, String what) {
        int n = (int) cnn().numParameters();
        double[] wCpu = new double[n], wMin = new double[n];
        double[] cpu = train(cnn(), Device.cpu(), opt, 10, wCpu);
        double[] min = train(cnn(), MINIMAL, opt, 10, wMin);
        assertClose(cpu, min, what + " loss");
        assertTrue(min[9] < min[0], what + ": training lowers the loss " + min[0] + " -> " + min[9]);
        assertClose(wCpu, wMin, what + " weights after 10 steps");
    }

    @Test
    void aCnnWithSgdNesterovTrainsOnTheRequiredPrimitives() {
        cnnFollowsTheCpu(ps -> new SGD(ps, 0.05, 0.9, 0, 1e-4, true), "CNN + weighted, smoothed cross-entropy + SGD(nesterov)");
    }

    @Test
    void aCnnWithAdamWTrainsOnTheRequiredPrimitives() {
        cnnFollowsTheCpu(ps -> new AdamW(ps, 1e-2, 0.9, 0.999, 1e-8, 1e-2, false), "CNN + weighted, smoothed cross-entropy + AdamW");
    }

    @Test
    void aUNetWithBceTrainsOnTheRequiredPrimitives() {
        Generator g = new Generator(8);
        Tensor x = Scope.escape(Tensor.randn(g, 2, 1, 8, 8));
        Tensor y;
        try (Tensor u = Tensor.rand(g, 2, 1, 8, 8); Tensor m = u.gt(0.7)) {
            y = Scope.escape(m.to(DType.FLOAT32));
        }
        for (UNet.Up up : UNet.Up.values()) {
            Device[] devices = {Device.cpu(), MINIMAL};
            double[][] losses = new double[2][4];
            double[][] weights = new double[2][];
            for (int d = 0; d < 2; d++) {
                Module net = new UNet(1, 1, 2, 2, up, new Generator(4)).to(devices[d]);
                SGD opt = new SGD(net.parameters(), 0.1, 0.9);
                BCEWithLogitsLoss criterion = new BCEWithLogitsLoss();
                Tensor xd = Scope.escape(x.to(devices[d])), yd = Scope.escape(y.to(devices[d]));
                for (int s = 0; s < 4; s++) {
                    try (Scope scope = Scope.open()) {
                        opt.zeroGrad();
                        Tensor loss = criterion.apply(net.forward(xd), yd);
                        loss.backward();
                        opt.step();
                        losses[d][s] = loss.item();
                    }
                }
                weights[d] = new double[(int) net.numParameters()];
                int at = 0;
                for (Tensor p : net.parameters()) for (float f : p.to(Device.cpu()).toFloatArray()) weights[d][at++] = f;
            }
            assertClose(losses[0], losses[1], "U-Net (" + up + ") + BCE loss");
            assertTrue(losses[1][3] < losses[1][0], "U-Net (" + up + "): training lowers the loss");
            assertClose(weights[0], weights[1], "U-Net (" + up + ") weights");
        }
    }

    @Test
    void metricCountsEqualTheCpus() {
        Generator g = new Generator(3);
        Tensor logits = Scope.escape(Tensor.randn(g, 4, 5, 6, 6));
        long[] t = new long[4 * 36];
        for (int i = 0; i < t.length; i++) t[i] = i % 11 == 0 ? 255 : (i * 7L) % 5; // some ignored pixels
        Tensor targets = Scope.escape(Tensor.fromArray(t, 4, 6, 6));
        Tensor binLogits = Scope.escape(Tensor.randn(g, 4, 1, 6, 6));
        float[] bt = new float[t.length];
        for (int i = 0; i < t.length; i++) bt[i] = (i * 13) % 3 == 0 ? 1f : 0f;
        Tensor binTargets = Scope.escape(Tensor.fromArray(bt, 4, 1, 6, 6));

        long[][][] confusion = new long[2][][];
        long[][] counts = new long[2][];
        Device[] devices = {Device.cpu(), MINIMAL};
        for (int d = 0; d < 2; d++) {
            ConfusionMatrix cm = new ConfusionMatrix(5).ignoreIndex(255);
            cm.update(logits.to(devices[d]), targets.to(devices[d]));
            cm.update(logits.argmax(1).to(devices[d]), targets.to(devices[d])); // the labels path as well
            confusion[d] = cm.matrix();
            counts[d] = BinaryStats.stats(binLogits.to(devices[d]), binTargets.to(devices[d]), BinaryStatsSpec.logits()).toLongArray();
        }
        for (int r = 0; r < 5; r++) assertArrayEquals(confusion[0][r], confusion[1][r], "confusion row " + r);
        assertArrayEquals(counts[0], counts[1], "binary tp/fp/fn/tn");
        assertTrue(counts[0][0] > 0 && counts[0][3] > 0, "the counts are not trivially zero");
    }

    private static void assertClose(double[] cpu, double[] min, String what) {
        for (int i = 0; i < cpu.length; i++) {
            assertTrue(Math.abs(cpu[i] - min[i]) <= TOL * (1 + Math.abs(cpu[i])),
                    what + ": element " + i + " cpu " + cpu[i] + " vs minimal " + min[i]);
        }
    }
}
