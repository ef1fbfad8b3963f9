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

    /** It takes no step of its own at construction (its children did): its own epoch starts at -1. */
    @Override
    int firstEpoch() { return -1; }

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
    Runnable checkedLoad(Map<String, Object> stateDict) {
        Runnable own = super.checkedLoad(stateDict);
        Runnable children = Composite.checkedChildren(stateDict, schedulers, "ChainedScheduler");
        return () -> {
            own.run();
            children.run();
        };
    }
}
