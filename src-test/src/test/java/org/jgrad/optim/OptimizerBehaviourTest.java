package org.jgrad.optim;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Generator;
import org.jgrad.tensor.MemoryStats;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-worked updates and the optimizer's contract: gradients, state, views, memory. */
class OptimizerBehaviourTest {

    private static Tensor f64(double... v) { return Tensor.fromArray(v, v.length); }

    @Test
    void sgdMomentumWithDampeningByHand() {
        Tensor p = f64(1, 2).requiresGrad(true);
        SGD o = new SGD(List.of(p), 0.1, 0.9, 0.5, 0, false);
        p.setGrad(f64(0.5, -1));
        o.step();
        // first step: buffer = g (no dampening), p = p - 0.1 g
        assertArrayEquals(new double[]{0.95, 2.1}, p.toDoubleArray(), 1e-15);
        assertArrayEquals(new double[]{0.5, -1}, o.momentumBuffer(p).toDoubleArray());
        p.setGrad(f64(1, 1));
        o.step();
        // buffer = 0.9 [0.5, -1] + 0.5 [1, 1] = [0.95, -0.4]; p = [0.95 - 0.095, 2.1 + 0.04]
        assertArrayEquals(new double[]{0.95, -0.4}, o.momentumBuffer(p).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[]{0.855, 2.14}, p.toDoubleArray(), 1e-15);
    }

    @Test
    void nesterovAndWeightDecayByHand() {
        Tensor p = f64(2).requiresGrad(true);
        SGD o = new SGD(List.of(p), 0.1, 0.5, 0, 0.25, true);
        p.setGrad(f64(1));
        o.step();
        // d = 1 + 0.25 * 2 = 1.5; buffer = 1.5; nesterov d = 1.5 + 0.5 * 1.5 = 2.25; p = 2 - 0.225
        assertArrayEquals(new double[]{1.775}, p.toDoubleArray(), 1e-15);
    }

    @Test
    void adamFirstStepMovesEachWeightByAboutLr() {
        // bias correction makes the first step lr * g / (|g| + eps) whatever beta1 and beta2
        Tensor p = f64(1, 1, 1).requiresGrad(true);
        Adam o = new Adam(List.of(p), 0.1, 0.7, 0.95, 1e-8, 0, false);
        p.setGrad(f64(2, -3, 1e-3));
        o.step();
        double[] got = p.toDoubleArray();
        assertEquals(1 - 0.1 * 2 / (2 + 1e-8), got[0], 1e-12);
        assertEquals(1 + 0.1 * 3 / (3 + 1e-8), got[1], 1e-12);
        assertEquals(1 - 0.1 * 1e-3 / (1e-3 + 1e-8), got[2], 1e-12);
        assertEquals(1, o.stepCount(p));
    }

    @Test
    void adamWDecaysWeightsEvenWithAZeroGradientAndAdamDoesNotDecouple() {
        Tensor p = f64(2).requiresGrad(true);
        AdamW w = new AdamW(List.of(p), 0.1, 0.9, 0.999, 1e-8, 0.5, false);
        p.setGrad(f64(0));
        w.step();
        assertArrayEquals(new double[]{2 * (1 - 0.1 * 0.5)}, p.toDoubleArray(), 1e-15);
        // Adam's L2 term goes through the moments: with g = 0 the step is lr * sign(wd * p), about 0.1
        Tensor q = f64(2).requiresGrad(true);
        Adam a = new Adam(List.of(q), 0.1, 0.9, 0.999, 1e-8, 0.5, false);
        q.setGrad(f64(0));
        a.step();
        assertEquals(1.9, q.toDoubleArray()[0], 1e-7);
    }

    @Test
    void zeroGradDropsGradientsAndParametersWithoutOneAreLeftAlone() {
        Tensor a = f64(1).requiresGrad(true), b = f64(5).requiresGrad(true);
        SGD o = new SGD(List.of(a, b), 1.0, 0.9);
        a.setGrad(f64(1));
        b.setGrad(f64(1));
        o.zeroGrad();
        assertNull(a.grad());
        assertNull(b.grad());
        a.setGrad(f64(1));
        o.step();
        assertArrayEquals(new double[]{0}, a.toDoubleArray());
        assertArrayEquals(new double[]{5}, b.toDoubleArray());
        assertNull(o.momentumBuffer(b));
        Map<?, ?> state = (Map<?, ?>) o.stateDict().get("state");
        assertEquals(1, state.size(), "only the parameter that stepped has state");
    }

    @Test
    void stepRunsWithGradientsFromBackward() {
        Tensor w = Tensor.fromArray(new float[]{1, -2, 3}, 3).requiresGrad(true);
        SGD o = new SGD(List.of(w), 0.5);
        w.mul(w).sum().backward(); // d/dw sum(w^2) = 2w
        o.step();
        assertArrayEquals(new float[]{0, 0, 0}, w.toFloatArray());
    }

    @Test
    void nonContiguousParameterIsUpdatedInPlace() {
        Tensor base = f64(1, 2, 3, 4, 5, 6).reshape(2, 3);
        Tensor view = base.t().requiresGrad(true); // [[1,4],[2,5],[3,6]], strided
        SGD o = new SGD(List.of(view), 1.0);
        view.setGrad(Tensor.fromArray(new double[]{0.5, 0.5, 1, 1, 2, 2}, 3, 2));
        o.step();
        assertArrayEquals(new double[]{0.5, 3.5, 1, 4, 1, 4}, view.toDoubleArray());
        assertArrayEquals(new double[]{0.5, 1, 1, 3.5, 4, 4}, base.toDoubleArray(), "the update lands in the shared storage");
    }

    @Test
    void schedulersChangeTheRateTheNextStepUses() {
        Tensor p = f64(1).requiresGrad(true);
        SGD o = new SGD(List.of(p), 1.0);
        StepLR s = new StepLR(o, 1, 0.5);
        p.setGrad(f64(1));
        o.step(); // lr 1
        s.step();
        o.step(); // lr 0.5
        assertArrayEquals(new double[]{-0.5}, p.toDoubleArray());
        assertEquals(1.0, o.paramGroups().get(0).initialLr());
    }

    @Test
    void stateDictHoldsCopiesAndPyTorchLayout() {
        Tensor a = f64(1, 2).requiresGrad(true), b = f64(3).requiresGrad(true);
        Adam o = new Adam(List.of(ParamGroup.of(a), ParamGroup.of(b).lr(0.5)), ParamGroup.defaults().amsgrad(true));
        a.setGrad(f64(1, 1));
        b.setGrad(f64(1));
        o.step();
        o.step();
        Map<String, Object> sd = o.stateDict();
        Map<?, ?> st = (Map<?, ?>) sd.get("state");
        Map<?, ?> s1 = (Map<?, ?>) st.get("1");
        assertEquals(2L, s1.get("step"));
        assertTrue(s1.containsKey("exp_avg") && s1.containsKey("exp_avg_sq") && s1.containsKey("max_exp_avg_sq"), s1.keySet().toString());
        List<?> groups = (List<?>) sd.get("param_groups");
        Map<?, ?> g1 = (Map<?, ?>) groups.get(1);
        assertEquals(List.of(1), g1.get("params"));
        assertEquals(0.5, g1.get("lr"));
        assertEquals(List.of(0.9, 0.999), g1.get("betas"));
        Tensor savedExpAvg = (Tensor) s1.get("exp_avg");
        double[] before = savedExpAvg.toDoubleArray();
        o.step();
        assertArrayEquals(before, savedExpAvg.toDoubleArray(), "the saved copy does not move with the optimizer");
        Map<?, ?> now = (Map<?, ?>) ((Map<?, ?>) o.stateDict().get("state")).get("1");
        assertNotEquals(before[0], ((Tensor) now.get("exp_avg")).toDoubleArray()[0], "while the optimizer's own state does");
        assertEquals(3L, now.get("step"));
    }

    @Test
    void stepsLeakNoMemory() {
        Tensor p = Tensor.zeros(1000).requiresGrad(true);
        Adam o = new Adam(List.of(p), 1e-3, 0.9, 0.999, 1e-8, 0.01, true);
        p.setGrad(Tensor.ones(1000));
        o.step(); // creates the state
        long before = MemoryStats.liveBytes(Device.cpu());
        for (int i = 0; i < 5; i++) {
            o.zeroGrad();
            p.setGrad(Tensor.ones(1000));
            o.step();
        }
        assertTrue(MemoryStats.liveBytes(Device.cpu()) <= before, "live bytes grew across steps");
        o.close();
        assertTrue(MemoryStats.liveBytes(Device.cpu()) <= before - 3 * 4000, "closing frees the three state buffers");
    }

    @Test
    void largeTensorsTakeTheParallelPathAndMatchAScalarRecomputation() {
        // above the kernel's chunk size, so the update runs split over the pool; recompute each element in double
        int n = 100_003;
        Generator gen = new Generator(7);
        Tensor p = Tensor.randn(gen, DType.FLOAT64, Device.cpu(), n).requiresGrad(true);
        Tensor g = Tensor.randn(gen, DType.FLOAT64, Device.cpu(), n);
        double[] p0 = p.toDoubleArray(), gv = g.toDoubleArray();
        AdamW o = new AdamW(List.of(p), 0.01, 0.9, 0.999, 1e-8, 0.1, false);
        p.setGrad(g);
        o.step();
        double[] got = p.toDoubleArray();
        for (int i = 0; i < n; i++) {
            double q = p0[i] * (1 - 0.01 * 0.1);
            double m = 0.1 * gv[i], v = 0.001 * gv[i] * gv[i];
            double want = q - 0.01 / 0.1 * m / (Math.sqrt(v) / Math.sqrt(0.001) + 1e-8);
            assertEquals(want, got[i], 1e-12, "element " + i);
        }
        assertSame(g, p.grad());
    }
}
