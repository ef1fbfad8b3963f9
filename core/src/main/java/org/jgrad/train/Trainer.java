package org.jgrad.train;

import org.jgrad.autograd.Grad;
import org.jgrad.data.Batch;
import org.jgrad.data.DataLoader;
import org.jgrad.nn.Module;
import org.jgrad.nn.loss.Loss;
import org.jgrad.optim.Optimizer;
import org.jgrad.tensor.Scope;
import org.jgrad.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * PyTorch's training loop, reusable:
 * <pre>{@code
 * try (Trainer trainer = Trainer.builder(new CrossEntropyLoss(), optimizer).epochs(5).build()) {
 *     History h = trainer.fit(model, trainLoader, valLoader);
 * }
 * }</pre>
 * Per batch: zero grad, forward, loss, (NaN check), backward, callbacks' after-backward (clipping),
 * step, the per-step scheduler, the metrics update on the device. Per epoch: validation with the
 * model in evaluation mode and gradients off, the per-epoch scheduler, a history row, the
 * callbacks (logging, checkpoints, early stopping). The last validation's metrics stay open for
 * reports until the next fit or {@link #close()}.
 *
 * <p>With a {@link Builder#strategy(Strategy) strategy} of several processes (data-parallel),
 * every process runs this same loop on its shard: the strategy prepares the model (a wrapper
 * that averages the gradients right after backward), the losses shown are global means, the
 * metric states are combined before their scores are read, {@link Builder#mainProcessCallback
 * main-process callbacks} run on rank 0 alone, and a failure on one process stops them all.
 */
public final class Trainer implements AutoCloseable {
    private final Loss loss;
    private final Optimizer optimizer;
    private final int epochs;
    private final LrSchedule schedule;
    private final Supplier<? extends EpochMetrics> metrics;
    private final List<Callback> callbacks;
    private final boolean checkFinite;
    private final Strategy strategy;
    private EpochMetrics lastValidation;
    private double lastFiniteLoss = Double.NaN;

    private Trainer(Builder b) {
        this.loss = b.loss;
        this.optimizer = b.optimizer;
        this.epochs = b.epochs;
        this.schedule = b.schedule;
        this.metrics = b.metrics;
        this.strategy = b.strategy;
        // the main-process callbacks (progress, logging, plots, checkpoints) run on rank 0 alone
        this.callbacks = b.callbacks.stream().filter(c -> strategy.rank() == 0 || !b.mainProcessOnly.containsKey(c)).toList();
        this.checkFinite = b.checkFinite;
    }

    public static Builder builder(Loss loss, Optimizer optimizer) { return new Builder(loss, optimizer); }

    public int epochs() { return epochs; }

    public LrSchedule schedule() { return schedule; }

    public Optimizer optimizer() { return optimizer; }

    public Strategy strategy() { return strategy; }

    /** Trains from epoch 0. */
    public History fit(Module model, DataLoader<?> train, DataLoader<?> val) {
        return fit(model, train, val, 0, new History());
    }

    /**
     * Trains epochs {@code startEpoch} to {@link #epochs()} - 1, appending to {@code history}: a
     * resumed run passes the epochs its checkpoint holds (after loading model, optimizer and
     * schedule state), and continues bit for bit, the data order of epoch e being the loader's
     * function of (seed, e).
     */
    public History fit(Module model, DataLoader<?> train, DataLoader<?> val, int startEpoch, History history) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(train, "train");
        try {
            return fitLoop(model, train, val, startEpoch, history);
        } catch (RuntimeException e) {
            if (strategy.worldSize() > 1) strategy.failed(e); // stops the other processes, which would wait for this one
            throw e;
        }
    }

    private History fitLoop(Module model, DataLoader<?> train, DataLoader<?> val, int startEpoch, History history) {
        Module trained = strategy.prepare(model);
        FitState state = new FitState(model, optimizer, history, epochs);
        state.rank = strategy.rank();
        state.worldSize = strategy.worldSize();
        for (Callback c : callbacks) c.onFitStart(state);
        for (int epoch = startEpoch; epoch < epochs && !state.stop; epoch++) {
            state.epoch = epoch;
            state.epochLr = optimizer.paramGroups().get(0).lr();
            for (Callback c : callbacks) c.onEpochStart(state);
            strategy.onEpochStart(epoch);
            long t0 = System.nanoTime();
            Map<String, Object> row = new LinkedHashMap<>();
            try (EpochMetrics m = metrics.get()) {
                trained.train();
                trainEpoch(state, trained, train, m);
                for (Callback c : callbacks) c.onTrainEpochEnd(state);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double[] global = globalLoss(m);
                strategy.syncMetrics(m, false);
                row.put("epoch", epoch + 1);
                row.put("lr", state.epochLr);
                row.put("train_loss", global[0]);
                row.put("train", m.scores());
                row.put("train_seconds", seconds);
                row.put("train_images_per_second", global[1] / seconds);
            }
            double valLoss = Double.NaN;
            if (val != null) {
                EpochMetrics v = evaluate(model, val);
                replaceLastValidation(v);
                valLoss = globalLoss(v)[0];
                strategy.syncMetrics(v, true);
                row.put("val_loss", valLoss);
                row.put("val", v.scores());
            }
            row.put("seconds", (System.nanoTime() - t0) / 1e9);
            schedule.afterEpoch(valLoss);
            history.add(row);
            for (Callback c : callbacks) c.onEpochEnd(state, row);
            agreeOnStop(state);
        }
        for (Callback c : callbacks) c.onFitEnd(state);
        return history;
    }

    private void trainEpoch(FitState state, Module model, DataLoader<?> loader, EpochMetrics meter) {
        try (DataLoader.Epoch batches = loader.epoch(state.epoch)) {
            state.numBatches = batches.numBatches();
            checkSameBatchCount(state.numBatches);
            for (Callback c : callbacks) c.onTrainEpochStart(state);
            for (Batch b : batches) {
                try (b; Scope s = Scope.open()) {
                    state.batchIndex = b.index();
                    for (Callback c : callbacks) c.onBatchStart(state);
                    Tensor inputs = b.inputs(), targets = b.targets();
                    optimizer.zeroGrad();
                    Tensor outputs = model.forward(inputs);
                    Tensor l = loss.forward(outputs, targets);
                    double value = Double.NaN;
                    if (checkFinite) {
                        value = l.item();
                        if (!Double.isFinite(value)) throw new NonFiniteLossException(state.epoch, b.index(), value, lastFiniteLoss);
                        lastFiniteLoss = value;
                    }
                    l.backward();
                    strategy.afterBackward(model);
                    for (Callback c : callbacks) c.onAfterBackward(state);
                    optimizer.step();
                    schedule.afterStep();
                    meter.update(l, outputs, targets, b.size());
                    state.globalStep++;
                    for (Callback c : callbacks) c.onBatchEnd(state, l, value, b.size());
                }
            }
        }
    }

    /**
     * The mean loss over every process's samples (the all-reduce of the loss sum and the sample
     * count) and that count; this process's when it is alone.
     */
    private double[] globalLoss(EpochMetrics m) {
        if (strategy.worldSize() == 1) return new double[]{m.meanLoss(), m.samples()};
        long n = m.samples();
        double[] sums = strategy.allSum(n == 0 ? 0 : m.meanLoss() * n, n);
        return new double[]{sums[1] == 0 ? Double.NaN : sums[0] / sums[1], sums[1]};
    }

    /** Every process must take the same number of steps, or one waits forever in a collective the others never start. */
    private void checkSameBatchCount(int numBatches) {
        if (strategy.worldSize() == 1) return;
        double total = strategy.allSum(numBatches)[0];
        if (total != (double) numBatches * strategy.worldSize()) {
            throw new IllegalStateException("rank " + strategy.rank() + " has " + numBatches + " training batches this epoch but the "
                    + strategy.worldSize() + " processes have " + (long) total + " in all: shard the training set with a "
                    + "DistributedSampler so that every process takes the same number of steps");
        }
    }

    /** A stop requested on one process (early stopping, a main-process callback) ends the fit on all of them. */
    private void agreeOnStop(FitState state) {
        if (strategy.worldSize() == 1) return;
        boolean any = strategy.allSum(state.stop ? 1 : 0)[0] > 0;
        if (any && !state.stop) state.requestStop("another process requested a stop");
    }

    /**
     * One pass over {@code loader} with the model in evaluation mode (batch norm uses its running
     * statistics, dropout is off) and gradients off; the caller closes the returned metrics.
     */
    public EpochMetrics evaluate(Module model, DataLoader<?> loader) {
        return evaluate(model, loss, loader, metrics.get());
    }

    /** {@link #evaluate(Module, DataLoader)} without a trainer: fills {@code meter} and returns it. */
    public static <M extends EpochMetrics> M evaluate(Module model, Loss loss, DataLoader<?> loader, M meter) {
        model.eval();
        try (var off = Grad.off(); DataLoader.Epoch batches = loader.epoch(0)) {
            for (Batch b : batches) {
                try (b; Scope s = Scope.open()) {
                    Tensor outputs = model.forward(b.inputs());
                    Tensor l = loss.forward(outputs, b.targets());
                    meter.update(l, outputs, b.targets(), b.size());
                }
            }
        } catch (RuntimeException e) {
            meter.close();
            throw e;
        }
        return meter;
    }

    /** The model's outputs per batch, in evaluation mode with gradients off, in the loader's order; the caller closes them. */
    public static List<Tensor> predict(Module model, DataLoader<?> loader) {
        List<Tensor> out = new ArrayList<>();
        model.eval();
        try (var off = Grad.off(); DataLoader.Epoch batches = loader.epoch(0)) {
            for (Batch b : batches) {
                try (b; Scope s = Scope.open()) {
                    out.add(Scope.escape(model.forward(b.inputs())));
                }
            }
        }
        return out;
    }

    /** The metrics of the last validation pass of {@link #fit}, or null; owned by the trainer. */
    public EpochMetrics lastValidation() { return lastValidation; }

    private void replaceLastValidation(EpochMetrics v) {
        if (lastValidation != null) lastValidation.close();
        lastValidation = v;
    }

    @Override
    public void close() {
        if (lastValidation != null) lastValidation.close();
        lastValidation = null;
    }

    public static final class Builder {
        private final Loss loss;
        private final Optimizer optimizer;
        private int epochs = 1;
        private LrSchedule schedule = new LrSchedule() {};
        private Supplier<? extends EpochMetrics> metrics = LossMeter::new;
        private final List<Callback> callbacks = new ArrayList<>();
        private boolean checkFinite = true;
        private Strategy strategy = Strategy.singleProcess();
        private final Map<Callback, Boolean> mainProcessOnly = new java.util.IdentityHashMap<>();

        private Builder(Loss loss, Optimizer optimizer) {
            this.loss = Objects.requireNonNull(loss, "loss");
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        }

        public Builder epochs(int epochs) {
            if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            this.epochs = epochs;
            return this;
        }

        public Builder schedule(LrSchedule schedule) { this.schedule = Objects.requireNonNull(schedule, "schedule"); return this; }

        /** A fresh accumulator per pass (train epoch or validation); the default tracks the loss only. */
        public Builder metrics(Supplier<? extends EpochMetrics> metrics) { this.metrics = Objects.requireNonNull(metrics, "metrics"); return this; }

        public Builder callback(Callback c) { callbacks.add(Objects.requireNonNull(c, "callback")); return this; }

        /**
         * A callback only the main process (rank 0) runs: progress, logging, plots, checkpoints.
         * With one process it is an ordinary callback. It runs in the order it was added among the others.
         */
        public Builder mainProcessCallback(Callback c) {
            callback(c);
            mainProcessOnly.put(c, Boolean.TRUE);
            return this;
        }

        /** How the fit spreads over processes (default: this one alone). */
        public Builder strategy(Strategy strategy) { this.strategy = Objects.requireNonNull(strategy, "strategy"); return this; }

        /**
         * Whether each training loss is copied to the host and checked (default on): a NaN or
         * infinite loss throws {@link NonFiniteLossException} before its step.
         */
        public Builder checkFinite(boolean on) { this.checkFinite = on; return this; }

        public Trainer build() { return new Trainer(this); }
    }
}
