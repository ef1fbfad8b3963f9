package org.jgrad.optim;

import org.jgrad.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reduces the learning rate when a metric has stopped improving (PyTorch 1.13's
 * {@code ReduceLROnPlateau}), with the same decision on every metric sequence:
 * <ul>
 *   <li>a value is better when, in mode {@code min}, it is below {@code best * (1 - threshold)}
 *       ({@code rel}) or {@code best - threshold} ({@code abs}); in mode {@code max}, above
 *       {@code best * (1 + threshold)} or {@code best + threshold};</li>
 *   <li>otherwise it is a bad epoch; bad epochs during a cooldown are ignored;</li>
 *   <li>after more than {@code patience} bad epochs every group's rate becomes
 *       {@code max(lr * factor, min_lr)}, unless that lowers it by no more than {@code eps};
 *       then the cooldown starts.</li>
 * </ul>
 * <pre>{@code
 * var plateau = ReduceLROnPlateau.builder(optimizer).mode("max").factor(0.5).patience(3).build();
 * plateau.step(validationDice);
 * }</pre>
 * Checks as PyTorch: factor &lt; 1, mode {@code min}/{@code max}, threshold mode
 * {@code rel}/{@code abs}, one min_lr per group; added: factor &gt;= 0, patience, cooldown,
 * threshold, min_lr and eps &gt;= 0. The state dict ({@code best}, {@code num_bad_epochs},
 * {@code cooldown_counter}, {@code last_epoch}, {@code _last_lr}) may hold an infinite
 * {@code best} before the first step.
 */
public final class ReduceLROnPlateau {
    private final Optimizer optimizer;
    private final boolean maxMode, absThreshold;
    private final double factor, threshold, eps;
    private final int patience, cooldown;
    private final double[] minLrs;

    private double best;
    private int numBadEpochs;
    private int cooldownCounter;
    private int lastEpoch;
    private double[] lastLr;

    private ReduceLROnPlateau(Builder b) {
        optimizer = b.optimizer;
        int groups = optimizer.paramGroups().size();
        if (!(b.factor < 1.0)) throw new IllegalArgumentException("Factor should be < 1.0, got factor=" + b.factor);
        Checks.nonNegative("factor", b.factor);
        maxMode = switch (b.mode) {
            case "min" -> false;
            case "max" -> true;
            default -> throw new IllegalArgumentException("mode " + b.mode + " is unknown! (expected min or max)");
        };
        absThreshold = switch (b.thresholdMode) {
            case "rel" -> false;
            case "abs" -> true;
            default -> throw new IllegalArgumentException("threshold mode " + b.thresholdMode + " is unknown! (expected rel or abs)");
        };
        Checks.nonNegative("patience", b.patience);
        Checks.nonNegative("cooldown", b.cooldown);
        Checks.nonNegative("threshold", b.threshold);
        Checks.nonNegative("eps", b.eps);
        if (b.minLrs == null) {
            minLrs = new double[groups];
            Arrays.fill(minLrs, b.minLr);
        } else {
            if (b.minLrs.length != groups) throw new IllegalArgumentException("expected " + groups + " min_lrs, got " + b.minLrs.length);
            minLrs = b.minLrs.clone();
        }
        for (double m : minLrs) Checks.nonNegative("min_lr", m);
        factor = b.factor;
        threshold = b.threshold;
        eps = b.eps;
        patience = b.patience;
        cooldown = b.cooldown;
        best = worst();
        lastLr = groupLrs();
    }

    public static Builder builder(Optimizer optimizer) { return new Builder(optimizer); }

    /** PyTorch's defaults: mode min, factor 0.1, patience 10, threshold 1e-4 rel, cooldown 0, min_lr 0, eps 1e-8. */
    public ReduceLROnPlateau(Optimizer optimizer) { this(new Builder(optimizer)); }

    private double worst() { return maxMode ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY; }

    /** Records one epoch's metric and reduces the rates when it has plateaued. */
    public void step(double metric) {
        lastEpoch = lastEpoch + 1;
        if (isBetter(metric, best)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0; // bad epochs in cooldown are ignored
        }
        if (numBadEpochs > patience) {
            reduceLr();
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
        lastLr = groupLrs();
    }

    /** {@link #step(double)} with a one-element tensor's value. */
    public void step(Tensor metric) {
        Objects.requireNonNull(metric, "metric");
        step(metric.item());
    }

    private boolean isBetter(double a, double best) {
        if (!maxMode && !absThreshold) return a < best * (1. - threshold);
        if (!maxMode) return a < best - threshold;
        if (!absThreshold) return a > best * (threshold + 1.);
        return a > best + threshold;
    }

    private void reduceLr() {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size() && i < minLrs.length; i++) {
            double old = groups.get(i).lr();
            double reduced = Math.max(old * factor, minLrs[i]);
            if (old - reduced > eps) groups.get(i).lr(reduced);
        }
    }

    private double[] groupLrs() {
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] out = new double[groups.size()];
        for (int i = 0; i < out.length; i++) out[i] = groups.get(i).lr();
        return out;
    }

    /** The groups' rates after the last step (their current rates before any step). */
    public double[] lastLr() { return lastLr.clone(); }

    public double best() { return best; }

    public int numBadEpochs() { return numBadEpochs; }

    public int cooldownCounter() { return cooldownCounter; }

    public int lastEpoch() { return lastEpoch; }

    public Optimizer optimizer() { return optimizer; }

    /** The mutable state with PyTorch's keys; the configuration comes from the builder. */
    public Map<String, Object> stateDict() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(LRScheduler.KIND, "ReduceLROnPlateau");
        m.put("best", best);
        m.put("num_bad_epochs", numBadEpochs);
        m.put("cooldown_counter", cooldownCounter);
        m.put("last_epoch", lastEpoch);
        m.put("_last_lr", StateDicts.list(lastLr));
        return m;
    }

    public void loadStateDict(Map<String, Object> stateDict) {
        Map<String, Object> m = StateDicts.stringKeys(Objects.requireNonNull(stateDict, "stateDict"));
        String who = "ReduceLROnPlateau";
        LRScheduler.checkKind(m, who);
        double b = StateDicts.toDouble(StateDicts.require(m, "best", who), "best");
        int bad = StateDicts.toInt(StateDicts.require(m, "num_bad_epochs", who), "num_bad_epochs");
        int cool = StateDicts.toInt(StateDicts.require(m, "cooldown_counter", who), "cooldown_counter");
        int le = StateDicts.toInt(StateDicts.require(m, "last_epoch", who), "last_epoch");
        double[] last = StateDicts.toDoubles(StateDicts.require(m, "_last_lr", who), "_last_lr");
        Checks.nonNegative("num_bad_epochs", bad);
        Checks.nonNegative("cooldown_counter", cool);
        if (le < 0) throw new IllegalArgumentException(who + ": state dict has last_epoch " + le + ", which must be >= 0");
        int groups = optimizer.paramGroups().size();
        if (last.length != groups) {
            throw new IllegalArgumentException(who + ": state dict has " + last.length + " _last_lr values, the optimizer has " + groups + " groups");
        }
        LRScheduler.checkRates(last, "_last_lr", who);
        best = b;
        numBadEpochs = bad;
        cooldownCounter = cool;
        lastEpoch = le;
        lastLr = last;
    }

    /** Options with PyTorch's names and defaults. */
    public static final class Builder {
        private final Optimizer optimizer;
        private String mode = "min", thresholdMode = "rel";
        private double factor = 0.1, threshold = 1e-4, minLr = 0, eps = 1e-8;
        private double[] minLrs;
        private int patience = 10, cooldown = 0;

        private Builder(Optimizer optimizer) { this.optimizer = Objects.requireNonNull(optimizer, "optimizer"); }

        /** "min" (the metric should fall, e.g. a loss) or "max" (it should rise, e.g. accuracy). */
        public Builder mode(String mode) { this.mode = Objects.requireNonNull(mode, "mode"); return this; }

        public Builder factor(double factor) { this.factor = factor; return this; }

        public Builder patience(int patience) { this.patience = patience; return this; }

        public Builder threshold(double threshold) { this.threshold = threshold; return this; }

        /** "rel" or "abs". */
        public Builder thresholdMode(String thresholdMode) { this.thresholdMode = Objects.requireNonNull(thresholdMode, "thresholdMode"); return this; }

        public Builder cooldown(int cooldown) { this.cooldown = cooldown; return this; }

        /** One floor for every group. */
        public Builder minLr(double minLr) { this.minLr = minLr; this.minLrs = null; return this; }

        /** One floor per group. */
        public Builder minLr(double... minLrs) { this.minLrs = Objects.requireNonNull(minLrs, "minLrs").clone(); return this; }

        public Builder eps(double eps) { this.eps = eps; return this; }

        public ReduceLROnPlateau build() { return new ReduceLROnPlateau(this); }
    }
}
