package org.jgrad.examples;

import org.jgrad.nn.loss.Loss;
import org.jgrad.tensor.Tensor;

/** The sum of two losses on the same outputs (BCE + Dice, the usual pair for binary masks). */
final class SumLoss extends Loss {
    private final Loss a, b;

    SumLoss(Loss a, Loss b) {
        this.a = a;
        this.b = b;
        registerModule("0", a);
        registerModule("1", b);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) { return a.forward(input, target).add(b.forward(input, target)); }
}
