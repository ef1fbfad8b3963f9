package org.jgrad.optim;

import org.jgrad.backend.FusedOptim;
import org.jgrad.backend.FusedOptim.SgdHyper;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stochastic gradient descent with PyTorch 1.13's exact update ({@code torch.optim.SGD}):
 * <pre>
 * d = g (negated when maximize) + weight_decay * p
 * b = d on a parameter's first step, else momentum * b + (1 - dampening) * d     (when momentum != 0)
 * d = nesterov ? d + momentum * b : b
 * p = p - lr * d
 * </pre>
 * Checks, as PyTorch: lr &gt;= 0, weight_decay &gt;= 0, nesterov needs momentum &gt; 0 and zero
 * dampening. Added where PyTorch is silent (an issue requirement): momentum in [0, 1) (PyTorch only
 * rejects momentum &lt; 0), dampening in [0, 1], and every value finite. Groups are checked too,
 * not only the defaults.
 */
public final class SGD extends Optimizer {
    private static final Set<String> OPTIONS = Set.of("lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize");

    /** Plain SGD. */
    public SGD(Iterable<Tensor> params, double lr) { this(params, lr, 0, 0, 0, false); }

    /** SGD with momentum. */
    public SGD(Iterable<Tensor> params, double lr, double momentum) { this(params, lr, momentum, 0, 0, false); }

    /** PyTorch's positional arguments: {@code SGD(params, lr, momentum, dampening, weight_decay, nesterov)}. */
    public SGD(Iterable<Tensor> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        this(List.of(ParamGroup.of(params)),
                ParamGroup.defaults().lr(lr).momentum(momentum).dampening(dampening).weightDecay(weightDecay).nesterov(nesterov));
    }

    /**
     * Groups with their own options; {@code defaults} fill the options a group leaves unset
     * (momentum, dampening, weight decay 0; nesterov, maximize false; lr has no default).
     */
    public SGD(List<ParamGroup> groups, ParamGroup defaults) {
        super("SGD", groups, withDefaults(defaults), OPTIONS);
    }

    private static ParamGroup withDefaults(ParamGroup d) {
        if (d == null) throw new NullPointerException("defaults");
        ParamGroup out = ParamGroup.defaults();
        for (Map.Entry<String, Object> e : d.options().entrySet()) out.put(e.getKey(), e.getValue());
        out.putIfAbsent("momentum", 0.0);
        out.putIfAbsent("dampening", 0.0);
        out.putIfAbsent("weight_decay", 0.0);
        out.putIfAbsent("nesterov", false);
        out.putIfAbsent("maximize", false);
        return out;
    }

    @Override
    protected void validate(ParamGroup g, String where) {
        try {
            if (g.has("lr")) Checks.nonNegative("lr", g.lr());
            double momentum = g.number("momentum"), dampening = g.number("dampening");
            Checks.inHalfOpen("momentum", momentum, 0, 1);
            Checks.inClosed("dampening", dampening, 0, 1);
            Checks.nonNegative("weight_decay", g.number("weight_decay"));
            g.flag("maximize");
            if (g.flag("nesterov") && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening (momentum="
                        + momentum + ", dampening=" + dampening + ")");
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("SGD " + where + ": " + e.getMessage(), e);
        }
    }

    static SgdHyper hyper(ParamGroup g) {
        return new SgdHyper(g.lr(), g.number("momentum"), g.number("dampening"), g.number("weight_decay"),
                g.flag("nesterov"), g.flag("maximize"));
    }

    @Override
    protected void update(ParamGroup group, Batch batch) {
        SgdHyper h = hyper(group);
        List<Tensor> buffers = null;
        boolean[] first = null;
        if (h.momentum() != 0) {
            buffers = new ArrayList<>(batch.size());
            first = new boolean[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                Tensor p = batch.params().get(i);
                State s = (State) state(p);
                if (s == null) putState(p, s = new State());
                if (s.buffer == null) {
                    // filled by the step itself from the first gradient (PyTorch: buf = clone(d_p))
                    s.buffer = Scope.escape(Tensor.empty(p.dtype(), p.device(), p.shape()));
                    first[i] = true;
                }
                buffers.add(s.buffer);
            }
        } else {
            for (Tensor p : batch.params()) if (state(p) == null) putState(p, new State());
        }
        var fused = batch.backend().capability(FusedOptim.class);
        if (fused.isPresent()) fused.get().sgdStep(raw(batch.data()), raw(batch.grads()), raw(buffers), first, h);
        else ComposedSteps.sgdStep(batch.data(), batch.grads(), buffers, first, h);
    }

    /** The momentum buffer of {@code p} (null before its first step with momentum): a read-only look for tests and tools. */
    public Tensor momentumBuffer(Tensor p) {
        State s = (State) state(p);
        return s == null ? null : s.buffer;
    }

    private static final class State extends ParamState {
        Tensor buffer;

        @Override
        protected Map<String, Object> save() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (buffer != null) m.put("momentum_buffer", StateDicts.copy(buffer));
            return m;
        }

        @Override
        public void close() {
            if (buffer != null) buffer.close();
            buffer = null;
        }
    }

    @Override
    protected ParamState loadState(Tensor p, Map<String, Object> saved, String where) {
        State s = new State();
        Object b = saved.get("momentum_buffer");
        if (b != null) s.buffer = StateDicts.tensorLike(p, b, where + " momentum_buffer");
        return s;
    }
}
