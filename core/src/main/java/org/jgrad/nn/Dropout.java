package org.jgrad.nn;

import org.jgrad.tensor.Generator;
import org.jgrad.tensor.Tensor;

/** {@code torch.nn.Dropout}: inverted dropout in training mode, identity in eval mode. */
public final class Dropout extends Module {
    private final double p;
    private final Generator generator;

    public Dropout() { this(0.5); }

    public Dropout(double p) { this(p, Generator.defaultGenerator()); }

    /** Masks are drawn from {@code generator}, so a seeded run repeats exactly. */
    public Dropout(double p, Generator generator) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        if (generator == null) throw new IllegalArgumentException("Dropout: generator is null");
        this.p = p;
        this.generator = generator;
    }

    @Override
    public Tensor forward(Tensor input) { return org.jgrad.ops.Dropout.dropout(input, p, isTraining(), generator); }

    @Override
    protected String extraRepr() { return "p=" + p; }
}
