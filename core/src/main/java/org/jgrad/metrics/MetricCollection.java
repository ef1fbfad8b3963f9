package org.jgrad.metrics;

import org.jgrad.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named metrics updated together from the same (preds, targets), like torchmetrics'
 * MetricCollection. {@code compute()} returns each metric's result under its name, in the order
 * they were added.
 */
public final class MetricCollection implements Metric<Map<String, Object>> {
    private final Map<String, Metric<?>> metrics = new LinkedHashMap<>();

    public MetricCollection add(String name, Metric<?> metric) {
        MetricChecks.notNull(name, "name");
        MetricChecks.notNull(metric, "metric");
        if (metrics.containsKey(name)) throw new IllegalArgumentException("a metric named '" + name + "' is already in this collection");
        metrics.put(name, metric);
        return this;
    }

    public Metric<?> get(String name) {
        Metric<?> m = metrics.get(name);
        if (m == null) throw new IllegalArgumentException("no metric named '" + name + "'; have " + metrics.keySet());
        return m;
    }

    public Map<String, Metric<?>> metrics() { return Collections.unmodifiableMap(metrics); }

    @Override
    public void update(Tensor preds, Tensor targets) {
        for (Metric<?> m : metrics.values()) m.update(preds, targets);
    }

    @Override
    public Map<String, Object> compute() {
        Map<String, Object> out = new LinkedHashMap<>();
        metrics.forEach((k, m) -> out.put(k, m.compute()));
        return out;
    }

    @Override
    public void reset() {
        for (Metric<?> m : metrics.values()) m.reset();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Override
    public void merge(Metric<Map<String, Object>> other) {
        if (!(other instanceof MetricCollection o)) {
            throw new IllegalArgumentException("can only merge another MetricCollection, got " + (other == null ? "null" : other.getClass().getSimpleName()));
        }
        if (!o.metrics.keySet().equals(metrics.keySet())) {
            throw new IllegalArgumentException("cannot merge a collection of " + o.metrics.keySet() + " into one of " + metrics.keySet());
        }
        for (var e : metrics.entrySet()) ((Metric) e.getValue()).merge((Metric) o.metrics.get(e.getKey()));
    }
}
