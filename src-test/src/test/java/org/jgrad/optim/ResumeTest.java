package org.jgrad.optim;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.jgrad.io.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A run interrupted after some steps, saved (through JSON text: tensors as lists of numbers),
 * rebuilt from scratch and restored, continues bit for bit as the uninterrupted run.
 */
class ResumeTest {
    private static final int TOTAL = 12, CUT = 5;

    /** Optimizer and scheduler of one run; the scheduler steps after the optimizer, once per step. */
    private record Run(Optimizer opt, Object sched) {}

    private static List<Tensor> params(float[] a, float[] b) {
        return List.of(Tensor.fromArray(a.clone(), 2, 2).requiresGrad(true), Tensor.fromArray(b.clone(), 3).requiresGrad(true));
    }

    /** A gradient that depends on the parameter and the step: 2 p + sin(t + i) (computed in float). */
    private static void setGrads(List<Tensor> ps, int t) {
        for (Tensor p : ps) {
            float[] v = p.toFloatArray();
            for (int i = 0; i < v.length; i++) v[i] = v[i] * 2f + (float) Math.sin(t + i);
            p.setGrad(Tensor.fromArray(v, p.shape()));
        }
    }

    private static void stepScheduler(Object s, int t) {
        if (s instanceof LRScheduler l) l.step();
        else if (s instanceof ReduceLROnPlateau p) p.step(t % 4 == 0 ? 1.0 : 2.0); // mostly plateaus
    }

    /** Replaces tensors by float arrays so the state dict can be written as JSON. */
    @SuppressWarnings("unchecked")
    static Object jsonable(Object v) {
        if (v instanceof Tensor t) return t.toFloatArray();
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), jsonable(e.getValue()));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) out.add(jsonable(x));
            return out;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> throughJson(Map<String, Object> state) {
        return (Map<String, Object>) MiniJson.parse(MiniJson.write(jsonable(state)));
    }

    private static Map<String, Object> schedState(Object s) {
        return s instanceof LRScheduler l ? l.stateDict() : ((ReduceLROnPlateau) s).stateDict();
    }

    private static void loadSched(Object s, Map<String, Object> st) {
        if (s instanceof LRScheduler l) l.loadStateDict(st);
        else ((ReduceLROnPlateau) s).loadStateDict(st);
    }

    private void check(Function<List<Tensor>, Run> build) {
        float[] a = {0.5f, -1f, 2f, 0.25f}, b = {1.5f, -0.75f, 3f};
        // uninterrupted
        List<Tensor> ref = params(a, b);
        Run r = build.apply(ref);
        List<double[]> refLrs = new ArrayList<>();
        for (int t = 0; t < TOTAL; t++) {
            r.opt.zeroGrad();
            setGrads(ref, t);
            r.opt.step();
            if (r.sched != null) stepScheduler(r.sched, t);
            refLrs.add(lrs(r.opt));
        }
        // interrupted at CUT, saved, rebuilt, restored
        List<Tensor> first = params(a, b);
        Run r1 = build.apply(first);
        for (int t = 0; t < CUT; t++) {
            r1.opt.zeroGrad();
            setGrads(first, t);
            r1.opt.step();
            if (r1.sched != null) stepScheduler(r1.sched, t);
        }
        Map<String, Object> optState = throughJson(r1.opt.stateDict());
        Map<String, Object> schedState = r1.sched == null ? null : throughJson(schedState(r1.sched));
        List<Tensor> resumed = params(first.get(0).toFloatArray(), first.get(1).toFloatArray());
        Run r2 = build.apply(resumed);
        r2.opt.loadStateDict(optState);
        if (r2.sched != null) loadSched(r2.sched, schedState);
        for (int t = CUT; t < TOTAL; t++) {
            r2.opt.zeroGrad();
            setGrads(resumed, t);
            r2.opt.step();
            if (r2.sched != null) stepScheduler(r2.sched, t);
            assertArrayEquals(refLrs.get(t), lrs(r2.opt), "learning rates at step " + t);
        }
        for (int i = 0; i < ref.size(); i++) {
            assertArrayEquals(ref.get(i).toFloatArray(), resumed.get(i).toFloatArray(), "parameter " + i + " after " + TOTAL + " steps");
        }
    }

    private static double[] lrs(Optimizer o) { return o.paramGroups().stream().mapToDouble(ParamGroup::lr).toArray(); }

    private static List<ParamGroup> twoGroups(List<Tensor> ps) {
        return List.of(ParamGroup.of(ps.get(0)).lr(0.05), ParamGroup.of(ps.get(1)).lr(0.02).weightDecay(0.01));
    }

    @Test
    void sgdWithNesterovMomentumAndStepLr() {
        check(ps -> {
            SGD o = new SGD(twoGroups(ps), ParamGroup.defaults().momentum(0.9).nesterov(true));
            return new Run(o, new StepLR(o, 3, 0.5));
        });
    }

    @Test
    void sgdWithDampeningAndCosineAnnealing() {
        check(ps -> {
            SGD o = new SGD(twoGroups(ps), ParamGroup.defaults().momentum(0.8).dampening(0.3));
            return new Run(o, new CosineAnnealingLR(o, 7, 0.001));
        });
    }

    @Test
    void adamAmsgradWithWarmupThenCosine() {
        check(ps -> {
            Adam o = new Adam(twoGroups(ps), ParamGroup.defaults().amsgrad(true));
            return new Run(o, new SequentialLR(o, List.of(new LinearLR(o, 0.1, 1.0, 3), new CosineAnnealingLR(o, 9)), new int[]{3}));
        });
    }

    @Test
    void adamWWithMultiStepAndExponentialChained() {
        check(ps -> {
            AdamW o = new AdamW(twoGroups(ps), ParamGroup.defaults().betas(0.8, 0.99));
            return new Run(o, new ChainedScheduler(List.of(new MultiStepLR(o, new int[]{2, 6}, 0.3), new ExponentialLR(o, 0.9))));
        });
    }

    @Test
    void sgdWithReduceLrOnPlateauInCooldown() {
        check(ps -> {
            SGD o = new SGD(twoGroups(ps), ParamGroup.defaults().momentum(0.5));
            // CUT falls inside a cooldown with bad epochs counted: every counter must survive
            return new Run(o, ReduceLROnPlateau.builder(o).patience(1).cooldown(2).factor(0.5).minLr(0.004, 0.001).build());
        });
    }

    @Test
    void adamWithLambdaLr() {
        check(ps -> {
            Adam o = new Adam(twoGroups(ps), ParamGroup.defaults());
            return new Run(o, new LambdaLR(o, e -> 1.0 / (1 + e)));
        });
    }

    @Test
    void plateauStateSurvivesJsonIncludingInfiniteBest() {
        SGD o = new SGD(List.of(Tensor.zeros(1).requiresGrad(true)), 0.1);
        ReduceLROnPlateau p = ReduceLROnPlateau.builder(o).mode("max").build();
        Map<String, Object> s = throughJson(p.stateDict()); // best is -Infinity before the first step
        ReduceLROnPlateau q = ReduceLROnPlateau.builder(o).mode("max").build();
        q.loadStateDict(s);
        assertEquals(Double.NEGATIVE_INFINITY, q.best());
    }

    @Test
    void optimizerAndPlateauStateSurviveACheckpointOnDisk(@TempDir Path dir) throws IOException {
        // the train package's checkpoint: tensors to safetensors, the rest to JSON (an infinite best as a string)
        Tensor p = Tensor.fromArray(new float[]{0.3f, -0.7f}, 2).requiresGrad(true);
        SGD o = new SGD(List.of(p), 0.1, 0.9);
        ReduceLROnPlateau fresh = ReduceLROnPlateau.builder(o).patience(0).build();
        p.setGrad(Tensor.fromArray(new float[]{1f, -2f}, 2));
        o.step();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("optimizer", o.stateDict());
        state.put("scheduler", fresh.stateDict()); // best = +Infinity: never stepped
        Path saved = Checkpoint.save(dir, 1, Map.of("p", p), state);
        Checkpoint.Loaded back = Checkpoint.load(saved);

        Tensor q = back.model().get("p").requiresGrad(true);
        SGD o2 = new SGD(List.of(q), 0.1, 0.9);
        ReduceLROnPlateau s2 = ReduceLROnPlateau.builder(o2).patience(0).build();
        o2.loadStateDict(StateDicts.map(back.state().get("optimizer"), "optimizer"));
        s2.loadStateDict(StateDicts.map(back.state().get("scheduler"), "scheduler"));
        assertEquals(Double.POSITIVE_INFINITY, s2.best());
        for (Tensor t : List.of(p, q)) t.setGrad(Tensor.fromArray(new float[]{0.5f, 0.25f}, 2));
        o.step();
        o2.step();
        fresh.step(1.0);
        s2.step(1.0);
        assertArrayEquals(p.toFloatArray(), q.toFloatArray());
        assertArrayEquals(o.momentumBuffer(p).toFloatArray(), o2.momentumBuffer(q).toFloatArray());
        assertEquals(fresh.best(), s2.best());
    }

    @Test
    void float64StateRoundTripsExactlyThroughTensors() {
        // without JSON: the state dict's tensors themselves, in float64
        Tensor p = Tensor.fromArray(new double[]{0.1, -0.2, 0.3}, 3).requiresGrad(true);
        Adam o = new Adam(List.of(p), 0.01);
        for (int t = 0; t < 3; t++) {
            o.zeroGrad();
            p.setGrad(Tensor.fromArray(new double[]{Math.sin(t), Math.cos(t), 0.5}, 3));
            o.step();
        }
        Map<String, Object> st = o.stateDict();
        Tensor q = Tensor.fromArray(p.toDoubleArray(), 3).requiresGrad(true);
        Adam o2 = new Adam(List.of(q), 0.01);
        o2.loadStateDict(st);
        assertEquals(3, o2.stepCount(q));
        p.setGrad(Tensor.fromArray(new double[]{1, 2, 3}, 3));
        q.setGrad(Tensor.fromArray(new double[]{1, 2, 3}, 3));
        o.step();
        o2.step();
        assertArrayEquals(p.toDoubleArray(), q.toDoubleArray());
        assertEquals(DType.FLOAT64, ((Tensor) ((Map<?, ?>) ((Map<?, ?>) st.get("state")).get("0")).get("exp_avg")).dtype());
    }
}
