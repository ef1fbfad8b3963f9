package org.jgrad.metrics;

import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named metrics updated together from the same (preds, targets), like torchmetrics'
 * MetricCollection. {@code compute()} returns each metric's result under its name, in the order
 * they were added.
 *
 * <p><b>Compute groups</b> (torchmetrics' {@code compute_groups}): metrics that count the same
 * statistics of the same inputs — {@link StatefulMetric}s with equal
 * {@link StatefulMetric#statisticsKey() statistics keys} and state declarations, such as Dice,
 * IoU, precision, recall and accuracy {@link BinaryScore}s with one {@link org.jgrad.backend.BinaryStatsSpec},
 * or every {@link ConfusionScore} and {@link ConfusionMatrix} with one number of classes and
 * ignore index — share one state, so each {@link #update} runs the counting pass once per
 * group, and each member computes its own scores from the shared counts (exactly what it would
 * compute alone: the counts are the same integers). Groups form at the first update (or
 * merge/sync) after a metric is added, among metrics that hold no state yet; configure a metric
 * before its first update. A member of a group shares its state from then on: updating, merging
 * into or resetting it directly acts on the whole group's counts.
 *
 * <p>{@link #merge} and {@link #sync} act once per group (on its first member), {@link #reset}
 * on every metric.
 */
public final class MetricCollection implements Metric<Map<String, Object>> {
    private final Map<String, Metric<?>> metrics = new LinkedHashMap<>();
    private List<List<String>> groups; // names, first = the member that updates; null until formed

    public synchronized MetricCollection add(String name, Metric<?> metric) {
        MetricChecks.notNull(name, "name");
        MetricChecks.notNull(metric, "metric");
        if (metrics.containsKey(name)) throw new IllegalArgumentException("a metric named '" + name + "' is already in this collection");
        metrics.put(name, metric);
        groups = null;
        return this;
    }

    public Metric<?> get(String name) {
        Metric<?> m = metrics.get(name);
        if (m == null) throw new IllegalArgumentException("no metric named '" + name + "'; have " + metrics.keySet());
        return m;
    }

    public Map<String, Metric<?>> metrics() { return Collections.unmodifiableMap(metrics); }

    /** The compute groups, as lists of names in insertion order; a metric sharing nothing is a group of one. */
    public synchronized List<List<String>> computeGroups() {
        List<List<String>> out = new ArrayList<>();
        for (List<String> g : groups()) out.add(List.copyOf(g));
        return out;
    }

    private List<List<String>> groups() {
        if (groups == null) groups = formGroups();
        return groups;
    }

    /** Joins each stateful metric to the group already sharing its state, or to a group it can share with while both are empty. */
    private List<List<String>> formGroups() {
        List<List<String>> out = new ArrayList<>();
        for (var e : metrics.entrySet()) {
            List<String> home = null;
            if (e.getValue() instanceof StatefulMetric<?> s) {
                for (List<String> g : out) {
                    if (metrics.get(g.get(0)) instanceof StatefulMetric<?> leader && (leader.states == s.states || canShare(leader, s))) {
                        s.states = leader.states;
                        home = g;
                        break;
                    }
                }
            }
            if (home == null) out.add(home = new ArrayList<>());
            home.add(e.getKey());
        }
        return out;
    }

    private static boolean canShare(StatefulMetric<?> leader, StatefulMetric<?> s) {
        synchronized (leader.states) {
            synchronized (s.states) {
                return !leader.states.exists() && !s.states.exists()
                        && leader.states.declarations().equals(s.states.declarations())
                        && leader.statisticsKey().equals(s.statisticsKey());
            }
        }
    }

    /** Counts the batch once per compute group (the group's first member updates the shared state). */
    @Override
    public synchronized void update(Tensor preds, Tensor targets) {
        for (List<String> g : groups()) metrics.get(g.get(0)).update(preds, targets);
    }

    @Override
    public synchronized Map<String, Object> compute() {
        Map<String, Object> out = new LinkedHashMap<>();
        metrics.forEach((k, m) -> out.put(k, m.compute()));
        return out;
    }

    @Override
    public synchronized void reset() {
        for (Metric<?> m : metrics.values()) m.reset();
    }

    /** Merges the other collection's metrics by name, once per compute group of this one. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    @Override
    public synchronized void merge(Metric<Map<String, Object>> other) {
        if (!(other instanceof MetricCollection o)) {
            throw new IllegalArgumentException("can only merge another MetricCollection, got " + (other == null ? "null" : other.getClass().getSimpleName()));
        }
        if (o == this) throw new IllegalArgumentException("cannot merge a MetricCollection into itself");
        if (!o.metrics.keySet().equals(metrics.keySet())) {
            throw new IllegalArgumentException("cannot merge a collection of " + o.metrics.keySet() + " into one of " + metrics.keySet());
        }
        for (List<String> g : groups()) ((Metric) metrics.get(g.get(0))).merge((Metric) o.metrics.get(g.get(0)));
    }

    /** Syncs once per compute group, in group order (the same on every rank for collections built alike). */
    @Override
    public synchronized void sync(StateReducer reducer) {
        MetricChecks.notNull(reducer, "reducer");
        for (List<String> g : groups()) metrics.get(g.get(0)).sync(reducer);
    }
}
