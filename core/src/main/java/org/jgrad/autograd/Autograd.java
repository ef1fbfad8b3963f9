package org.jgrad.autograd;

import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Records ops on the tape and runs the reverse pass. Op authors use {@link #record}. */
public final class Autograd {
    private Autograd() {}

    /**
     * Attaches a backward function to {@code out} when recording is on and any input requires
     * a gradient; returns {@code out}. The function runs with recording off.
     */
    public static Tensor record(Tensor out, String name, Tensor[] inputs, BackwardFn fn) {
        return record(out, name, inputs, inputs, fn);
    }

    /**
     * As {@link #record(Tensor, String, Tensor[], BackwardFn)}, naming the tensors {@code fn}
     * reads at backward ({@code saved}: inputs, the output, or others; nulls are skipped). Their
     * storage versions are noted now, and backward refuses to run {@code fn} when one of them
     * was written in place since. The shorter form saves every input, the safe default.
     */
    public static Tensor record(Tensor out, String name, Tensor[] inputs, Tensor[] saved, BackwardFn fn) {
        if (!Grad.isEnabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) { any = true; break; }
        if (!any) return out;
        out.setGradFn(new Node(name, inputs.clone(), saved, fn));
        return out;
    }

    /** For {@link #record(Tensor, String, Tensor[], Tensor[], BackwardFn)}: an op whose backward reads no tensor. */
    public static final Tensor[] SAVES_NOTHING = new Tensor[0];

    /** The tensors an op saves for backward (nulls allowed). */
    public static Tensor[] saves(Tensor... tensors) { return tensors; }

    /** Sums a broadcast gradient back down to {@code shape} (NumPy broadcasting reversed). */
    public static Tensor sumToShape(Tensor grad, int[] shape) {
        int[] gs = grad.shape();
        if (Arrays.equals(gs, shape)) return grad;
        int lead = gs.length - shape.length;
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < gs.length; i++) {
            if (i < lead) dims.add(i);
            else if (shape[i - lead] == 1 && gs[i] != 1) dims.add(i);
        }
        Tensor r = grad;
        if (!dims.isEmpty()) r = grad.sum(dims.stream().mapToInt(Integer::intValue).toArray(), true);
        return r.reshape(shape);
    }

    /** The reverse pass from {@code root} with initial gradient {@code seed}. */
    public static void backward(Tensor root, Tensor seed, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("element 0 of tensors does not require grad and does not have a grad_fn: "
                    + "backward() needs a tensor computed from parameters or tensors with requiresGrad(true)");
        }
        if (!Arrays.equals(seed.shape(), root.shape())) {
            throw new IllegalArgumentException("backward: gradient shape " + Arrays.toString(seed.shape())
                    + " does not match tensor shape " + Arrays.toString(root.shape()));
        }
        try (var off = Grad.off()) {
            if (root.gradFn() == null) { // a leaf
                accumulateLeaf(root, seed);
                LeafHooks.fire(root);
                return;
            }
            List<Node> order = topologicalOrder(root.gradFn());
            LeafHooks.Pass hooked = LeafHooks.count(order); // null unless a leaf of this graph has a hook
            Map<Node, Tensor> pending = new IdentityHashMap<>();
            pending.put(root.gradFn(), seed);
            for (Node node : order) {
                Tensor g = pending.remove(node);
                if (g == null) { // unreachable for gradient purposes
                    if (hooked != null) for (Tensor in : node.inputs()) hooked.contributed(in, false);
                    continue;
                }
                Tensor[] grads = node.apply(g, retainGraph);
                Tensor[] inputs = node.inputs();
                if (grads.length != inputs.length) {
                    throw new IllegalStateException(node + " returned " + grads.length + " gradients for " + inputs.length + " inputs");
                }
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    Tensor gi = grads[i];
                    if (in == null || gi == null || !in.requiresGrad()) {
                        if (hooked != null) hooked.contributed(in, false);
                        continue;
                    }
                    if (!Arrays.equals(gi.shape(), in.shape())) {
                        throw new IllegalStateException(node + " produced gradient of shape " + Arrays.toString(gi.shape())
                                + " for input " + i + " of shape " + Arrays.toString(in.shape()));
                    }
                    Node producer = in.gradFn();
                    if (producer == null) {
                        accumulateLeaf(in, gi);
                        if (hooked != null) hooked.contributed(in, true);
                    } else {
                        Tensor prev = pending.get(producer);
                        pending.put(producer, prev == null ? gi : prev.add(gi));
                    }
                }
            }
        }
    }

    /**
     * Registers {@code hook} to run during every later backward pass once {@code leaf}'s
     * gradient has received all of that pass's contributions (PyTorch's
     * {@code register_post_accumulate_grad_hook}); it runs once per pass that reaches the leaf,
     * after the last accumulation. {@code leaf} must be a leaf that requires grad. Hooks of one
     * leaf run in registration order.
     */
    public static HookHandle registerPostAccumulateGradHook(Tensor leaf, PostAccumulateGradHook hook) {
        return LeafHooks.register(leaf, hook);
    }

    private static void accumulateLeaf(Tensor leaf, Tensor g) {
        Tensor cur = leaf.grad();
        if (cur == null) {
            Tensor own = g.contiguousCopy().to(leaf.dtype());
            leaf.setGrad(Scope.escape(own));
        } else {
            cur.add_(g);
        }
    }

    /** Nodes in reverse topological order (root first): each node after everything that uses it. */
    private static List<Node> topologicalOrder(Node root) {
        List<Node> post = new ArrayList<>();
        Map<Node, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[]{root, 0});
        visited.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Node n = (Node) frame[0];
            int i = (Integer) frame[1];
            Tensor[] ins = n.inputs();
            if (i < ins.length) {
                frame[1] = i + 1;
                Tensor in = ins[i];
                if (in != null && in.gradFn() != null && visited.put(in.gradFn(), Boolean.TRUE) == null) {
                    stack.push(new Object[]{in.gradFn(), 0});
                }
            } else {
                stack.pop();
                post.add(n);
            }
        }
        java.util.Collections.reverse(post);
        return post;
    }
}
