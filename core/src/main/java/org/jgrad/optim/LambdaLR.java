package org.jgrad.optim;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.IntToDoubleFunction;

/**
 * Sets each group's rate to its base rate times {@code lambda(epoch)} (PyTorch's {@code LambdaLR}).
 * The functions are not part of the state dict; the rebuilt scheduler brings its own.
 */
public final class LambdaLR extends LRScheduler {
    private final List<IntToDoubleFunction> lambdas;

    /** One function for every group. */
    public LambdaLR(Optimizer optimizer, IntToDoubleFunction lambda) {
        this(optimizer, Collections.nCopies(optimizer.paramGroups().size(), Objects.requireNonNull(lambda, "lambda")));
    }

    /** One function per group. */
    public LambdaLR(Optimizer optimizer, List<IntToDoubleFunction> lambdas) {
        super(optimizer);
        Objects.requireNonNull(lambdas, "lambdas");
        if (lambdas.size() != optimizer.paramGroups().size()) {
            throw new IllegalArgumentException("Expected " + optimizer.paramGroups().size() + " lr_lambdas, but got " + lambdas.size());
        }
        for (IntToDoubleFunction f : lambdas) Objects.requireNonNull(f, "lambdas contains null");
        this.lambdas = List.copyOf(lambdas);
        initialStep();
    }

    @Override
    protected double[] chainedLr() {
        double[] lr = baseLrs.clone();
        for (int i = 0; i < lr.length; i++) lr[i] = lr[i] * lambdas.get(i).applyAsDouble(lastEpoch);
        return lr;
    }
}
