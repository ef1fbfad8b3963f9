package org.jgrad.distributed;

import org.jgrad.nn.Module;
import org.jgrad.tensor.Tensor;
import org.jgrad.train.EpochMetrics;
import org.jgrad.train.MetricSync;
import org.jgrad.train.Strategy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Data-parallel training for {@link org.jgrad.train.Trainer}: the model is wrapped in a
 * {@link DistributedDataParallel} (rank 0's weights to every rank, gradients averaged in
 * buckets that overlap backward), the training set is sharded by the {@link DistributedSampler}s
 * made by {@link #sampler} (their epoch set as each epoch begins), the loss shown is the global
 * mean, metric states are combined by the {@link MetricSync} given, and a rank whose fit fails
 * stops the job with an error naming it.
 *
 * <pre>{@code
 * try (ProcessGroup pg = ProcessGroup.fromEnvironment()) {
 *     var strategy = new DataParallelStrategy(pg).metricSync((m, reducer) -> ((MyMeter) m).sync(reducer));
 *     var train = DataLoader.builder(ds).sampler(strategy.sampler(ds.size(), seed)).batchSize(perRank).build();
 *     var trainer = Trainer.builder(loss, opt).strategy(strategy).mainProcessCallback(checkpoints).build();
 *     trainer.fit(model, train, val);
 * }
 * }</pre>
 * Every rank builds the same model and optimizer; the trainer's checkpoints hold the unwrapped
 * model's state dict, so they load in a single process as well.
 */
public final class DataParallelStrategy implements Strategy {
    private final ProcessGroup group;
    private final List<DistributedSampler> samplers = new ArrayList<>();
    private MetricSync metricSync = MetricSync.NONE;
    private boolean overlap = true;
    private boolean shardedValidation = true;
    private DistributedDataParallel ddp;

    public DataParallelStrategy(ProcessGroup group) { this.group = Objects.requireNonNull(group, "group"); }

    public ProcessGroup group() { return group; }

    /** How the fit's metric states are combined across ranks before their scores are read (default: not at all). */
    public DataParallelStrategy metricSync(MetricSync sync) {
        this.metricSync = Objects.requireNonNull(sync, "metricSync");
        return this;
    }

    /**
     * Whether each rank validates on its shard (default: the validation metrics are then
     * combined like the training ones) or on the whole validation set (nothing to combine:
     * summing would count each sample once per rank).
     */
    public DataParallelStrategy shardedValidation(boolean sharded) {
        this.shardedValidation = sharded;
        return this;
    }

    /** Whether gradient buckets start during backward (default) or after it, for measurements. */
    public DataParallelStrategy overlapWithBackward(boolean on) {
        this.overlap = on;
        if (ddp != null) ddp.overlapWithBackward(on);
        return this;
    }

    /** This rank's shuffled shard of a data set of {@code size} samples, reshuffled per epoch from {@code seed}. */
    public DistributedSampler sampler(int size, long seed) {
        return track(new DistributedSampler(size, group, seed));
    }

    /** This rank's shard in data set order (validation), padded to equal length as PyTorch's sampler is. */
    public DistributedSampler sequentialSampler(int size) {
        return track(new DistributedSampler(size, group.worldSize(), group.rank(), false, 0, false));
    }

    private DistributedSampler track(DistributedSampler s) {
        samplers.add(s);
        return s;
    }

    /** The wrapper of the last prepared model, or null. */
    public DistributedDataParallel ddp() { return ddp; }

    @Override public int rank() { return group.rank(); }

    @Override public int worldSize() { return group.worldSize(); }

    @Override
    public Module prepare(Module model) {
        if (ddp != null && ddp.module() == model) return ddp;
        if (ddp != null) ddp.release();
        ddp = new DistributedDataParallel(model, group).overlapWithBackward(overlap);
        return ddp;
    }

    @Override
    public void afterBackward(Module prepared) {
        if (prepared instanceof DistributedDataParallel d) d.syncGradients();
    }

    @Override
    public void onEpochStart(int epoch) {
        for (DistributedSampler s : samplers) s.setEpoch(epoch);
    }

    @Override
    public double[] allSum(double... values) {
        if (group.worldSize() == 1 || values.length == 0) return values;
        try (Tensor host = Tensor.fromArray(values.clone(), values.length); Tensor t = host.to(group.device())) {
            group.allReduce(t, ReduceOp.SUM);
            double[] r = t.toDoubleArray();
            System.arraycopy(r, 0, values, 0, values.length);
        }
        return values;
    }

    @Override
    public void syncMetrics(EpochMetrics metrics, boolean validation) {
        if (validation && !shardedValidation) return;
        if (group.worldSize() > 1) metricSync.sync(metrics, ProcessGroupStateReducer.of(group));
    }

    @Override
    public void failed(RuntimeException error) {
        if (group.worldSize() == 1) return;
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        group.abort("jgrad: rank " + group.rank() + " of " + group.worldSize() + " failed: " + error + "\n" + trace
                + "jgrad: rank " + group.rank() + " stops the job (the other ranks would wait for it in their next collective)");
    }
}
