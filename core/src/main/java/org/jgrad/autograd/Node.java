package org.jgrad.autograd;

import org.jgrad.tensor.Tensor;

/**
 * One recorded operation of the define-by-run tape: its inputs and the function that maps the
 * gradient of its output to the gradients of its inputs. The backward function holds the saved
 * tensors; it is dropped after use unless the graph is retained, so a second backward through
 * the same graph fails clearly instead of silently using freed buffers.
 */
public final class Node {
    private final String name;
    private final Tensor[] inputs;
    private BackwardFn fn;

    Node(String name, Tensor[] inputs, BackwardFn fn) {
        this.name = name;
        this.inputs = inputs;
        this.fn = fn;
    }

    public String name() { return name; }

    public Tensor[] inputs() { return inputs; }

    Tensor[] apply(Tensor grad, boolean retain) {
        BackwardFn f = fn;
        if (f == null) {
            throw new IllegalStateException("Trying to backward through the graph a second time (through '" + name
                    + "'): its saved tensors were freed after the first backward; pass retainGraph=true to the first call");
        }
        if (!retain) fn = null;
        return f.apply(grad);
    }

    @Override
    public String toString() { return name + "Backward"; }
}
