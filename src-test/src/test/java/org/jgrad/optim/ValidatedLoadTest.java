package org.jgrad.optim;

import org.jgrad.nn.Linear;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Loading a state checks all of it before changing anything: every refused load names the
 * entry and the value, and leaves the module, optimizer or scheduler exactly as it was.
 */
class ValidatedLoadTest {

    /** A deep copy with tensors turned into value lists, for before/after comparisons. */
    static Object snapshot(Object v) {
        if (v instanceof Tensor t) {
            List<Object> l = new ArrayList<>();
            for (double d : t.toDoubleArray()) l.add(d);
            return List.of("tensor", List.of(t.shape().length), l);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> r = new LinkedHashMap<>();
            m.forEach((k, x) -> r.put(String.valueOf(k), snapshot(x)));
            return r;
        }
        if (v instanceof List<?> l) {
            List<Object> r = new ArrayList<>();
            for (Object o : l) r.add(snapshot(o));
            return r;
        }
        if (v instanceof double[] a) return snapshot(StateDicts.list(a));
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> deepCopy(Map<String, Object> m) {
        Map<String, Object> r = new LinkedHashMap<>();
        m.forEach((k, v) -> r.put(k, v instanceof Map<?, ?> x ? deepCopy((Map<String, Object>) x)
                : v instanceof List<?> l ? new ArrayList<>(l.stream().map(o -> o instanceof Map<?, ?> om ? deepCopy((Map<String, Object>) om) : o).toList()) : v));
        return r;
    }

    private static void refused(Runnable load, Object before, java.util.function.Supplier<Object> after, String... mentions) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, load::run);
        for (String s : mentions) assertTrue(e.getMessage().contains(s), "expected '" + s + "' in: " + e.getMessage());
        assertEquals(before, after.get(), "a refused load changed the state");
    }

    private static Adam steppedAdam(Tensor... params) {
        Adam adam = new Adam(List.of(params), 0.01);
        for (Tensor p : params) p.mul(p).sum().backward();
        adam.step();
        return adam;
    }

    @SuppressWarnings("unchecked")
    private static void optimizerRefuses(Consumer<Map<String, Object>> damage, String... mentions) {
        Tensor a = Tensor.fromArray(new float[]{1, 2, 3}, 3).requiresGrad(true);
        Tensor b = Tensor.fromArray(new float[]{4, 5}, 2).requiresGrad(true);
        Adam adam = steppedAdam(a, b);
        Map<String, Object> sd = deepCopy(adam.stateDict());
        damage.accept(sd);
        Object before = snapshot(adam.stateDict());
        refused(() -> adam.loadStateDict(sd), before, () -> snapshot(adam.stateDict()), mentions);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> params(Map<String, Object> sd) {
        return (List<Object>) ((Map<String, Object>) ((List<Object>) sd.get("param_groups")).get(0)).get("params");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> state(Map<String, Object> sd) { return (Map<String, Object>) sd.get("state"); }

    @Test
    void optimizerParameterIdsOutOfRangeAreClearErrors() {
        optimizerRefuses(sd -> params(sd).set(0, 400_000_000), "params[0] = 400000000", "[0, 2)");
        optimizerRefuses(sd -> params(sd).set(1, -1), "params[1] = -1");
        optimizerRefuses(sd -> params(sd).set(1, 0), "index 0 twice");
        optimizerRefuses(sd -> params(sd).set(0, 4294967296L), "params[0]", "4294967296");
        optimizerRefuses(sd -> params(sd).set(0, 0.5), "params[0]", "0.5");
        optimizerRefuses(sd -> state(sd).put("400000000", state(sd).get("0")), "parameter 400000000");
    }

    @Test
    @SuppressWarnings("unchecked")
    void optimizerWrongShapeEntryChangesNothing() {
        // the second parameter's buffer is wrong: the first one's must not have been replaced
        optimizerRefuses(sd -> ((Map<String, Object>) state(sd).get("1")).put("exp_avg", Tensor.zeros(7)), "exp_avg", "[7]");
        optimizerRefuses(sd -> ((Map<String, Object>) state(sd).get("1")).put("step", "many"), "step", "many");
    }

    private static Map<String, Tensor> copyOf(Map<String, Tensor> m) {
        Map<String, Tensor> r = new LinkedHashMap<>();
        m.forEach((k, v) -> r.put(k, v.contiguousCopy()));
        return r;
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void moduleWrongShapeOrTypeChangesNothing() {
        Linear model = new Linear(3, 2);
        Map<String, Tensor> sd = copyOf(model.stateDict());
        sd.put("weight", Tensor.full(9.0, org.jgrad.tensor.DType.FLOAT32, org.jgrad.tensor.Device.cpu(), 2, 3));
        sd.put("bias", Tensor.zeros(5)); // wrong, and after weight in the module's order
        Object before = snapshot(model.stateDict());
        refused(() -> model.loadStateDict(sd, true), before, () -> snapshot(model.stateDict()), "'bias'", "[5]", "[2]");
        refused(() -> model.loadStateDict(sd, false), before, () -> snapshot(model.stateDict()), "'bias'");
        Map raw = new LinkedHashMap(copyOf(model.stateDict()));
        raw.put("weight", Tensor.full(9.0, org.jgrad.tensor.DType.FLOAT32, org.jgrad.tensor.Device.cpu(), 2, 3));
        raw.put("bias", "zeros");
        refused(() -> model.loadStateDict(raw, true), before, () -> snapshot(model.stateDict()), "'bias'", "String");
        refused(() -> model.loadStateDict(null, true), before, () -> snapshot(model.stateDict()), "state");
    }

    private static Optimizer sgd() { return new SGD(List.of(Tensor.zeros(3).requiresGrad(true)), 0.1); }

    private static void schedulerRefuses(LRScheduler s, Map<String, Object> sd, String... mentions) {
        Object before = snapshot(s.stateDict());
        refused(() -> s.loadStateDict(sd), before, () -> snapshot(s.stateDict()), mentions);
    }

    @Test
    void aSchedulerRefusesAnotherKindsState() {
        Map<String, Object> cosine = new CosineAnnealingLR(sgd(), 10).stateDict();
        schedulerRefuses(new StepLR(sgd(), 3), cosine, "CosineAnnealingLR", "StepLR");
        // a state PyTorch wrote carries no kind, but its settings give it away
        Map<String, Object> pytorch = new LinkedHashMap<>(cosine);
        pytorch.remove(LRScheduler.KIND);
        pytorch.put("T_max", 10);
        pytorch.put("eta_min", 0.0);
        schedulerRefuses(new StepLR(sgd(), 3), pytorch, "T_max", "CosineAnnealingLR");
        // and one of the right kind loads
        Map<String, Object> step = new LinkedHashMap<>(new StepLR(sgd(), 3).stateDict());
        step.remove(LRScheduler.KIND);
        step.put("step_size", 3);
        step.put("gamma", 0.1);
        step.put("last_epoch", 4);
        StepLR s = new StepLR(sgd(), 3);
        s.loadStateDict(step);
        assertEquals(4, s.lastEpoch());
    }

    @Test
    void schedulerRangesAndLengthsAreChecked() {
        Map<String, Object> sd = new LinkedHashMap<>(new StepLR(sgd(), 3).stateDict());
        sd.put("last_epoch", -5);
        schedulerRefuses(new StepLR(sgd(), 3), sd, "last_epoch", "-5");
        sd = new LinkedHashMap<>(new StepLR(sgd(), 3).stateDict());
        sd.put("_last_lr", List.of(0.1, 0.2));
        schedulerRefuses(new StepLR(sgd(), 3), sd, "_last_lr", "2");
        sd = new LinkedHashMap<>(new StepLR(sgd(), 3).stateDict());
        sd.put("base_lrs", List.of(Double.NaN));
        schedulerRefuses(new StepLR(sgd(), 3), sd, "base_lrs[0]", "NaN");
        sd = new LinkedHashMap<>(new StepLR(sgd(), 3).stateDict());
        sd.put("_step_count", 1.5);
        schedulerRefuses(new StepLR(sgd(), 3), sd, "_step_count", "1.5");
        sd = new LinkedHashMap<>(new StepLR(sgd(), 3).stateDict());
        sd.put("last_epoch", 4294967297L);
        schedulerRefuses(new StepLR(sgd(), 3), sd, "last_epoch", "4294967297");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBadChildLeavesTheWholeSequenceAsItWas() {
        Optimizer o = sgd();
        SequentialLR seq = new SequentialLR(o, List.of(new StepLR(o, 2), new ExponentialLR(o, 0.9)), new int[]{3});
        for (int i = 0; i < 5; i++) seq.step();
        Map<String, Object> sd = deepCopy(new SequentialLR(o, List.of(new StepLR(o, 2), new ExponentialLR(o, 0.9)), new int[]{3}).stateDict());
        ((Map<String, Object>) ((List<Object>) sd.get("_schedulers")).get(1)).put("last_epoch", -1);
        Object before = snapshot(seq.stateDict());
        refused(() -> seq.loadStateDict(sd), before, () -> snapshot(seq.stateDict()), "_schedulers[1]", "last_epoch", "-1");
    }

    @Test
    void plateauChecksItsState() {
        ReduceLROnPlateau p = ReduceLROnPlateau.builder(sgd()).build();
        Map<String, Object> sd = new LinkedHashMap<>(p.stateDict());
        sd.put("_last_lr", List.of());
        Object before = snapshot(p.stateDict());
        refused(() -> p.loadStateDict(sd), before, () -> snapshot(p.stateDict()), "_last_lr", "0");
        Map<String, Object> other = new StepLR(sgd(), 2).stateDict();
        refused(() -> p.loadStateDict(other), before, () -> snapshot(p.stateDict()), "StepLR");
    }
}
