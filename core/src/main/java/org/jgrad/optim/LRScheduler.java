package org.jgrad.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Base of the epoch-indexed learning-rate schedulers, after PyTorch 1.13's {@code _LRScheduler}.
 *
 * <p>Construction records each group's {@code initial_lr} (unless a scheduler already did) as
 * {@code baseLrs}, sets {@code lastEpoch = -1} and takes the initial step, so right after
 * construction {@code lastEpoch == 0} and the groups hold the epoch-0 rate. Each {@link #step()}
 * (call it after {@code optimizer.step()}) advances {@code lastEpoch} and sets every group's rate
 * from {@link #chainedLr()}, PyTorch's recursive {@code get_lr} form: it multiplies the groups'
 * current rates, so schedulers compose with each other and with rates changed by hand.
 *
 * <p>{@link #stateDict()} holds the mutable state ({@code last_epoch}, {@code _step_count},
 * {@code base_lrs}, {@code _last_lr}; numbers and lists only, so it can be written as JSON); the
 * configuration comes from the constructor. Restore the optimizer's state dict too: the groups'
 * current rates live there.
 */
public abstract class LRScheduler {
    protected final Optimizer optimizer;
    protected double[] baseLrs;
    protected int lastEpoch;
    protected int stepCount;
    protected double[] lastLr;

    protected LRScheduler(Optimizer optimizer) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        List<ParamGroup> groups = optimizer.paramGroups();
        baseLrs = new double[groups.size()];
        for (int i = 0; i < baseLrs.length; i++) {
            ParamGroup g = groups.get(i);
            if (!g.has("initial_lr")) g.setInitialLr(g.lr());
            baseLrs[i] = g.initialLr();
        }
        lastEpoch = -1;
        lastLr = groupLrs();
    }

    /** PyTorch's {@code _initial_step}: the last line of every concrete constructor. */
    protected final void initialStep() {
        stepCount = 0;
        step();
    }

    /** The rates for {@code lastEpoch} from the groups' current rates (PyTorch's {@code get_lr}). */
    protected abstract double[] chainedLr();

    /** The rates for {@code lastEpoch} from {@code baseLrs} alone (PyTorch's {@code _get_closed_form_lr}); chained form by default. */
    protected double[] closedFormLr() { return chainedLr(); }

    /** Advances one epoch and sets every group's learning rate. */
    public void step() {
        stepCount++;
        lastEpoch++;
        apply(chainedLr());
    }

    /** PyTorch's deprecated {@code step(epoch)}: jumps to {@code epoch} with the closed form. SequentialLR uses it. */
    void step(int epoch) {
        stepCount++;
        lastEpoch = epoch;
        apply(closedFormLr());
    }

    private void apply(double[] lrs) {
        List<ParamGroup> groups = optimizer.paramGroups();
        int n = Math.min(groups.size(), lrs.length);
        for (int i = 0; i < n; i++) groups.get(i).lr(lrs[i]);
        lastLr = groupLrs();
    }

    /** The groups' current rates. */
    protected final double[] groupLrs() {
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] out = new double[groups.size()];
        for (int i = 0; i < out.length; i++) out[i] = groups.get(i).lr();
        return out;
    }

    /** The rates this scheduler last set (PyTorch's {@code get_last_lr()}). */
    public double[] lastLr() { return lastLr.clone(); }

    /** The epoch index of the last step (0 right after construction). */
    public int lastEpoch() { return lastEpoch; }

    public Optimizer optimizer() { return optimizer; }

    /**
     * The mutable state, with PyTorch's keys; values are Integers, Doubles and lists of them, plus
     * {@code "_scheduler"}: the scheduler's kind ("StepLR"), so a state is never restored into a
     * scheduler of another kind (PyTorch ignores the extra key when it loads the dict).
     */
    public Map<String, Object> stateDict() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(KIND, kind());
        m.put("last_epoch", lastEpoch);
        m.put("_step_count", stepCount);
        m.put("base_lrs", StateDicts.list(baseLrs));
        m.put("_last_lr", StateDicts.list(lastLr));
        return m;
    }

    /** The state-dict key naming the scheduler's kind. */
    static final String KIND = "_scheduler";

    /** The lowest last_epoch a constructed scheduler has: 0, as construction takes the first step. */
    int firstEpoch() { return 0; }

    /** PyTorch's name of this kind of scheduler. */
    String kind() { return getClass().getSimpleName(); }

    /**
     * Configuration keys PyTorch writes into one kind's state dict only: a state without
     * {@link #KIND} (written by PyTorch) that holds one of another kind's keys is refused.
     */
    private static final Map<String, Set<String>> PYTORCH_KEYS = Map.ofEntries(
            Map.entry("step_size", Set.of("StepLR")),
            Map.entry("milestones", Set.of("MultiStepLR")),
            Map.entry("T_max", Set.of("CosineAnnealingLR")),
            Map.entry("eta_min", Set.of("CosineAnnealingLR", "CosineAnnealingWarmRestarts")),
            Map.entry("T_0", Set.of("CosineAnnealingWarmRestarts")),
            Map.entry("start_factor", Set.of("LinearLR")),
            Map.entry("end_factor", Set.of("LinearLR")),
            Map.entry("lr_lambdas", Set.of("LambdaLR", "MultiplicativeLR")),
            Map.entry("_milestones", Set.of("SequentialLR")),
            Map.entry("_schedulers", Set.of("SequentialLR", "ChainedScheduler")),
            Map.entry("patience", Set.of("ReduceLROnPlateau")),
            Map.entry("total_steps", Set.of("OneCycleLR")),
            Map.entry("max_lrs", Set.of("CyclicLR")));

    /** Refuses a state dict of another kind of scheduler: by its {@link #KIND}, or by PyTorch's configuration keys. */
    static void checkKind(Map<String, Object> m, String kind) {
        if (m.containsKey(KIND)) {
            Object k = m.get(KIND);
            if (!kind.equals(k)) {
                throw new IllegalArgumentException(kind + ".loadStateDict: the state dict is of a " + k + " (" + KIND + " = " + k
                        + "), not of a " + kind);
            }
            return;
        }
        for (String key : m.keySet()) {
            Set<String> owners = PYTORCH_KEYS.get(key);
            if (owners != null && !owners.contains(kind)) {
                throw new IllegalArgumentException(kind + ".loadStateDict: the state dict holds '" + key + "', a setting of "
                        + String.join("/", new java.util.TreeSet<>(owners)) + ", not of " + kind);
            }
        }
    }

    /** Restores {@link #stateDict()}'s output; everything is checked before anything changes. */
    public void loadStateDict(Map<String, Object> stateDict) {
        checkedLoad(stateDict).run();
    }

    /**
     * Checks the whole of {@code stateDict} (kind, types, ranges, lengths) and returns what
     * applies it; nothing changes until that runs. Schedulers holding schedulers combine their
     * children's, so a bad child leaves every scheduler as it was.
     */
    Runnable checkedLoad(Map<String, Object> stateDict) {
        Objects.requireNonNull(stateDict, "stateDict");
        Map<String, Object> m = StateDicts.stringKeys(stateDict);
        String who = kind();
        checkKind(m, who);
        int le = StateDicts.toInt(StateDicts.require(m, "last_epoch", who), "last_epoch");
        int sc = StateDicts.toInt(StateDicts.require(m, "_step_count", who), "_step_count");
        double[] base = StateDicts.toDoubles(StateDicts.require(m, "base_lrs", who), "base_lrs");
        double[] last = StateDicts.toDoubles(StateDicts.require(m, "_last_lr", who), "_last_lr");
        if (le < firstEpoch()) {
            throw new IllegalArgumentException(who + ": state dict has last_epoch " + le + "; a constructed " + who + " is at epoch "
                    + firstEpoch() + " or later");
        }
        if (sc < 0) throw new IllegalArgumentException(who + ": state dict has _step_count " + sc + ", which must be >= 0");
        int groups = optimizer.paramGroups().size();
        if (base.length != baseLrs.length) {
            throw new IllegalArgumentException(who + ": state dict has " + base.length + " base_lrs, the optimizer has " + baseLrs.length + " groups");
        }
        if (last.length != groups) {
            throw new IllegalArgumentException(who + ": state dict has " + last.length + " _last_lr values, the optimizer has " + groups + " groups");
        }
        checkRates(base, "base_lrs", who);
        checkRates(last, "_last_lr", who);
        return () -> {
            lastEpoch = le;
            stepCount = sc;
            baseLrs = base;
            lastLr = last;
        };
    }

    static void checkRates(double[] rates, String what, String who) {
        for (int i = 0; i < rates.length; i++) {
            if (!(rates[i] >= 0) || Double.isInfinite(rates[i])) {
                throw new IllegalArgumentException(who + ": state dict has " + what + "[" + i + "] = " + rates[i] + ", a rate must be finite and >= 0");
            }
        }
    }

    @Override
    public String toString() { return getClass().getSimpleName() + "(lastEpoch=" + lastEpoch + ")"; }
}
