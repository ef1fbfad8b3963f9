package org.jgrad.optim;

/**
 * Cosine annealing from the base rate to {@code etaMin} over {@code tMax} epochs, then back up
 * (PyTorch's {@code CosineAnnealingLR}, SGDR without restarts), in PyTorch's recursive form:
 * <pre>
 * lr_t = (1 + cos(pi t / T)) / (1 + cos(pi (t-1) / T)) * (lr_{t-1} - eta_min) + eta_min
 * </pre>
 * with PyTorch's special cases for t = 0, the first step of a resumed schedule, and t - 1 = (2k+1) T.
 * Checks (PyTorch has none): tMax &gt; 0, etaMin finite and &gt;= 0.
 */
public final class CosineAnnealingLR extends LRScheduler {
    private final int tMax;
    private final double etaMin;

    public CosineAnnealingLR(Optimizer optimizer, int tMax) { this(optimizer, tMax, 0); }

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        Checks.positive("T_max", tMax);
        Checks.nonNegative("eta_min", etaMin);
        this.tMax = tMax;
        this.etaMin = etaMin;
        initialStep();
    }

    @Override
    protected double[] chainedLr() {
        double[] lr = groupLrs();
        if (lastEpoch == 0) return lr;
        if (stepCount == 1 && lastEpoch > 0) return closedFormLr();
        if (Math.floorMod(lastEpoch - 1 - tMax, 2 * tMax) == 0) {
            // PyTorch zips base rates with groups here: a group added after construction is left alone
            double[] out = new double[Math.min(lr.length, baseLrs.length)];
            for (int i = 0; i < out.length; i++) out[i] = lr[i] + (baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            return out;
        }
        double ratio = (1 + Math.cos(Math.PI * lastEpoch / tMax)) / (1 + Math.cos(Math.PI * (lastEpoch - 1) / tMax));
        for (int i = 0; i < lr.length; i++) lr[i] = ratio * (lr[i] - etaMin) + etaMin;
        return lr;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lr = baseLrs.clone();
        for (int i = 0; i < lr.length; i++) lr[i] = etaMin + (lr[i] - etaMin) * (1 + Math.cos(Math.PI * lastEpoch / tMax)) / 2;
        return lr;
    }
}
