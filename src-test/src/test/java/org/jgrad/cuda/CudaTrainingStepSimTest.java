package org.jgrad.cuda;

import org.jgrad.backend.Backends;
import org.jgrad.backend.Backend;
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
import org.jgrad.optim.Adam;
import org.jgrad.optim.Optimizer;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.MemoryStats;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole training steps of a small CNN on the simulated GPU, through the public API exactly as a
 * user writes them: forward, loss, backward, optimizer step (the MLP case is CudaTrainStepSimTest). The same models (identical initial weights)
 * trained on the CPU give the reference loss curve and final weights. And the property the
 * backend is built for: a step without {@code item()} copies nothing from the device, and
 * {@code loss.item()} is exactly one copy.
 */
class CudaTrainingStepSimTest {

    /**
     * conv - relu - pool - conv - batch norm - relu - fc on 1x8x8: every layer kind of the small
     * CNN and the U-Net's conv-BN block. The conv before batch norm has no bias, as is usual:
     * batch norm removes a bias's effect, so its gradient is rounding noise, which Adam would
     * amplify to full-size steps of arbitrary sign on either device.
     */
    private static Module cnn() {
        Generator g = new Generator(12);
        int[] k3 = {3}, s1 = {1}, p1 = {1}, d1 = {1};
        return new Sequential(new Conv2d(1, 4, 3, 1, 1, g), new ReLU(), new MaxPool2d(2),
                new Conv2d(4, 4, k3, s1, p1, d1, 1, false, g), new BatchNorm2d(4), new ReLU(),
                new Flatten(), new Linear(4 * 4 * 4, 3, g));
    }

    private record Data(Tensor x, Tensor y) {}

    private static Data data(int n, int... sampleShape) {
        int per = 1;
        for (int d : sampleShape) per *= d;
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        Tensor x = Scope.escape(Tensor.randn(new Generator(5), shape));
        Tensor y = Scope.escape(Tensor.fromArray(LongStream.range(0, n).map(i -> (i * 5 + 1) % 3).toArray(), n));
        return new Data(x, y);
    }

    /** Trains {@code steps} steps on {@code device}; returns the loss of each step (read with item()). */
    private static double[] train(Module model, Device device, Function<List<Tensor>, Optimizer> opt, Data data, int steps, double[] finalWeights) {
        model.to(device);
        Optimizer optimizer = opt.apply(model.parameters());
        CrossEntropyLoss criterion = new CrossEntropyLoss();
        Tensor x = Scope.escape(data.x().to(device)), y = Scope.escape(data.y().to(device));
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
        if (finalWeights != null) {
            int at = 0;
            for (Tensor p : model.parameters()) {
                float[] v = p.to(Device.cpu()).toFloatArray();
                for (float f : v) finalWeights[at++] = f;
            }
        }
        return losses;
    }

    private static int parameterCount(Module m) {
        return (int) m.numParameters();
    }

    private static void assertSameCurve(double[] cpu, double[] gpu, double tol, String what) {
        for (int i = 0; i < cpu.length; i++) {
            assertTrue(Math.abs(cpu[i] - gpu[i]) <= tol * (1 + Math.abs(cpu[i])),
                    what + ": step " + i + " loss cpu " + cpu[i] + " vs gpu " + gpu[i]);
        }
        assertTrue(gpu[gpu.length - 1] < gpu[0], what + ": training lowers the loss " + gpu[0] + " -> " + gpu[gpu.length - 1]);
    }

    private static void assertClose(double[] a, double[] b, double tol, String what) {
        for (int i = 0; i < a.length; i++) {
            assertTrue(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(a[i])), what + ": element " + i + " cpu " + a[i] + " vs gpu " + b[i]);
        }
    }

    @Test
    void aSmallCnnWithAdamFollowsTheCpuLossCurve() {
        Device cuda = SimulatedCuda.device();
        Data d = data(6, 1, 8, 8);
        Function<List<Tensor>, Optimizer> adam = ps -> new Adam(ps, 1e-2);
        int n = parameterCount(cnn());
        double[] wCpu = new double[n], wGpu = new double[n];
        double[] cpu = train(cnn(), Device.cpu(), adam, d, 4, wCpu);
        double[] gpu = train(cnn(), cuda, adam, d, 4, wGpu);
        assertSameCurve(cpu, gpu, 1e-4, "CNN (conv, batch norm, max pool) + Adam");
        assertClose(wCpu, wGpu, 1e-4, "CNN weights after 4 steps");
    }

    @Test
    void aUNetWithBceFollowsTheCpuLossCurve() {
        Device cuda = SimulatedCuda.device();
        Generator g = new Generator(8);
        Tensor x = Scope.escape(Tensor.randn(g, 2, 1, 8, 8));
        Tensor y;
        try (Tensor u = Tensor.rand(g, 2, 1, 8, 8); Tensor m = u.gt(0.7)) {
            y = Scope.escape(m.to(org.jgrad.tensor.DType.FLOAT32));
        }
        // transposed-conv and nearest-upsample decoders: conv-transpose, cat, upsample, batch norm, BCE
        for (UNet.Up up : UNet.Up.values()) {
            double[][] losses = new double[2][3];
            Device[] devices = {Device.cpu(), cuda};
            for (int d = 0; d < 2; d++) {
                Module net = new UNet(1, 1, 2, 2, up, new Generator(4)).to(devices[d]);
                SGD opt = new SGD(net.parameters(), 0.1, 0.9);
                BCEWithLogitsLoss criterion = new BCEWithLogitsLoss();
                Tensor xd = Scope.escape(x.to(devices[d])), yd = Scope.escape(y.to(devices[d]));
                for (int s = 0; s < 3; s++) {
                    try (Scope scope = Scope.open()) {
                        opt.zeroGrad();
                        Tensor loss = criterion.apply(net.forward(xd), yd);
                        loss.backward();
                        opt.step();
                        losses[d][s] = loss.item();
                    }
                }
            }
            assertSameCurve(losses[0], losses[1], 1e-4, "U-Net (" + up + ") + BCE-with-logits");
        }
    }

    @Test
    void aStepWithoutItemCopiesNothingToTheHostAndLeaksNothing() {
        Device cuda = SimulatedCuda.device();
        Backend b = Backends.of(cuda);
        Module model = cnn().to(cuda);
        Optimizer opt = new SGD(model.parameters(), 0.05, 0.9);
        CrossEntropyLoss criterion = new CrossEntropyLoss();
        Data d = data(4, 1, 8, 8);
        Tensor x = Scope.escape(d.x().to(cuda)), y = Scope.escape(d.y().to(cuda));
        Runnable step = () -> {
            try (Scope s = Scope.open()) {
                opt.zeroGrad();
                Tensor loss = criterion.apply(model.forward(x), y);
                loss.backward();
                opt.step();
            }
        };
        step.run(); // creates gradients and momentum buffers
        long copies = b.deviceToHostCopies(), bytes = b.deviceToHostBytes();
        SimulatedRuntime rt = SimulatedCuda.runtime();
        long syncs = rt.synchronizations, uploads = rt.hostToDeviceCopies;
        long live = MemoryStats.liveBytes(cuda);
        for (int i = 0; i < 3; i++) step.run();
        assertEquals(copies, b.deviceToHostCopies(), "device-to-host copies during three steps without item()");
        assertEquals(bytes, b.deviceToHostBytes());
        assertEquals(syncs, rt.synchronizations, "host waits for the stream during three steps without item()");
        // the only upload is the optimizer's parameter table (addresses change as zeroGrad frees
        // the gradients), queued asynchronously from mapped memory: one per step, no host wait
        assertEquals(uploads + 3, rt.hostToDeviceCopies, "host-to-device copies on the compute stream during three steps");
        assertTrue(MemoryStats.liveBytes(cuda) <= live, "live device bytes grew across steps: " + live + " -> " + MemoryStats.liveBytes(cuda));
        double value;
        try (Scope s = Scope.open()) {
            value = criterion.apply(model.forward(x), y).item();
        }
        assertEquals(copies + 1, b.deviceToHostCopies(), "item() is one copy");
        assertEquals(bytes + 4, b.deviceToHostBytes(), "item() copies one float");
        assertTrue(Double.isFinite(value));
    }
}
