package org.jgrad.optim;

/**
 * Scales the rate linearly from {@code startFactor} to {@code endFactor} times the base over
 * {@code totalIters} epochs, then holds it (PyTorch's {@code LinearLR}; a warm-up when the start
 * factor is small). Checks as PyTorch: factors in [0, 1]; added (PyTorch 1.13 divides by zero
 * otherwise): startFactor &gt; 0 and totalIters &gt; 0.
 */
public final class LinearLR extends LRScheduler {
    private final double startFactor, endFactor;
    private final int totalIters;

    /** PyTorch's defaults: start 1/3, end 1, five epochs. */
    public LinearLR(Optimizer optimizer) { this(optimizer, 1.0 / 3, 1.0, 5); }

    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        super(optimizer);
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("Invalid start_factor: " + startFactor + " (must be in (0, 1])");
        }
        Checks.inClosed("end_factor", endFactor, 0, 1);
        Checks.positive("total_iters", totalIters);
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        initialStep();
    }

    @Override
    protected double[] chainedLr() {
        double[] lr = groupLrs();
        if (lastEpoch == 0) {
            for (int i = 0; i < lr.length; i++) lr[i] = lr[i] * startFactor;
            return lr;
        }
        if (lastEpoch > totalIters) return lr;
        double f = 1. + (endFactor - startFactor) / (totalIters * startFactor + (lastEpoch - 1) * (endFactor - startFactor));
        for (int i = 0; i < lr.length; i++) lr[i] = lr[i] * f;
        return lr;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lr = baseLrs.clone();
        double f = startFactor + (endFactor - startFactor) * Math.min(totalIters, lastEpoch) / totalIters;
        for (int i = 0; i < lr.length; i++) lr[i] = lr[i] * f;
        return lr;
    }
}
