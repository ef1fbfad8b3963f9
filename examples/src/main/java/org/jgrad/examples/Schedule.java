package org.jgrad.examples;

import org.jgrad.optim.Optimizer;

import java.util.LinkedHashMap;
import java.util.Map;

/** Placeholder until the schedulers land in core: a constant learning rate only. */
final class Schedule {
    Schedule(Options o, Optimizer opt) {
        if (o.scheduler != Options.SchedulerKind.NONE) throw new AppException("--scheduler needs jgrad's LR schedulers, not in this build yet");
    }

    void epochEnd(double valLoss) {}

    String describe(Options o) { return "constant lr"; }

    Map<String, Object> stateDict() { return new LinkedHashMap<>(); }

    void loadStateDict(Map<String, Object> state) {}
}
