package org.jgrad.autograd;

import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The post-accumulate-grad hooks of leaf tensors, and the per-backward bookkeeping that fires
 * them. The tensor class holds no hook state: hooks are kept here, weakly keyed by the tensor
 * (tensors compare by identity), so a dropped parameter takes its hooks with it.
 *
 * <p>Knowing when a leaf's last contribution has arrived takes a count: before the reverse pass
 * every edge from a recorded node to a hooked leaf is counted; each processed node (or node
 * skipped because no gradient reached it) uncounts its edges, and the leaf's hooks fire when its
 * count reaches zero, provided some gradient was accumulated into it during this pass.
 */
final class LeafHooks {
    private static final Map<Tensor, List<PostAccumulateGradHook>> HOOKS = Collections.synchronizedMap(new WeakHashMap<>());

    private LeafHooks() {}

    static HookHandle register(Tensor leaf, PostAccumulateGradHook hook) {
        if (leaf == null) throw new IllegalArgumentException("registerPostAccumulateGradHook: tensor must not be null");
        if (hook == null) throw new IllegalArgumentException("registerPostAccumulateGradHook: hook must not be null");
        if (!leaf.isLeaf()) {
            throw new IllegalArgumentException("registerPostAccumulateGradHook: post accumulate grad hooks cannot be registered on "
                    + "non-leaf tensors (this one has grad_fn " + leaf.gradFn() + ")");
        }
        if (!leaf.requiresGrad()) {
            throw new IllegalArgumentException("registerPostAccumulateGradHook: cannot register a hook on a tensor that doesn't require gradient");
        }
        synchronized (HOOKS) {
            HOOKS.computeIfAbsent(leaf, k -> new ArrayList<>()).add(hook);
        }
        return new HookHandle() {
            private boolean removed;

            @Override
            public void remove() {
                synchronized (HOOKS) {
                    if (removed) return;
                    removed = true;
                    List<PostAccumulateGradHook> l = HOOKS.get(leaf);
                    if (l == null) return;
                    for (int i = 0; i < l.size(); i++) {
                        if (l.get(i) == hook) { l.remove(i); break; }
                    }
                    if (l.isEmpty()) HOOKS.remove(leaf);
                }
            }
        };
    }

    /** The hooks of {@code leaf} now, in registration order (a copy: a hook may unregister itself). */
    static List<PostAccumulateGradHook> of(Tensor leaf) {
        synchronized (HOOKS) {
            List<PostAccumulateGradHook> l = HOOKS.get(leaf);
            return l == null ? List.of() : List.copyOf(l);
        }
    }

    static boolean none() { return HOOKS.isEmpty(); }

    /** Fires {@code leaf}'s hooks now (backward on a leaf itself: one contribution, already accumulated). */
    static void fire(Tensor leaf) {
        for (PostAccumulateGradHook h : of(leaf)) h.accept(leaf);
    }

    /**
     * One backward pass's pending contributions per hooked leaf, counted over {@code order}
     * (every node that may run). Null when no leaf of the graph has a hook.
     */
    static Pass count(List<Node> order) {
        if (none()) return null;
        Map<Tensor, int[]> pending = new IdentityHashMap<>();
        for (Node n : order) {
            for (Tensor in : n.inputs()) {
                if (in == null || in.gradFn() != null || !in.requiresGrad()) continue;
                int[] c = pending.get(in);
                if (c == null) {
                    if (of(in).isEmpty()) continue;
                    pending.put(in, c = new int[1]);
                }
                c[0]++;
            }
        }
        return pending.isEmpty() ? null : new Pass(pending);
    }

    /** The countdown of one backward pass. */
    static final class Pass {
        private final Map<Tensor, int[]> pending;
        private final Map<Tensor, Boolean> received = new IdentityHashMap<>();

        private Pass(Map<Tensor, int[]> pending) { this.pending = pending; }

        /** Input {@code in} of the node just processed got (or, with {@code accumulated} false, did not get) its contribution. */
        void contributed(Tensor in, boolean accumulated) {
            if (in == null) return;
            int[] c = pending.get(in);
            if (c == null) return;
            if (accumulated) received.put(in, Boolean.TRUE);
            if (--c[0] == 0) {
                pending.remove(in);
                if (received.containsKey(in)) fire(in);
            }
        }
    }
}
