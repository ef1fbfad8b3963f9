package org.jgrad.optim;

import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A list of parameters with its own hyper-parameters, like one entry of PyTorch's
 * {@code optimizer.param_groups}. Options left unset take the optimizer's defaults when the group
 * is handed to an optimizer. Option names in {@link #options()} and in state dicts are PyTorch's
 * ({@code lr}, {@code momentum}, {@code weight_decay}, {@code betas}, ...).
 * <pre>{@code
 * var sgd = new SGD(List.of(ParamGroup.of(backbone).lr(0.01), ParamGroup.of(head)),
 *                   ParamGroup.defaults().lr(0.1).momentum(0.9));
 * }</pre>
 * Schedulers change {@link #lr(double)} between steps; the optimizer reads it at each step.
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private final Map<String, Object> options = new LinkedHashMap<>();

    private ParamGroup(List<Tensor> params) {
        this.params = params;
    }

    /** A group of {@code params} (parameters are tensors that require grad). */
    public static ParamGroup of(Iterable<Tensor> params) {
        Objects.requireNonNull(params, "params");
        List<Tensor> list = new ArrayList<>();
        for (Tensor t : params) list.add(Objects.requireNonNull(t, "params contains null"));
        return new ParamGroup(Collections.unmodifiableList(list));
    }

    public static ParamGroup of(Tensor... params) { return of(List.of(params)); }

    /** A group without parameters: an optimizer's defaults. */
    public static ParamGroup defaults() { return new ParamGroup(List.of()); }

    public List<Tensor> params() { return params; }

    // ------------------------------------------------------------------ options (fluent setters)

    /** Sets the learning rate (schedulers call this); must be finite and &gt;= 0. */
    public ParamGroup lr(double lr) {
        Checks.nonNegative("lr", lr);
        options.put("lr", lr);
        return this;
    }

    public ParamGroup momentum(double momentum) { return put("momentum", momentum); }

    public ParamGroup dampening(double dampening) { return put("dampening", dampening); }

    public ParamGroup weightDecay(double weightDecay) { return put("weight_decay", weightDecay); }

    public ParamGroup nesterov(boolean nesterov) { return put("nesterov", nesterov); }

    public ParamGroup maximize(boolean maximize) { return put("maximize", maximize); }

    public ParamGroup betas(double beta1, double beta2) { return put("betas", List.of(beta1, beta2)); }

    public ParamGroup eps(double eps) { return put("eps", eps); }

    public ParamGroup amsgrad(boolean amsgrad) { return put("amsgrad", amsgrad); }

    // ------------------------------------------------------------------ reading

    /** The learning rate; every group handed to an optimizer has one. */
    public double lr() { return number("lr"); }

    /** The learning rate before any scheduler changed it, or NaN when no scheduler has been attached. */
    public double initialLr() { return has("initial_lr") ? number("initial_lr") : Double.NaN; }

    public boolean has(String option) { return options.containsKey(option); }

    /** A numeric option by its PyTorch name. */
    public double number(String option) {
        Object v = options.get(option);
        if (!(v instanceof Number n)) throw new IllegalStateException("parameter group has no numeric option '" + option + "': " + v);
        return n.doubleValue();
    }

    /** A boolean option by its PyTorch name. */
    public boolean flag(String option) {
        Object v = options.get(option);
        if (!(v instanceof Boolean b)) throw new IllegalStateException("parameter group has no boolean option '" + option + "': " + v);
        return b;
    }

    /** beta1 and beta2. */
    public double[] betas() {
        Object v = options.get("betas");
        if (!(v instanceof List<?> l) || l.size() != 2) throw new IllegalStateException("parameter group has no betas: " + v);
        return new double[]{((Number) l.get(0)).doubleValue(), ((Number) l.get(1)).doubleValue()};
    }

    /** A read-only view of the options, PyTorch names to values (Double, Boolean, List of Double). */
    public Map<String, Object> options() { return Collections.unmodifiableMap(options); }

    // ------------------------------------------------------------------ package-private plumbing

    ParamGroup put(String option, Object value) {
        options.put(option, value);
        return this;
    }

    void putIfAbsent(String option, Object value) { options.putIfAbsent(option, value); }

    void replaceOptions(Map<String, Object> replacement) {
        Map<String, Object> copy = new LinkedHashMap<>(replacement);
        options.clear();
        options.putAll(copy);
    }

    void setInitialLr(double lr) { options.put("initial_lr", lr); }

    @Override
    public String toString() { return "ParamGroup" + options + " (" + params.size() + " params)"; }
}
