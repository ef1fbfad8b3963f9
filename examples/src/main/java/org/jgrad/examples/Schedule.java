package org.jgrad.examples;

import org.jgrad.optim.CosineAnnealingLR;
import org.jgrad.optim.ExponentialLR;
import org.jgrad.optim.LRScheduler;
import org.jgrad.optim.MultiStepLR;
import org.jgrad.optim.Optimizer;
import org.jgrad.optim.ReduceLROnPlateau;
import org.jgrad.optim.StepLR;
import org.jgrad.train.LrSchedule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The learning-rate schedule chosen with {@code --scheduler}, stepped as its kind requires: the
 * epoch schedulers once after each epoch, ReduceLROnPlateau with that epoch's validation loss.
 */
final class Schedule implements LrSchedule {
    private final Options.SchedulerKind kind;
    private final LRScheduler epochWise;       // step, multistep, exponential, cosine
    private final ReduceLROnPlateau plateau;  // plateau

    Schedule(Options o, Optimizer opt) {
        this.kind = o.scheduler;
        this.epochWise = switch (kind) {
            case STEP -> new StepLR(opt, o.stepSize, o.gamma);
            case MULTISTEP -> new MultiStepLR(opt, o.milestones.stream().mapToInt(Integer::intValue).toArray(), o.gamma);
            case EXPONENTIAL -> new ExponentialLR(opt, o.gamma);
            case COSINE -> new CosineAnnealingLR(opt, o.effectiveTMax(), o.etaMin);
            case NONE, PLATEAU -> null;
        };
        this.plateau = kind == Options.SchedulerKind.PLATEAU
                ? ReduceLROnPlateau.builder(opt).mode("min").factor(o.factor).patience(o.patience).threshold(o.threshold).minLr(o.minLr).build()
                : null;
    }

    /** After epoch's end: {@code valLoss} is NaN when there is no validation set. */
    @Override
    public void afterEpoch(double valLoss) {
        if (epochWise != null) epochWise.step();
        if (plateau != null) {
            if (Double.isNaN(valLoss)) throw new IllegalStateException("ReduceLROnPlateau needs a validation loss");
            plateau.step(valLoss);
        }
    }

    static String describe(Options o) {
        return switch (o.scheduler) {
            case NONE -> "constant lr";
            case STEP -> "StepLR(step_size=" + o.stepSize + ", gamma=" + o.gamma + ")";
            case MULTISTEP -> "MultiStepLR(milestones=" + o.milestones + ", gamma=" + o.gamma + ")";
            case EXPONENTIAL -> "ExponentialLR(gamma=" + o.gamma + ")";
            case COSINE -> "CosineAnnealingLR(T_max=" + o.effectiveTMax() + ", eta_min=" + o.etaMin + ")";
            case PLATEAU -> "ReduceLROnPlateau(on validation loss, factor=" + o.factor + ", patience=" + o.patience + ")";
        };
    }

    /** The state to checkpoint, or an empty map for a constant lr. */
    @Override
    public Map<String, Object> stateDict() {
        if (epochWise != null) return epochWise.stateDict();
        if (plateau != null) return plateau.stateDict();
        return new LinkedHashMap<>();
    }

    @Override
    public void loadStateDict(Map<String, Object> state) {
        Map<String, Object> s = restoreNonFinite(state);
        if (epochWise != null) epochWise.loadStateDict(s);
        if (plateau != null) plateau.loadStateDict(s);
    }

    /** JSON has no Infinity/NaN: the codec writes them as strings ("Infinity"); turn them back into doubles. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> restoreNonFinite(Map<String, Object> m) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) r.put(e.getKey(), restore(e.getValue()));
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Object restore(Object v) {
        if (v instanceof String s && (s.equals("Infinity") || s.equals("-Infinity") || s.equals("NaN"))) return Double.parseDouble(s);
        if (v instanceof Map<?, ?> m) return restoreNonFinite((Map<String, Object>) m);
        if (v instanceof List<?> l) return l.stream().map(Schedule::restore).toList();
        return v;
    }
}
