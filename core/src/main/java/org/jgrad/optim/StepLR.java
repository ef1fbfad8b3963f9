package org.jgrad.optim;

/**
 * Multiplies the rate by {@code gamma} every {@code stepSize} epochs (PyTorch's {@code StepLR}):
 * {@code lr = base * gamma^(epoch / stepSize)} when nothing else changes it.
 * Checks (PyTorch has none): stepSize &gt; 0, gamma finite and &gt;= 0.
 */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    public StepLR(Optimizer optimizer, int stepSize) { this(optimizer, stepSize, 0.1); }

    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        Checks.positive("step_size", stepSize);
        Checks.nonNegative("gamma", gamma);
        this.stepSize = stepSize;
        this.gamma = gamma;
        initialStep();
    }

    @Override
    protected double[] chainedLr() {
        double[] lr = groupLrs();
        if (lastEpoch == 0 || lastEpoch % stepSize != 0) return lr;
        for (int i = 0; i < lr.length; i++) lr[i] = lr[i] * gamma;
        return lr;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lr = baseLrs.clone();
        for (int i = 0; i < lr.length; i++) lr[i] = lr[i] * Math.pow(gamma, Math.floorDiv(lastEpoch, stepSize));
        return lr;
    }
}
