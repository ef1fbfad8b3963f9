package org.jgrad.nn;

import org.jgrad.autograd.Grad;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of every layer, like {@code torch.nn.Module}: named parameters (tensors that require
 * grad), buffers (state such as running means) and child modules; train/eval mode; a state
 * dict with dotted names. Subclasses read their tensors through {@link #param} and
 * {@link #buffer} so that {@link #to(Device)} and {@link #loadStateDict} can replace them.
 * Build the optimizer after moving the model, as in PyTorch.
 */
public abstract class Module {
    private final LinkedHashMap<String, Tensor> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** The layer's computation. */
    public abstract Tensor forward(Tensor input);

    /** Same as {@link #forward}, PyTorch's {@code model(x)}. */
    public final Tensor apply(Tensor input) { return forward(input); }

    // ------------------------------------------------------------ registration

    protected final Tensor registerParameter(String name, Tensor t) {
        checkName(name);
        if (t != null) {
            Scope.escape(t);
            t.requiresGrad(true);
        }
        parameters.put(name, t);
        return t;
    }

    protected final Tensor registerBuffer(String name, Tensor t) {
        checkName(name);
        if (t != null) Scope.escape(t);
        buffers.put(name, t);
        return t;
    }

    protected final <M extends Module> M registerModule(String name, M m) {
        checkName(name);
        children.put(name, m);
        return m;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module member name must be non-empty and contain no '.', got '" + name + "'");
        }
    }

    /** The parameter registered as {@code name} (null if registered as null, e.g. no bias). */
    protected final Tensor param(String name) {
        if (!parameters.containsKey(name)) throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter '" + name + "'");
        return parameters.get(name);
    }

    protected final Tensor buffer(String name) {
        if (!buffers.containsKey(name)) throw new IllegalArgumentException(getClass().getSimpleName() + " has no buffer '" + name + "'");
        return buffers.get(name);
    }

    /** Replaces a buffer's tensor (e.g. running statistics updated out of place). */
    protected final void setBuffer(String name, Tensor t) {
        buffer(name);
        if (t != null) Scope.escape(t);
        buffers.put(name, t);
    }

    // ------------------------------------------------------------ traversal

    public final Map<String, Module> children() { return Collections.unmodifiableMap(children); }

    /** All parameters, depth first, in registration order. */
    public final List<Tensor> parameters() { return new ArrayList<>(namedParameters().values()); }

    public final LinkedHashMap<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, false);
        return out;
    }

    public final LinkedHashMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false, true);
        return out;
    }

    /** Parameters and buffers with dotted names, as {@code model.state_dict()}. */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, true);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean params, boolean bufs) {
        if (params) parameters.forEach((k, v) -> { if (v != null) out.put(prefix + k, v); });
        if (bufs) buffers.forEach((k, v) -> { if (v != null) out.put(prefix + k, v); });
        children.forEach((k, m) -> m.collect(prefix + k + ".", out, params, bufs));
    }

    /**
     * Copies values from {@code state} into this module's parameters and buffers (shapes must
     * match). With {@code strict}, missing or unexpected keys are an error listing them. The whole
     * state is checked (keys, value types, closed tensors, shapes) before any value is copied, so
     * a refused state leaves the module as it was.
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        if (state == null) throw new IllegalArgumentException("loadStateDict: state must not be null");
        LinkedHashMap<String, Tensor> mine = stateDict();
        if (strict) {
            List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
            for (String k : mine.keySet()) if (!state.containsKey(k)) missing.add(k);
            for (Object k : state.keySet()) if (!mine.containsKey(k)) unexpected.add(String.valueOf(k));
            if (!missing.isEmpty() || !unexpected.isEmpty()) {
                throw new IllegalArgumentException("loadStateDict: missing keys " + missing + ", unexpected keys " + unexpected);
            }
        }
        List<Tensor[]> copies = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            if (!state.containsKey(e.getKey())) continue;
            // a map that came through an unchecked cast (a deserialized state) may hold anything
            Object v = ((Map<?, ?>) state).get(e.getKey());
            String key = "'" + e.getKey() + "'";
            if (!(v instanceof Tensor src)) {
                throw new IllegalArgumentException("loadStateDict: " + key + " must be a Tensor, got " + (v == null ? "null" : v.getClass().getSimpleName()));
            }
            if (src.isClosed()) throw new IllegalArgumentException("loadStateDict: " + key + " is a closed tensor");
            Tensor dst = e.getValue();
            if (!Arrays.equals(src.shape(), dst.shape())) {
                throw new IllegalArgumentException("loadStateDict: " + key + " has shape " + Arrays.toString(src.shape())
                        + " in the state but " + Arrays.toString(dst.shape()) + " in the model");
            }
            copies.add(new Tensor[]{src, dst});
        }
        try (var off = Grad.off()) {
            for (Tensor[] c : copies) {
                Tensor src = c[0], dst = c[1];
                boolean leaf = dst.requiresGrad();
                if (leaf) dst.requiresGrad(false);
                dst.copy_(src);
                if (leaf) dst.requiresGrad(true);
            }
        }
    }

    // ------------------------------------------------------------ modes, devices, grads

    public Module train(boolean on) {
        training = on;
        for (Module m : children.values()) m.train(on);
        return this;
    }

    public final Module train() { return train(true); }

    public final Module eval() { return train(false); }

    public final boolean isTraining() { return training; }

    /** Moves every parameter and buffer to {@code device} (new tensors; build optimizers afterwards). */
    public Module to(Device device) {
        try (var off = Grad.off()) {
            for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
                Tensor t = e.getValue();
                if (t == null || t.device().equals(device)) continue;
                Tensor moved = Scope.escape(t.to(device));
                moved.requiresGrad(true);
                e.setValue(moved);
                t.close();
            }
            for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
                Tensor t = e.getValue();
                if (t == null || t.device().equals(device)) continue;
                e.setValue(Scope.escape(t.to(device)));
                t.close();
            }
        }
        for (Module m : children.values()) m.to(device);
        return this;
    }

    /** Drops every parameter's gradient (set to null, PyTorch's default). */
    public final void zeroGrad() {
        for (Tensor p : parameters()) p.zeroGrad();
    }

    /** Number of scalar parameters. */
    public final long numParameters() {
        long n = 0;
        for (Tensor p : parameters()) n += p.numel();
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            sb.append('\n');
            children.forEach((k, m) -> sb.append("  (").append(k).append("): ").append(m.toString().replace("\n", "\n  ")).append('\n'));
        }
        return sb.append(')').toString();
    }

    /** Constructor arguments for {@link #toString()}, like PyTorch's extra_repr. */
    protected String extraRepr() { return ""; }
}
