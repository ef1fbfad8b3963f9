package org.jgrad.optim;

/**
 * Multiplies the rate by {@code gamma} every epoch (PyTorch's {@code ExponentialLR}).
 * Checks (PyTorch has none): gamma finite and &gt;= 0.
 */
public final class ExponentialLR extends LRScheduler {
    private final double gamma;

    public ExponentialLR(Optimizer optimizer, double gamma) {
        super(optimizer);
        Checks.nonNegative("gamma", gamma);
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double[] chainedLr() {
        double[] lr = groupLrs();
        if (lastEpoch == 0) return lr;
        for (int i = 0; i < lr.length; i++) lr[i] = lr[i] * gamma;
        return lr;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lr = baseLrs.clone();
        for (int i = 0; i < lr.length; i++) lr[i] = lr[i] * Math.pow(gamma, lastEpoch);
        return lr;
    }
}
