package org.jgrad.optim;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * SGD, Adam and AdamW trajectories against PyTorch 1.13 (src-test/refs/optim/make_refs.py):
 * every SGD combination of momentum, dampening, weight decay and nesterov, maximize, two groups
 * with their own options, parameters whose gradient is missing on some steps; Adam and AdamW
 * with and without weight decay and amsgrad. The gradient is {@code 2 p + shift[t]}, computed
 * here as in the script, so it follows the trajectory and errors compound over the ten steps.
 */
class OptimizerReferenceTest {

    @TestFactory
    Stream<DynamicTest> float64MatchesPyTorch() {
        // float64: PyTorch's vectorised loops contract some multiply-adds, so allow a few ulps of drift
        // (measured: at most 4e-16 relative over ten steps)
        return cases("/optim/optimizers_float64.json", 2e-15);
    }

    @TestFactory
    Stream<DynamicTest> float32MatchesPyTorch() {
        // float32: the same operations in float; differences come only from contracted multiply-adds
        // (measured: at most 3.6e-7 relative, three float ulps, over ten steps)
        return cases("/optim/optimizers_float32.json", 1e-6);
    }

    @SuppressWarnings("unchecked")
    private Stream<DynamicTest> cases(String resource, double relTol) {
        Map<String, Object> ref = MiniJson.readResource(resource);
        DType dtype = ref.get("dtype").equals("float64") ? DType.FLOAT64 : DType.FLOAT32;
        List<List<Double>> init = (List<List<Double>>) ref.get("init");
        List<List<Double>> shift = (List<List<Double>>) ref.get("shift");
        List<Map<String, Object>> cases = (List<Map<String, Object>>) ref.get("cases");
        return cases.stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> runCase(c, dtype, init, shift, relTol)));
    }

    static Tensor vector(List<Double> values, DType dtype) {
        double[] d = values.stream().mapToDouble(Double::doubleValue).toArray();
        if (dtype == DType.FLOAT64) return Tensor.fromArray(d, d.length);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return Tensor.fromArray(f, f.length);
    }

    /** The script's gradient, 2 p + shift, rounded once in the parameter's dtype as torch does. */
    static Tensor gradient(Tensor p, List<Double> shift) {
        if (p.dtype() == DType.FLOAT64) {
            double[] v = p.toDoubleArray();
            for (int i = 0; i < v.length; i++) v[i] = v[i] * 2.0 + shift.get(i);
            return Tensor.fromArray(v, v.length);
        }
        float[] v = p.toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = v[i] * 2.0f + (float) (double) shift.get(i);
        return Tensor.fromArray(v, v.length);
    }

    @SuppressWarnings("unchecked")
    static ParamGroup group(Tensor p, Map<String, Object> o) {
        ParamGroup g = ParamGroup.of(p);
        for (Map.Entry<String, Object> e : o.entrySet()) {
            Object v = e.getValue();
            switch (e.getKey()) {
                case "lr" -> g.lr((Double) v);
                case "momentum" -> g.momentum((Double) v);
                case "dampening" -> g.dampening((Double) v);
                case "weight_decay" -> g.weightDecay((Double) v);
                case "nesterov" -> g.nesterov((Boolean) v);
                case "maximize" -> g.maximize((Boolean) v);
                case "eps" -> g.eps((Double) v);
                case "amsgrad" -> g.amsgrad((Boolean) v);
                case "betas" -> g.betas(((List<Double>) v).get(0), ((List<Double>) v).get(1));
                default -> throw new IllegalArgumentException("unknown option in reference: " + e.getKey());
            }
        }
        return g;
    }

    static Optimizer build(String kind, List<ParamGroup> groups) {
        return switch (kind) {
            case "SGD" -> new SGD(groups, ParamGroup.defaults());
            case "Adam" -> new Adam(groups, ParamGroup.defaults());
            case "AdamW" -> new AdamW(groups, ParamGroup.defaults());
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @SuppressWarnings("unchecked")
    private void runCase(Map<String, Object> c, DType dtype, List<List<Double>> init, List<List<Double>> shift, double relTol) {
        List<Map<String, Object>> groupOptions = (List<Map<String, Object>>) c.get("groups");
        List<Tensor> params = new ArrayList<>();
        List<ParamGroup> groups = new ArrayList<>();
        for (int g = 0; g < groupOptions.size(); g++) {
            Tensor p = vector(init.get(g), dtype).requiresGrad(true);
            params.add(p);
            groups.add(group(p, groupOptions.get(g)));
        }
        Set<String> skip = new HashSet<>();
        for (List<Double> s : (List<List<Double>>) c.get("skip")) skip.add(s.get(0).intValue() + "/" + s.get(1).intValue());
        Optimizer opt = build((String) c.get("optimizer"), groups);
        List<List<List<Double>>> traj = (List<List<List<Double>>>) c.get("trajectory");
        double worst = 0;
        for (int t = 0; t < traj.size(); t++) {
            opt.zeroGrad();
            for (int g = 0; g < params.size(); g++) {
                if (!skip.contains(t + "/" + g)) params.get(g).setGrad(gradient(params.get(g), shift.get(t)));
            }
            opt.step();
            for (int g = 0; g < params.size(); g++) {
                double[] got = params.get(g).toDoubleArray();
                List<Double> want = traj.get(t).get(g);
                for (int i = 0; i < got.length; i++) {
                    double w = want.get(i), err = Math.abs(got[i] - w) / Math.max(1.0, Math.abs(w));
                    worst = Math.max(worst, err);
                    if (!(err <= relTol)) {
                        fail(c.get("name") + ": step " + t + " group " + g + " element " + i + ": got " + got[i] + ", PyTorch " + w
                                + " (relative error " + err + " > " + relTol + ")");
                    }
                }
            }
        }
        assertTrue(worst <= relTol);
    }
}
