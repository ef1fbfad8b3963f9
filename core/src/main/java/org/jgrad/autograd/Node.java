package org.jgrad.autograd;

import org.jgrad.tensor.Tensor;

import java.util.Arrays;

/**
 * One recorded operation of the define-by-run tape: its inputs and the function that maps the
 * gradient of its output to the gradients of its inputs. The backward function holds the saved
 * tensors; it is dropped after use unless the graph is retained, so a second backward through
 * the same graph fails clearly instead of silently using freed buffers.
 *
 * <p>The tensors the function reads at backward are also listed here with the version of their
 * storage when the op ran: an in-place write to one of them in between (a {@code fill_}, an
 * optimizer step, a write through a view) would make the gradient silently wrong, so backward
 * refuses, as PyTorch does.
 */
public final class Node {
    private static final Tensor[] NONE = new Tensor[0];
    private static final int[] NO_VERSIONS = new int[0];

    private final String name;
    private final Tensor[] inputs;
    private final Tensor[] saved;
    private final int[] savedVersions;
    private BackwardFn fn;

    Node(String name, Tensor[] inputs, Tensor[] saved, BackwardFn fn) {
        this.name = name;
        this.inputs = inputs;
        int n = 0;
        for (Tensor t : saved) if (t != null) n++;
        this.saved = n == 0 ? NONE : new Tensor[n];
        this.savedVersions = n == 0 ? NO_VERSIONS : new int[n];
        for (int i = 0, j = 0; i < saved.length; i++) {
            if (saved[i] == null) continue;
            this.saved[j] = saved[i];
            this.savedVersions[j++] = saved[i].storage().version();
        }
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
        checkSavedVersions();
        if (!retain) fn = null;
        return f.apply(grad);
    }

    private void checkSavedVersions() {
        for (int i = 0; i < saved.length; i++) {
            if (saved[i].isClosed()) continue; // the backward function fails clearly if it reads it; it may not
            int now = saved[i].storage().version();
            if (now != savedVersions[i]) {
                Tensor t = saved[i];
                throw new IllegalStateException("one of the variables needed for gradient computation has been modified by an "
                        + "inplace operation: [" + t.dtype() + " " + Arrays.toString(t.shape()) + "], saved by " + this
                        + ", is at version " + now + "; expected version " + savedVersions[i] + " instead. "
                        + "Clone the tensor before writing to it in place, or write after backward()");
            }
        }
    }

    @Override
    public String toString() { return name + "Backward"; }
}
