package org.jgrad.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Steps several schedulers of one optimizer together, each multiplying into the rate the one
 * before it set (PyTorch's {@code ChainedScheduler}), e.g. an {@link ExponentialLR} decay with a
 * {@link StepLR} drop on top.
 */
public final class ChainedScheduler extends LRScheduler {
    private final List<LRScheduler> schedulers;

    public ChainedScheduler(List<LRScheduler> schedulers) {
        super(first(schedulers).optimizer());
        for (int i = 1; i < schedulers.size(); i++) {
            if (Objects.requireNonNull(schedulers.get(i), "schedulers contains null").optimizer() != optimizer) {
                throw new IllegalArgumentException("ChainedScheduler expects all schedulers to belong to the same optimizer, but got "
                        + "schedulers at index 0 and " + i + " to be different");
            }
        }
        this.schedulers = List.copyOf(schedulers);
        lastLr = groupLrs();
    }

    private static LRScheduler first(List<LRScheduler> schedulers) {
        Objects.requireNonNull(schedulers, "schedulers");
        if (schedulers.isEmpty()) throw new IllegalArgumentException("ChainedScheduler needs at least one scheduler");
        return Objects.requireNonNull(schedulers.get(0), "schedulers contains null");
    }

    @Override
    protected double[] chainedLr() { throw new UnsupportedOperationException("ChainedScheduler delegates to its schedulers"); }

    @Override
    public void step() {
        for (LRScheduler s : schedulers) s.step();
        lastLr = groupLrs();
    }

    @Override
    public Map<String, Object> stateDict() {
        return Composite.withChildren(super.stateDict(), schedulers);
    }

    @Override
    public void loadStateDict(Map<String, Object> stateDict) {
        Composite.children(stateDict, schedulers.size(), "ChainedScheduler"); // validate before changing anything
        super.loadStateDict(stateDict);
        Composite.loadChildren(stateDict, schedulers, "ChainedScheduler");
    }
}
