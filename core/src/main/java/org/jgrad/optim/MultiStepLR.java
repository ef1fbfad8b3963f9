package org.jgrad.optim;

import java.util.Arrays;
import java.util.Objects;

/**
 * Multiplies the rate by {@code gamma} at each milestone epoch (PyTorch's {@code MultiStepLR}); a
 * milestone listed k times multiplies by {@code gamma^k}. Checks (PyTorch has none): milestones
 * &gt;= 0, gamma finite and &gt;= 0.
 */
public final class MultiStepLR extends LRScheduler {
    private final int[] milestones; // sorted, duplicates kept (PyTorch keeps a Counter)
    private final double gamma;

    public MultiStepLR(Optimizer optimizer, int[] milestones) { this(optimizer, milestones, 0.1); }

    public MultiStepLR(Optimizer optimizer, int[] milestones, double gamma) {
        super(optimizer);
        Objects.requireNonNull(milestones, "milestones");
        for (int m : milestones) Checks.nonNegative("milestone", m);
        Checks.nonNegative("gamma", gamma);
        this.milestones = milestones.clone();
        Arrays.sort(this.milestones);
        this.gamma = gamma;
        initialStep();
    }

    private int count(int epoch) {
        int c = 0;
        for (int m : milestones) if (m == epoch) c++;
        return c;
    }

    @Override
    protected double[] chainedLr() {
        double[] lr = groupLrs();
        int c = count(lastEpoch);
        if (c == 0) return lr;
        for (int i = 0; i < lr.length; i++) lr[i] = lr[i] * Math.pow(gamma, c);
        return lr;
    }

    @Override
    protected double[] closedFormLr() {
        int passed = 0; // bisect_right: milestones <= lastEpoch
        for (int m : milestones) if (m <= lastEpoch) passed++;
        double[] lr = baseLrs.clone();
        for (int i = 0; i < lr.length; i++) lr[i] = lr[i] * Math.pow(gamma, passed);
        return lr;
    }
}
