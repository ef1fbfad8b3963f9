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
}
