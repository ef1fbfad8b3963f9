package org.jgrad.nn;

import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** {@code torch.nn.Sequential}: applies its modules in order; they are children named "0", "1", ... */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    /** Appends {@code m}; returns this for chaining. */
    public Sequential add(Module m) {
        if (m == null) throw new IllegalArgumentException("Sequential: module " + layers.size() + " is null");
        registerModule(Integer.toString(layers.size()), m);
        layers.add(m);
        return this;
    }

    public Module get(int index) {
        if (index < 0 || index >= layers.size()) {
            throw new IndexOutOfBoundsException("Sequential: index " + index + " out of range for " + layers.size() + " modules");
        }
        return layers.get(index);
    }

    public int size() { return layers.size(); }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Module m : layers) x = m.forward(x);
        return x;
    }
}
