package org.jgrad.optim;

import org.jgrad.backend.FusedOptim;
import org.jgrad.backend.FusedOptim.AdamHyper;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What {@link Adam} and {@link AdamW} share: options, checks, state; they differ in how weight decay enters. */
abstract sealed class AdamBase extends Optimizer permits Adam, AdamW {
    static final Set<String> OPTIONS = Set.of("lr", "betas", "eps", "weight_decay", "amsgrad", "maximize");

    private final String name;
    private final boolean decoupled;

    AdamBase(String name, boolean decoupled, List<ParamGroup> groups, ParamGroup defaults, double defaultWeightDecay) {
        super(name, groups, withDefaults(defaults, defaultWeightDecay), OPTIONS);
        this.name = name;
        this.decoupled = decoupled;
    }

    static ParamGroup positional(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        return ParamGroup.defaults().lr(lr).betas(beta1, beta2).eps(eps).weightDecay(weightDecay).amsgrad(amsgrad);
    }

    private static ParamGroup withDefaults(ParamGroup d, double weightDecay) {
        if (d == null) throw new NullPointerException("defaults");
        ParamGroup out = ParamGroup.defaults();
        for (Map.Entry<String, Object> e : d.options().entrySet()) out.put(e.getKey(), e.getValue());
        out.putIfAbsent("lr", 1e-3);
        out.putIfAbsent("betas", List.of(0.9, 0.999));
        out.putIfAbsent("eps", 1e-8);
        out.putIfAbsent("weight_decay", weightDecay);
        out.putIfAbsent("amsgrad", false);
        out.putIfAbsent("maximize", false);
        return out;
    }

    @Override
    protected void validate(ParamGroup g, String where) {
        try {
            if (g.has("lr")) Checks.nonNegative("lr", g.lr());
            Checks.nonNegative("eps", g.number("eps"));
            double[] b = g.betas();
            Checks.inHalfOpen("beta parameter at index 0", b[0], 0, 1);
            Checks.inHalfOpen("beta parameter at index 1", b[1], 0, 1);
            Checks.nonNegative("weight_decay", g.number("weight_decay"));
            g.flag("amsgrad");
            g.flag("maximize");
        } catch (IllegalArgumentException | IllegalStateException e) {
            // the constructor's super call validates before this.name is set
            throw new IllegalArgumentException(getClass().getSimpleName() + " " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected void update(ParamGroup group, Batch batch) {
        double[] b = group.betas();
        boolean amsgrad = group.flag("amsgrad");
        AdamHyper h = new AdamHyper(group.lr(), b[0], b[1], group.number("eps"), group.number("weight_decay"),
                decoupled, amsgrad, group.flag("maximize"));
        int n = batch.size();
        List<Tensor> m = new ArrayList<>(n), v = new ArrayList<>(n), vmax = amsgrad ? new ArrayList<>(n) : null;
        long[] steps = new long[n];
        for (int i = 0; i < n; i++) {
            Tensor p = batch.params().get(i);
            State s = (State) state(p);
            if (s == null) {
                putState(p, s = new State());
                s.expAvg = zerosLike(p);
                s.expAvgSq = zerosLike(p);
            }
            if (amsgrad && s.maxExpAvgSq == null) s.maxExpAvgSq = zerosLike(p);
            steps[i] = ++s.step;
            m.add(s.expAvg);
            v.add(s.expAvgSq);
            if (amsgrad) vmax.add(s.maxExpAvgSq);
        }
        var fused = batch.backend().capability(FusedOptim.class);
        if (fused.isPresent()) fused.get().adamStep(raw(batch.data()), raw(batch.grads()), raw(m), raw(v), raw(vmax), steps, h);
        else ComposedSteps.adamStep(batch.data(), batch.grads(), m, v, vmax, steps, h);
    }

    private static Tensor zerosLike(Tensor p) { return Scope.escape(Tensor.zeros(p.dtype(), p.device(), p.shape())); }

    /** The step count of {@code p} (0 before its first step). */
    public long stepCount(Tensor p) {
        State s = (State) state(p);
        return s == null ? 0 : s.step;
    }

    private static final class State extends ParamState {
        long step;
        Tensor expAvg, expAvgSq, maxExpAvgSq;

        @Override
        protected Map<String, Object> save() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("step", step);
            out.put("exp_avg", StateDicts.copy(expAvg));
            out.put("exp_avg_sq", StateDicts.copy(expAvgSq));
            if (maxExpAvgSq != null) out.put("max_exp_avg_sq", StateDicts.copy(maxExpAvgSq));
            return out;
        }

        @Override
        public void close() {
            for (Tensor t : new Tensor[]{expAvg, expAvgSq, maxExpAvgSq}) if (t != null) t.close();
            expAvg = expAvgSq = maxExpAvgSq = null;
        }
    }

    @Override
    protected ParamState loadState(Tensor p, Map<String, Object> saved, String where) {
        State s = new State();
        try {
            s.step = StateDicts.toLong(StateDicts.require(saved, "step", where), where + " step");
            Checks.nonNegative(where + " step", s.step);
            s.expAvg = StateDicts.tensorLike(p, StateDicts.require(saved, "exp_avg", where), where + " exp_avg");
            s.expAvgSq = StateDicts.tensorLike(p, StateDicts.require(saved, "exp_avg_sq", where), where + " exp_avg_sq");
            Object mx = saved.get("max_exp_avg_sq");
            if (mx != null) s.maxExpAvgSq = StateDicts.tensorLike(p, mx, where + " max_exp_avg_sq");
        } catch (RuntimeException e) {
            s.close();
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
        return s;
    }
}
