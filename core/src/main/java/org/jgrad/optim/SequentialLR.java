package org.jgrad.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs schedulers one after another, switching at the milestone epochs (PyTorch's
 * {@code SequentialLR}), e.g. a {@link LinearLR} warm-up then {@link CosineAnnealingLR}. Exactly
 * as PyTorch: construction resets every group to its {@code initial_lr}, undoes the initial step
 * of every child and redoes the first child's; at a milestone the next child restarts at its
 * epoch 0 through its closed form. Checks as PyTorch (same optimizer, one more scheduler than
 * milestones); added: milestones strictly increasing and &gt; 0.
 */
public final class SequentialLR extends LRScheduler {
    private final List<LRScheduler> schedulers;
    private final int[] milestones;

    public SequentialLR(Optimizer optimizer, List<LRScheduler> schedulers, int[] milestones) {
        super(optimizer);
        Objects.requireNonNull(schedulers, "schedulers");
        Objects.requireNonNull(milestones, "milestones");
        if (schedulers.isEmpty()) throw new IllegalArgumentException("SequentialLR needs at least one scheduler");
        for (int i = 0; i < schedulers.size(); i++) {
            if (Objects.requireNonNull(schedulers.get(i), "schedulers contains null").optimizer() != optimizer) {
                throw new IllegalArgumentException("Sequential Schedulers expects all schedulers to belong to the same optimizer, but got "
                        + "schedulers at index " + i + " to be different than the optimizer passed in.");
            }
        }
        if (milestones.length != schedulers.size() - 1) {
            throw new IllegalArgumentException("Sequential Schedulers expects number of schedulers provided to be one more than the number "
                    + "of milestone points, but got number of schedulers " + schedulers.size() + " and the number of milestones to be equal to "
                    + milestones.length);
        }
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] <= 0 || (i > 0 && milestones[i] <= milestones[i - 1])) {
                throw new IllegalArgumentException("Invalid milestones " + java.util.Arrays.toString(milestones)
                        + " (must be > 0 and strictly increasing)");
            }
        }
        this.schedulers = List.copyOf(schedulers);
        this.milestones = milestones.clone();
        lastEpoch = 0;
        for (ParamGroup g : optimizer.paramGroups()) g.lr(g.initialLr());
        for (LRScheduler s : this.schedulers) s.lastEpoch -= 1;
        this.schedulers.get(0).initialStep();
        lastLr = this.schedulers.get(0).lastLr();
    }

    @Override
    protected double[] chainedLr() { throw new UnsupportedOperationException("SequentialLR delegates to its schedulers"); }

    @Override
    public void step() {
        lastEpoch++;
        int idx = 0; // bisect_right(milestones, lastEpoch)
        while (idx < milestones.length && milestones[idx] <= lastEpoch) idx++;
        LRScheduler s = schedulers.get(idx);
        if (idx > 0 && milestones[idx - 1] == lastEpoch) s.step(0);
        else s.step();
        lastLr = s.lastLr();
    }

    /** Own state plus {@code "_schedulers"}: the children's state dicts in order. */
    @Override
    public Map<String, Object> stateDict() {
        return Composite.withChildren(super.stateDict(), schedulers);
    }

    @Override
    Runnable checkedLoad(Map<String, Object> stateDict) {
        Runnable own = super.checkedLoad(stateDict);
        Runnable children = Composite.checkedChildren(stateDict, schedulers, "SequentialLR");
        return () -> {
            own.run();
            children.run();
        };
    }
}
