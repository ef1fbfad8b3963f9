package org.jgrad.optim;

import org.jgrad.backend.FusedOptim;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad arguments fail at construction with a message naming the argument and its value. */
class BadInputTest {

    private static void rejects(Executable e, String... mentions) {
        Exception ex = assertThrows(IllegalArgumentException.class, e);
        for (String m : mentions) {
            assertTrue(ex.getMessage().contains(m), "message \"" + ex.getMessage() + "\" should mention " + m);
        }
    }

    private static List<Tensor> one() { return List.of(Tensor.zeros(3).requiresGrad(true)); }

    private static SGD sgd() { return new SGD(one(), 0.1); }

    @Test
    void sgdArguments() {
        rejects(() -> new SGD(one(), -0.1), "lr", "-0.1");
        rejects(() -> new SGD(one(), Double.NaN), "lr", "NaN");
        rejects(() -> new SGD(one(), 0.1, -0.5), "momentum", "-0.5");
        rejects(() -> new SGD(one(), 0.1, 1.0), "momentum", "1.0");
        rejects(() -> new SGD(one(), 0.1, 0.9, 1.5, 0, false), "dampening", "1.5");
        rejects(() -> new SGD(one(), 0.1, 0.9, 0, -1e-4, false), "weight_decay", "-1.0E-4");
        rejects(() -> new SGD(one(), 0.1, 0.0, 0, 0, true), "Nesterov", "momentum=0.0");
        rejects(() -> new SGD(one(), 0.1, 0.9, 0.1, 0, true), "Nesterov", "dampening=0.1");
    }

    @Test
    void groupsAreCheckedNotOnlyDefaults() {
        rejects(() -> new SGD(List.of(ParamGroup.of(one()).momentum(-0.1)), ParamGroup.defaults().lr(0.1)),
                "parameter group 0", "momentum", "-0.1");
        rejects(() -> new SGD(List.of(ParamGroup.of(one())), ParamGroup.defaults()), "required", "lr");
        rejects(() -> new SGD(List.of(ParamGroup.of(one()).betas(0.9, 0.99)), ParamGroup.defaults().lr(0.1)), "betas");
        rejects(() -> ParamGroup.of(one()).lr(-1), "lr", "-1.0");
    }

    @Test
    void adamArguments() {
        rejects(() -> new Adam(one(), -1e-3), "lr", "-0.001");
        rejects(() -> new Adam(one(), 1e-3, 1.0, 0.999, 1e-8, 0, false), "beta parameter at index 0", "1.0");
        rejects(() -> new Adam(one(), 1e-3, 0.9, -0.1, 1e-8, 0, false), "beta parameter at index 1", "-0.1");
        rejects(() -> new AdamW(one(), 1e-3, 0.9, 0.999, -1e-8, 0, false), "eps", "-1.0E-8");
        rejects(() -> new AdamW(one(), 1e-3, 0.9, 0.999, 1e-8, -0.01, false), "weight_decay", "-0.01");
        rejects(() -> new Adam(List.of(ParamGroup.of(one()).momentum(0.9)), ParamGroup.defaults()), "momentum");
    }

    @Test
    void parameterLists() {
        rejects(() -> new SGD(List.of(), 0.1), "empty parameter list");
        Tensor p = Tensor.zeros(2).requiresGrad(true);
        rejects(() -> new SGD(List.of(ParamGroup.of(p), ParamGroup.of(p)), ParamGroup.defaults().lr(0.1)), "more than one parameter group");
        Tensor nonLeaf = p.mul(2.0);
        rejects(() -> new SGD(List.of(nonLeaf), 0.1), "non-leaf");
        rejects(() -> new SGD(List.of(Tensor.arange(3)), 0.1), "floating-point", "INT64");
    }

    @Test
    void schedulerArguments() {
        rejects(() -> new StepLR(sgd(), 0), "step_size", "0");
        rejects(() -> new StepLR(sgd(), 3, -0.5), "gamma", "-0.5");
        rejects(() -> new MultiStepLR(sgd(), new int[]{3, -1}), "milestone", "-1");
        rejects(() -> new ExponentialLR(sgd(), Double.POSITIVE_INFINITY), "gamma", "Infinity");
        rejects(() -> new CosineAnnealingLR(sgd(), 0), "T_max", "0");
        rejects(() -> new CosineAnnealingLR(sgd(), 10, -0.1), "eta_min", "-0.1");
        rejects(() -> new LinearLR(sgd(), 1.5, 1.0, 5), "start_factor", "1.5");
        rejects(() -> new LinearLR(sgd(), 0.0, 1.0, 5), "start_factor", "0.0");
        rejects(() -> new LinearLR(sgd(), 0.5, 1.2, 5), "end_factor", "1.2");
        rejects(() -> new LinearLR(sgd(), 0.5, 1.0, 0), "total_iters", "0");
        SGD two = new SGD(List.of(ParamGroup.of(one()), ParamGroup.of(one())), ParamGroup.defaults().lr(0.1));
        rejects(() -> new LambdaLR(two, List.of(e -> 1.0)), "Expected 2 lr_lambdas, but got 1");
        SGD o = sgd(), other = sgd();
        rejects(() -> new SequentialLR(o, List.of(new StepLR(o, 2), new StepLR(o, 3)), new int[]{}), "number of milestones", "0");
        rejects(() -> new SequentialLR(o, List.of(new StepLR(o, 2), new StepLR(other, 3)), new int[]{4}), "same optimizer", "index 1");
        rejects(() -> new SequentialLR(o, List.of(new StepLR(o, 2), new StepLR(o, 3), new StepLR(o, 3)), new int[]{4, 4}), "milestones", "[4, 4]");
        rejects(() -> new ChainedScheduler(List.of(new StepLR(o, 2), new StepLR(other, 3))), "same optimizer", "index 0 and 1");
    }

    @Test
    void plateauArguments() {
        rejects(() -> ReduceLROnPlateau.builder(sgd()).factor(1.0).build(), "Factor", "1.0");
        rejects(() -> ReduceLROnPlateau.builder(sgd()).factor(2.5).build(), "Factor", "2.5");
        rejects(() -> ReduceLROnPlateau.builder(sgd()).factor(-0.5).build(), "factor", "-0.5");
        rejects(() -> ReduceLROnPlateau.builder(sgd()).mode("minimum").build(), "mode", "minimum", "unknown");
        rejects(() -> ReduceLROnPlateau.builder(sgd()).thresholdMode("relative").build(), "threshold mode", "relative", "unknown");
        rejects(() -> ReduceLROnPlateau.builder(sgd()).minLr(0.1, 0.2).build(), "expected 1 min_lrs, got 2");
        rejects(() -> ReduceLROnPlateau.builder(sgd()).minLr(-1e-3).build(), "min_lr", "-0.001");
        rejects(() -> ReduceLROnPlateau.builder(sgd()).patience(-1).build(), "patience", "-1");
        rejects(() -> ReduceLROnPlateau.builder(sgd()).cooldown(-2).build(), "cooldown", "-2");
        rejects(() -> ReduceLROnPlateau.builder(sgd()).eps(-1).build(), "eps", "-1.0");
        rejects(() -> ReduceLROnPlateau.builder(sgd()).threshold(-1e-4).build(), "threshold", "-1.0E-4");
    }

    @Test
    void stateDictsThatDoNotFit() {
        Tensor p = Tensor.zeros(3).requiresGrad(true);
        SGD o = new SGD(List.of(p), 0.1, 0.9);
        p.setGrad(Tensor.ones(3));
        o.step();
        Map<String, Object> st = o.stateDict();
        SGD twoGroups = new SGD(List.of(ParamGroup.of(one()), ParamGroup.of(one())), ParamGroup.defaults().lr(0.1));
        rejects(() -> twoGroups.loadStateDict(st), "different number of parameter groups", "1", "2");
        SGD bigger = new SGD(List.of(Tensor.zeros(4).requiresGrad(true)), 0.1, 0.9);
        rejects(() -> bigger.loadStateDict(st), "momentum_buffer", "shape [3]", "[4]");
        SGD twoParams = new SGD(List.of(Tensor.zeros(3).requiresGrad(true), Tensor.zeros(3).requiresGrad(true)), 0.1, 0.9);
        rejects(() -> twoParams.loadStateDict(st), "doesn't match the size");
        rejects(() -> new StepLR(sgd(), 2).loadStateDict(Map.of("last_epoch", 3)), "_step_count");
    }
}
