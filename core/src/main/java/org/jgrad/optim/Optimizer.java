package org.jgrad.optim;

import org.jgrad.backend.Backends;
import org.jgrad.autograd.Grad;
import org.jgrad.backend.Backend;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;
import org.jgrad.tensor.View;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Base of the optimizers, after PyTorch's {@code torch.optim.Optimizer}: parameter groups with
 * their own hyper-parameters, per-parameter state created at a parameter's first gradient,
 * {@link #zeroGrad()}, {@link #step()} and a state dict.
 *
 * <p>A step skips parameters whose gradient is {@code null} (PyTorch's behaviour for
 * {@code grad = None}; {@link #zeroGrad()} sets gradients to {@code null}, PyTorch 2's default).
 * The update of each group is one call of a backend primitive over all its parameters on a device
 * (see {@link org.jgrad.backend.FusedOptim}), so the math lives in one place and a GPU backend
 * can run it as one fused launch.
 *
 * <p>State dict layout (PyTorch's, with Java values): {@code "state"} maps a parameter's index
 * (counting through the groups in order) to its state (tensors are copies; counts are Longs), and
 * {@code "param_groups"} lists each group's options with {@code "params"}: its parameters' indices.
 */
public abstract class Optimizer implements AutoCloseable {
    private final String name;
    private final Set<String> optionNames;
    private final ParamGroup defaults;
    private final List<ParamGroup> groups = new ArrayList<>();
    private final Map<Tensor, ParamState> state = new IdentityHashMap<>();
    private final Map<Tensor, Boolean> allParams = new IdentityHashMap<>();

    /**
     * @param name        for messages ("SGD")
     * @param groups      the parameter groups
     * @param defaults    options for options a group leaves unset; every option this optimizer knows except perhaps lr
     * @param optionNames the options this optimizer takes (PyTorch names); others are rejected
     */
    protected Optimizer(String name, List<ParamGroup> groups, ParamGroup defaults, Set<String> optionNames) {
        this.name = name;
        this.optionNames = Set.copyOf(optionNames);
        Objects.requireNonNull(groups, "groups");
        Objects.requireNonNull(defaults, "defaults");
        if (!defaults.params().isEmpty()) throw new IllegalArgumentException(name + ": defaults must not hold parameters");
        checkOptionNames(defaults, "defaults");
        validate(defaults, "defaults");
        this.defaults = defaults;
        // PyTorch raises for an empty parameter list; groups that are all empty are refused alike
        if (groups.stream().allMatch(g -> g == null || g.params().isEmpty())) {
            throw new IllegalArgumentException(name + " got an empty parameter list");
        }
        for (ParamGroup g : groups) addParamGroup(g);
    }

    /** Adds a group (options it leaves unset take this optimizer's defaults), like {@code add_param_group}. */
    public final void addParamGroup(ParamGroup group) {
        Objects.requireNonNull(group, "group");
        String where = "parameter group " + groups.size();
        checkOptionNames(group, where);
        Map<Tensor, Boolean> mine = new IdentityHashMap<>();
        for (Tensor p : group.params()) {
            if (p.isClosed()) throw new IllegalArgumentException(name + ": " + where + " holds a closed tensor");
            if (!p.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException(name + " can only optimize floating-point tensors, " + where + " holds a " + p.dtype() + " one");
            }
            if (!p.isLeaf()) throw new IllegalArgumentException(name + " can't optimize a non-leaf Tensor (" + where + ")");
            if (allParams.containsKey(p) || mine.put(p, Boolean.TRUE) != null) {
                throw new IllegalArgumentException(name + ": some parameters appear in more than one parameter group (" + where + ")");
            }
        }
        for (Map.Entry<String, Object> e : defaults.options().entrySet()) group.putIfAbsent(e.getKey(), e.getValue());
        if (!group.has("lr")) throw new IllegalArgumentException(name + ": " + where + " didn't specify a value of required optimization parameter lr");
        validate(group, where);
        allParams.putAll(mine);
        groups.add(group);
    }

    private void checkOptionNames(ParamGroup g, String where) {
        for (String k : g.options().keySet()) {
            if (!optionNames.contains(k) && !k.equals("initial_lr")) {
                throw new IllegalArgumentException(name + " does not take option '" + k + "' (" + where + "); it takes " + optionNames);
            }
        }
    }

    /** Checks a group's options (those present), naming {@code where} in messages. */
    protected abstract void validate(ParamGroup group, String where);

    public final List<ParamGroup> paramGroups() { return Collections.unmodifiableList(groups); }

    /** Drops every parameter's gradient ({@code grad = None}). */
    public void zeroGrad() {
        for (ParamGroup g : groups) for (Tensor p : g.params()) p.zeroGrad();
    }

    /** Evaluates {@code closure} (which should compute the loss and call backward) and steps; returns its loss. */
    public final Tensor step(Supplier<Tensor> closure) {
        Tensor loss = Objects.requireNonNull(closure, "closure").get();
        step();
        return loss;
    }

    /** One update of every parameter that has a gradient. */
    public final void step() {
        try (Grad.Off off = Grad.off()) {
            for (int gi = 0; gi < groups.size(); gi++) {
                ParamGroup g = groups.get(gi);
                validate(g, "parameter group " + gi); // a scheduler or the user may have changed it
                Map<Device, Batch> byDevice = new LinkedHashMap<>();
                for (Tensor p : g.params()) {
                    Tensor grad = p.grad();
                    if (grad == null) continue;
                    checkGrad(p, grad);
                    byDevice.computeIfAbsent(p.device(), d -> new Batch(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), Backends.of(d)))
                            .add(p, grad);
                }
                for (Batch b : byDevice.values()) {
                    try {
                        update(g, b);
                    } finally {
                        b.finish();
                    }
                }
            }
        }
    }

    private void checkGrad(Tensor p, Tensor grad) {
        if (p.isClosed()) throw new IllegalStateException(name + ": a parameter was closed");
        if (grad.isClosed()) throw new IllegalStateException(name + ": a parameter's gradient was closed");
        if (!Arrays.equals(p.shape(), grad.shape()) || p.dtype() != grad.dtype() || !p.device().equals(grad.device())) {
            throw new IllegalStateException(name + ": gradient " + Arrays.toString(grad.shape()) + " " + grad.dtype() + " on " + grad.device()
                    + " does not match its parameter " + Arrays.toString(p.shape()) + " " + p.dtype() + " on " + p.device());
        }
    }

    /**
     * The parameters of one group on one device that have gradients. {@code params} are the
     * parameters themselves (keys of their state); {@code data} and {@code grads} are contiguous
     * tensors to hand to a backend primitive ({@code data.get(i)} is {@code params.get(i)} itself,
     * or a contiguous copy written back after the update).
     */
    protected static final class Batch {
        private final List<Tensor> params, data, grads;
        private final Backend backend;
        private final List<Tensor> temporaries = new ArrayList<>();

        Batch(List<Tensor> params, List<Tensor> data, List<Tensor> grads, Backend backend) {
            this.params = params;
            this.data = data;
            this.grads = grads;
            this.backend = backend;
        }

        void add(Tensor p, Tensor grad) {
            params.add(p);
            data.add(dense(p));
            grads.add(dense(grad));
        }

        private Tensor dense(Tensor t) {
            if (t.isContiguous()) return t;
            Tensor c = Scope.escape(t.contiguousCopy());
            temporaries.add(c);
            return c;
        }

        void finish() {
            for (int i = 0; i < params.size(); i++) {
                // the primitive wrote the parameter in place: count the write, so a graph that saved it refuses it
                if (data.get(i) != params.get(i)) params.get(i).copy_(data.get(i));
                else params.get(i).storage().bumpVersion();
            }
            for (Tensor t : temporaries) t.close();
        }

        public List<Tensor> params() { return Collections.unmodifiableList(params); }

        public List<Tensor> data() { return Collections.unmodifiableList(data); }

        public List<Tensor> grads() { return Collections.unmodifiableList(grads); }

        public Backend backend() { return backend; }

        public int size() { return params.size(); }
    }

    /** Updates one batch of a group (gradients recorded off). */
    protected abstract void update(ParamGroup group, Batch batch);

    // ------------------------------------------------------------------ per-parameter state

    /** A parameter's state: tensors owned by the optimizer, and counters. */
    protected abstract static class ParamState implements AutoCloseable {
        /** The state as a state-dict entry: tensor values are fresh copies the caller owns. */
        protected abstract Map<String, Object> save();

        @Override
        public abstract void close();
    }

    /** The state of {@code p}, or null before its first step. */
    protected final ParamState state(Tensor p) { return state.get(p); }

    protected final void putState(Tensor p, ParamState s) { state.put(p, s); }

    /** Rebuilds a parameter's state from a state-dict entry (tensors are copied onto p's device and dtype). */
    protected abstract ParamState loadState(Tensor p, Map<String, Object> saved, String where);

    // ------------------------------------------------------------------ state dict

    /** Everything needed to resume: per-parameter state (copies) and every group's options. */
    public Map<String, Object> stateDict() {
        Map<String, Object> st = new LinkedHashMap<>();
        List<Object> pg = new ArrayList<>();
        int index = 0;
        for (ParamGroup g : groups) {
            Map<String, Object> gm = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : g.options().entrySet()) {
                gm.put(e.getKey(), e.getValue() instanceof List<?> l ? new ArrayList<>(l) : e.getValue());
            }
            List<Object> ids = new ArrayList<>();
            for (Tensor p : g.params()) {
                ParamState s = state.get(p);
                if (s != null) st.put(String.valueOf(index), s.save());
                ids.add(index++);
            }
            gm.put("params", ids);
            pg.add(gm);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", st);
        out.put("param_groups", pg);
        return out;
    }

    /**
     * Restores {@link #stateDict()}'s output (of an optimizer over parameters of the same shapes,
     * in the same groups). All of it is checked before anything changes.
     */
    public void loadStateDict(Map<String, Object> stateDict) {
        Objects.requireNonNull(stateDict, "stateDict");
        if (!(stateDict.get("param_groups") instanceof List<?> savedGroups)) {
            throw new IllegalArgumentException(name + ": state dict has no 'param_groups' list");
        }
        if (!(stateDict.get("state") instanceof Map<?, ?> savedState)) {
            throw new IllegalArgumentException(name + ": state dict has no 'state' map");
        }
        if (savedGroups.size() != groups.size()) {
            throw new IllegalArgumentException(name + ": loaded state dict has a different number of parameter groups ("
                    + savedGroups.size() + ", this optimizer has " + groups.size() + ")");
        }
        int total = 0;
        for (ParamGroup g : groups) total += g.params().size();
        // indexed by the saved ids, which are checked against the parameter count before use
        Tensor[] byIndex = new Tensor[total];
        List<ParamGroup> restored = new ArrayList<>();
        for (int gi = 0; gi < groups.size(); gi++) {
            String where = "parameter group " + gi;
            if (!(savedGroups.get(gi) instanceof Map<?, ?> gm) || !(gm.get("params") instanceof List<?> ids)) {
                throw new IllegalArgumentException(name + ": loaded " + where + " is not a map with a 'params' list");
            }
            ParamGroup g = groups.get(gi);
            if (ids.size() != g.params().size()) {
                throw new IllegalArgumentException(name + ": loaded state dict contains a parameter group that doesn't match the size of "
                        + "optimizer's group (" + where + ": " + ids.size() + " vs " + g.params().size() + ")");
            }
            for (int k = 0; k < ids.size(); k++) {
                int id = StateDicts.toInt(ids.get(k), "loaded " + where + " params[" + k + "]");
                if (id < 0 || id >= total) {
                    throw new IllegalArgumentException(name + ": loaded " + where + " params[" + k + "] = " + id
                            + " is not a parameter index in [0, " + total + ")");
                }
                if (byIndex[id] != null) {
                    throw new IllegalArgumentException(name + ": loaded state dict lists parameter index " + id + " twice (" + where + ")");
                }
                byIndex[id] = g.params().get(k);
            }
            ParamGroup copy = ParamGroup.defaults();
            for (Map.Entry<?, ?> e : gm.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (!key.equals("params")) copy.put(key, StateDicts.option(e.getValue(), key));
            }
            checkOptionNames(copy, "loaded " + where);
            if (!copy.has("lr")) throw new IllegalArgumentException(name + ": loaded " + where + " has no lr");
            validate(copy, "loaded " + where);
            restored.add(copy);
        }
        Map<Tensor, ParamState> loaded = new IdentityHashMap<>();
        try {
            for (Map.Entry<?, ?> e : savedState.entrySet()) {
                int id = StateDicts.toInt(e.getKey(), "state key");
                Tensor p = id >= 0 && id < byIndex.length ? byIndex[id] : null;
                if (p == null) throw new IllegalArgumentException(name + ": state dict holds state for parameter " + id
                        + ", which is not a parameter index in [0, " + total + ")");
                if (!(e.getValue() instanceof Map<?, ?> m)) throw new IllegalArgumentException(name + ": state of parameter " + id + " is not a map");
                if (loaded.containsKey(p)) throw new IllegalArgumentException(name + ": state dict holds two states for parameter " + id);
                loaded.put(p, loadState(p, StateDicts.stringKeys(m), "state of parameter " + id));
            }
        } catch (RuntimeException ex) {
            for (ParamState s : loaded.values()) s.close();
            throw ex;
        }
        for (ParamState s : state.values()) s.close();
        state.clear();
        state.putAll(loaded);
        for (int gi = 0; gi < groups.size(); gi++) {
            groups.get(gi).replaceOptions(restored.get(gi).options()); // the saved group wins, as in PyTorch
        }
    }

    /** Frees every state tensor; the optimizer starts afresh if stepped again. */
    @Override
    public void close() {
        for (ParamState s : state.values()) s.close();
        state.clear();
    }

    @Override
    public String toString() { return name + groups; }

    /** The views the optimizer primitives take, one per tensor; null for an absent list. */
    static List<View> raw(List<Tensor> tensors) {
        if (tensors == null) return null;
        List<View> views = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) views.add(t.raw());
        return views;
    }
}
