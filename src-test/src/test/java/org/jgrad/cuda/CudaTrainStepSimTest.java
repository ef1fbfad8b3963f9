package org.jgrad.cuda;

import org.jgrad.nn.Linear;
import org.jgrad.nn.Module;
import org.jgrad.nn.ReLU;
import org.jgrad.nn.Sequential;
import org.jgrad.nn.loss.CrossEntropyLoss;
import org.jgrad.nn.loss.Reduction;
import org.jgrad.optim.AdamW;
import org.jgrad.optim.Optimizer;
import org.jgrad.optim.SGD;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A few training steps of a small classifier through the public API (modules, CrossEntropyLoss
 * with ignore_index and label smoothing, SGD and AdamW optimizers) on the simulated GPU, beside
 * the same steps on the CPU: the losses and the parameters agree, and a step without
 * {@code item()} copies nothing from the device (the fused loss and the fused optimizer launch
 * stay on it).
 */
class CudaTrainStepSimTest {

    private static Module model(long seed) {
        Generator g = new Generator(seed);
        return new Sequential(new Linear(6, 9, g), new ReLU(), new Linear(9, 5, g));
    }

    private void trainBoth(Function<List<Tensor>, Optimizer> optimizer, String what) {
        Device cuda = SimulatedCuda.device();
        CudaBackend gpu = SimulatedCuda.backend();
        Random r = new Random(5);
        int n = 12;
        float[] x = new float[n * 6];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        long[] y = new long[n];
        for (int i = 0; i < n; i++) y[i] = i == 3 ? -100 : r.nextInt(5);
        Tensor xc = Tensor.fromArray(x, n, 6), yc = Tensor.fromArray(y, n);
        Tensor xg = xc.to(cuda), yg = yc.to(cuda);
        Module mc = model(42), mg = model(42).to(cuda);
        Optimizer oc = optimizer.apply(mc.parameters()), og = optimizer.apply(mg.parameters());
        CrossEntropyLoss loss = new CrossEntropyLoss(null, -100, Reduction.MEAN, 0.1);
        for (int step = 0; step < 4; step++) {
            oc.zeroGrad();
            Tensor lc = loss.forward(mc.forward(xc), yc);
            lc.backward();
            oc.step();

            long copies = gpu.deviceToHostCopies();
            og.zeroGrad();
            Tensor lg = loss.forward(mg.forward(xg), yg);
            lg.backward();
            og.step();
            assertEquals(copies, gpu.deviceToHostCopies(), what + " step " + step + ": no device-to-host copy before item()");
            assertEquals(lc.item(), lg.item(), 1e-5, what + " loss at step " + step);
        }
        List<Tensor> pc = mc.parameters(), pg = mg.parameters();
        for (int i = 0; i < pc.size(); i++) {
            float[] e = pc.get(i).toFloatArray(), a = pg.get(i).toFloatArray();
            for (int k = 0; k < e.length; k++) assertEquals(e[k], a[k], 1e-5 * (1 + Math.abs(e[k])), what + " parameter " + i + " element " + k);
        }
    }

    @Test
    void sgdWithNesterovMomentumTrainsAsOnTheCpu() {
        trainBoth(p -> new SGD(p, 0.1, 0.9, 0, 1e-3, true), "SGD");
    }

    @Test
    void adamWWithAmsgradTrainsAsOnTheCpu() {
        trainBoth(p -> new AdamW(p, 1e-2, 0.9, 0.999, 1e-8, 1e-2, true), "AdamW");
    }
}
