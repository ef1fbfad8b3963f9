package org.jgrad.optim;

import org.jgrad.backend.FusedOptim.AdamHyper;
import org.jgrad.backend.FusedOptim.SgdHyper;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.jgrad.testing.Closeness.assertBitEqual;
import static org.jgrad.testing.Closeness.uniform;

/**
 * The composed SGD and Adam/AdamW steps against the fused ones run by {@link SGD}, {@link Adam}
 * and {@link AdamW}: after each of several steps with fresh gradients, parameters (and SGD's
 * momentum buffers) hold the same bits, in float32 and float64, for momentum with dampening,
 * nesterov, weight decay, maximize and amsgrad, on parameters of odd sizes and a single element.
 */
class ComposedStepsTest {
    private static final int[][] SHAPES = {{3, 5}, {7}, {1}, {2, 1, 3}};
    private static final int STEPS = 4;

    private static final SgdHyper[] SGD_CASES = {
            new SgdHyper(0.1, 0, 0, 0, false, false),
            new SgdHyper(0.05, 0.9, 0.1, 0.01, false, false),
            new SgdHyper(0.05, 0.9, 0, 1e-3, true, false),
            new SgdHyper(0.01, 0.5, 0.3, 0.02, false, true),
            new SgdHyper(0.2, 0, 0, 0.1, false, true),
    };

    private static final AdamHyper[] ADAM_CASES = {
            new AdamHyper(1e-3, 0.9, 0.999, 1e-8, 0, false, false, false),
            new AdamHyper(1e-2, 0.8, 0.99, 1e-6, 0.01, false, true, true),   // Adam, L2, amsgrad, maximize
            new AdamHyper(3e-3, 0.9, 0.999, 1e-8, 0.1, true, false, false),  // AdamW
            new AdamHyper(1e-2, 0.85, 0.95, 1e-7, 0.05, true, true, true),   // AdamW, amsgrad, maximize
            new AdamHyper(1e-2, 0.9, 0.999, 1e-8, 0, true, false, false),       // AdamW without decay
    };

    @Test
    void sgdMatchesFusedBitForBit() {
        long seed = 1000;
        for (DType dt : new DType[]{DType.FLOAT32, DType.FLOAT64}) {
            for (SgdHyper h : SGD_CASES) {
                List<Tensor> fusedParams = params(seed, dt), composedParams = copies(fusedParams);
                SGD sgd = new SGD(List.of(ParamGroup.of(fusedParams)), ParamGroup.defaults().lr(h.lr()).momentum(h.momentum())
                        .dampening(h.dampening()).weightDecay(h.weightDecay()).nesterov(h.nesterov()).maximize(h.maximize()));
                List<Tensor> buffers = new ArrayList<>();
                for (Tensor p : composedParams) buffers.add(Tensor.zerosLike(p));
                for (int step = 0; step < STEPS; step++) {
                    List<Tensor> grads = grads(seed + 100 + step, fusedParams);
                    for (int i = 0; i < grads.size(); i++) fusedParams.get(i).setGrad(grads.get(i).clone());
                    sgd.step();
                    boolean[] first = new boolean[grads.size()];
                    java.util.Arrays.fill(first, step == 0);
                    ComposedSteps.sgdStep(data(composedParams), grads, h.momentum() == 0 ? null : buffers, first, h);
                    for (int i = 0; i < grads.size(); i++) {
                        String what = dt + " " + h + " step " + step + " param " + i;
                        assertBitEqual(what, fusedParams.get(i).detach(), composedParams.get(i).detach());
                        if (h.momentum() != 0) assertBitEqual(what + " momentum buffer", sgd.momentumBuffer(fusedParams.get(i)), buffers.get(i));
                    }
                }
                seed += 10;
            }
        }
    }

    @Test
    void adamMatchesFusedBitForBit() {
        long seed = 2000;
        for (DType dt : new DType[]{DType.FLOAT32, DType.FLOAT64}) {
            for (AdamHyper h : ADAM_CASES) {
                List<Tensor> fusedParams = params(seed, dt), composedParams = copies(fusedParams);
                ParamGroup defaults = ParamGroup.defaults().lr(h.lr()).betas(h.beta1(), h.beta2()).eps(h.eps())
                        .weightDecay(h.weightDecay()).amsgrad(h.amsgrad()).maximize(h.maximize());
                Optimizer adam = h.decoupledWeightDecay() ? new AdamW(List.of(ParamGroup.of(fusedParams)), defaults)
                        : new Adam(List.of(ParamGroup.of(fusedParams)), defaults);
                List<Tensor> m = zeros(composedParams), v = zeros(composedParams), vmax = h.amsgrad() ? zeros(composedParams) : null;
                for (int step = 0; step < STEPS; step++) {
                    List<Tensor> grads = grads(seed + 100 + step, fusedParams);
                    for (int i = 0; i < grads.size(); i++) fusedParams.get(i).setGrad(grads.get(i).clone());
                    adam.step();
                    long[] steps = new long[grads.size()];
                    java.util.Arrays.fill(steps, step + 1);
                    ComposedSteps.adamStep(data(composedParams), grads, m, v, vmax, steps, h);
                    for (int i = 0; i < grads.size(); i++) {
                        assertBitEqual(dt + " " + h + " step " + step + " param " + i,
                                fusedParams.get(i).detach(), composedParams.get(i).detach());
                    }
                }
                seed += 10;
            }
        }
    }

    private static List<Tensor> params(long seed, DType dt) {
        List<Tensor> ps = new ArrayList<>();
        for (int[] s : SHAPES) ps.add(uniform(seed++, dt, -1, 1, s).requiresGrad(true));
        return ps;
    }

    private static List<Tensor> copies(List<Tensor> ps) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : ps) out.add(p.detach().clone().requiresGrad(true));
        return out;
    }

    /** The parameters' storage without the autograd leaf flag, as the optimizer hands it to the step. */
    private static List<Tensor> data(List<Tensor> ps) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : ps) out.add(p.detach());
        return out;
    }

    private static List<Tensor> zeros(List<Tensor> ps) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : ps) out.add(Tensor.zerosLike(p));
        return out;
    }

    private static List<Tensor> grads(long seed, List<Tensor> ps) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : ps) out.add(uniform(seed++, p.dtype(), -2, 2, p.shape()));
        return out;
    }
}
