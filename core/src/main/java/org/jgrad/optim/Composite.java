package org.jgrad.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** State-dict plumbing shared by the schedulers that hold schedulers. */
final class Composite {
    private Composite() {}

    static List<Map<String, Object>> children(Map<String, Object> stateDict, int expected, String who) {
        Object v = StateDicts.stringKeys(java.util.Objects.requireNonNull(stateDict, "stateDict")).get("_schedulers");
        if (!(v instanceof List<?> l) || l.size() != expected) {
            throw new IllegalArgumentException(who + ": state dict must hold '_schedulers', a list of " + expected + " state dicts, got " + v);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) out.add(StateDicts.map(l.get(i), "_schedulers[" + i + "]"));
        return out;
    }

    /** Adds the children's state dicts, in order, under {@code "_schedulers"} to {@code own}. */
    static Map<String, Object> withChildren(Map<String, Object> own, List<LRScheduler> schedulers) {
        List<Object> children = new ArrayList<>();
        for (LRScheduler s : schedulers) children.add(s.stateDict());
        own.put("_schedulers", children);
        return own;
    }

    /** Checks every child's state in {@code "_schedulers"} and returns what restores them all. */
    static Runnable checkedChildren(Map<String, Object> stateDict, List<LRScheduler> schedulers, String who) {
        List<Map<String, Object>> children = children(stateDict, schedulers.size(), who);
        List<Runnable> loads = new ArrayList<>();
        for (int i = 0; i < schedulers.size(); i++) {
            try {
                loads.add(schedulers.get(i).checkedLoad(children.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(who + ": _schedulers[" + i + "]: " + e.getMessage(), e);
            }
        }
        return () -> loads.forEach(Runnable::run);
    }
}
