package org.jgrad.optim;

import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every scheduler's learning-rate sequence against PyTorch 1.13 (src-test/refs/optim/make_refs.py):
 * two parameter groups (base rates 0.1 and 0.03), the rate after construction and after each of
 * 30 epochs, and ReduceLROnPlateau's decisions (rate, best, bad-epoch count, cooldown counter) on
 * metric sequences with plateaus, sub-threshold improvements, cooldowns, floors and eps.
 */
class SchedulerReferenceTest {
    /** Rates are products of the same factors in the same order; only cos/pow may differ in the last ulp. */
    private static final double REL = 1e-14;

    static Optimizer twoGroups(List<Double> baseLrs) {
        List<ParamGroup> groups = new ArrayList<>();
        for (double lr : baseLrs) groups.add(ParamGroup.of(Tensor.zeros(1).requiresGrad(true)).lr(lr));
        return new SGD(groups, ParamGroup.defaults());
    }

    @SuppressWarnings("unchecked")
    static LRScheduler build(Optimizer o, Map<String, Object> spec) {
        String type = (String) spec.get("type");
        return switch (type) {
            case "StepLR" -> new StepLR(o, num(spec, "step_size").intValue(), num(spec, "gamma"));
            case "MultiStepLR" -> new MultiStepLR(o, ints((List<Double>) spec.get("milestones")), num(spec, "gamma"));
            case "ExponentialLR" -> new ExponentialLR(o, num(spec, "gamma"));
            case "CosineAnnealingLR" -> new CosineAnnealingLR(o, num(spec, "T_max").intValue(), num(spec, "eta_min"));
            case "LinearLR" -> new LinearLR(o, num(spec, "start_factor"), num(spec, "end_factor"), num(spec, "total_iters").intValue());
            case "LambdaLR" -> {
                // the script's functions: 1 / (1 + e) ** 0.5 and 0.95 ** e
                IntToDoubleFunction invSqrt = e -> 1 / Math.pow(1 + e, 0.5), pow095 = e -> Math.pow(0.95, e);
                yield new LambdaLR(o, List.of(invSqrt, pow095));
            }
            case "SequentialLR", "ChainedScheduler" -> {
                List<LRScheduler> children = new ArrayList<>();
                for (Map<String, Object> c : (List<Map<String, Object>>) spec.get("schedulers")) children.add(build(o, c));
                yield type.equals("ChainedScheduler") ? new ChainedScheduler(children)
                        : new SequentialLR(o, children, ints((List<Double>) spec.get("milestones")));
            }
            default -> throw new IllegalArgumentException(type);
        };
    }

    private static Double num(Map<String, Object> m, String k) { return (Double) m.get(k); }

    private static int[] ints(List<Double> l) { return l.stream().mapToInt(Double::intValue).toArray(); }

    static double[] lrs(Optimizer o) { return o.paramGroups().stream().mapToDouble(ParamGroup::lr).toArray(); }

    static void assertLrs(List<Double> want, double[] got, String where) {
        assertEquals(want.size(), got.length, where);
        for (int i = 0; i < got.length; i++) {
            assertEquals(want.get(i), got[i], REL * Math.abs(want.get(i)), where + " group " + i);
        }
    }

    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> epochSchedulersMatchPyTorch() {
        Map<String, Object> ref = MiniJson.readResource("/optim/schedulers.json");
        List<Double> base = (List<Double>) ref.get("base_lrs");
        return ((List<Map<String, Object>>) ref.get("cases")).stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> {
            Optimizer o = twoGroups(base);
            LRScheduler s = build(o, (Map<String, Object>) c.get("spec"));
            List<List<Double>> seq = (List<List<Double>>) c.get("lrs");
            assertLrs(seq.get(0), lrs(o), "after construction");
            for (int e = 1; e < seq.size(); e++) {
                o.step();
                s.step();
                assertLrs(seq.get(e), lrs(o), "epoch " + e);
            }
            assertLrs((List<Double>) c.get("last_lr"), s.lastLr(), "lastLr");
        }));
    }

    static ReduceLROnPlateau plateau(Optimizer o, Map<String, Object> opts) {
        var b = ReduceLROnPlateau.builder(o);
        for (Map.Entry<String, Object> e : opts.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "mode" -> b.mode((String) v);
                case "factor" -> b.factor((Double) v);
                case "patience" -> b.patience(((Double) v).intValue());
                case "threshold" -> b.threshold((Double) v);
                case "threshold_mode" -> b.thresholdMode((String) v);
                case "cooldown" -> b.cooldown(((Double) v).intValue());
                case "eps" -> b.eps((Double) v);
                case "min_lr" -> {
                    if (v instanceof List<?> l) b.minLr(l.stream().mapToDouble(x -> (Double) x).toArray());
                    else b.minLr((Double) v);
                }
                default -> throw new IllegalArgumentException(e.getKey());
            }
        }
        return b.build();
    }

    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> reduceOnPlateauDecidesAsPyTorch() {
        Map<String, Object> ref = MiniJson.readResource("/optim/plateau.json");
        List<Double> base = (List<Double>) ref.get("base_lrs");
        return ((List<Map<String, Object>>) ref.get("cases")).stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> {
            Optimizer o = twoGroups(base);
            ReduceLROnPlateau s = plateau(o, (Map<String, Object>) c.get("options"));
            List<Double> metrics = (List<Double>) c.get("metrics");
            List<List<Double>> seq = (List<List<Double>>) c.get("lrs");
            List<Map<String, Object>> trace = (List<Map<String, Object>>) c.get("trace");
            for (int e = 0; e < metrics.size(); e++) {
                o.step();
                s.step(metrics.get(e));
                String where = "epoch " + e + " metric " + metrics.get(e);
                // the decisions are comparisons and products of the same doubles: exact equality
                List<Double> want = seq.get(e);
                for (int g = 0; g < want.size(); g++) assertEquals(want.get(g), lrs(o)[g], 0.0, where + " group " + g);
                assertEquals((Double) trace.get(e).get("best"), s.best(), 0.0, where + " best");
                assertEquals(((Double) trace.get(e).get("bad")).intValue(), s.numBadEpochs(), where + " num_bad_epochs");
                assertEquals(((Double) trace.get(e).get("cooldown")).intValue(), s.cooldownCounter(), where + " cooldown_counter");
                for (int g = 0; g < want.size(); g++) assertEquals(want.get(g), s.lastLr()[g], 0.0, where + " lastLr");
            }
        }));
    }
}
