package org.jgrad.distributed;

import org.jgrad.data.Sampler;

import java.util.Arrays;

/**
 * Each rank's share of a data set, with the semantics of PyTorch's
 * {@code torch.utils.data.DistributedSampler}: one global order per epoch (shuffled from the
 * seed and the epoch, the same on every rank), made a multiple of the world size by repeating
 * its first indices ({@code dropLast=false}) or by dropping its tail ({@code dropLast=true}),
 * then dealt out round-robin: rank r gets positions r, r+W, r+2W, ... So the shards are
 * disjoint (up to the padding) and all have {@link #numSamples()} indices, which keeps the
 * ranks' batch counts, and hence their collectives, in step.
 *
 * <p>The global order of a shuffled sampler is {@link Sampler#shuffled}'s order for the same
 * seed and epoch, so rank r's batch k of size B together with the other ranks' batch k holds
 * the same indices as batch k of size W·B of a single-process loader shuffled with that seed.
 *
 * <p>Plug it into a loader with {@code DataLoader.builder(ds).sampler(sampler)}: the loader
 * passes its epoch to {@link #order(int)}, so the per-epoch reshuffle needs no call.
 * {@link #setEpoch} only sets the epoch {@link #indices()} uses, for code that walks the
 * indices itself as PyTorch code calls {@code set_epoch}.
 */
public final class DistributedSampler implements Sampler {
    private final int datasetSize, numReplicas, rank;
    private final boolean shuffle, dropLast;
    private final long seed;
    private final int numSamples;
    private volatile int epoch;

    /** Shuffled, padded (dropLast false), rank and world size from {@code group}. */
    public DistributedSampler(int datasetSize, ProcessGroup group, long seed) {
        this(datasetSize, group.worldSize(), group.rank(), true, seed, false);
    }

    public DistributedSampler(int datasetSize, int numReplicas, int rank, boolean shuffle, long seed, boolean dropLast) {
        if (datasetSize < 0) throw new IllegalArgumentException("DistributedSampler: datasetSize must be >= 0, got " + datasetSize);
        if (numReplicas < 1) throw new IllegalArgumentException("DistributedSampler: numReplicas must be >= 1, got " + numReplicas);
        if (rank < 0 || rank >= numReplicas) {
            throw new IllegalArgumentException("DistributedSampler: rank " + rank + " is outside 0.." + (numReplicas - 1));
        }
        this.datasetSize = datasetSize;
        this.numReplicas = numReplicas;
        this.rank = rank;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
        // PyTorch: ceil((n - W) / W) when dropping a ragged tail, else ceil(n / W)
        this.numSamples = dropLast && datasetSize % numReplicas != 0
                ? Math.max(0, (datasetSize - numReplicas + numReplicas - 1) / numReplicas)
                : (datasetSize + numReplicas - 1) / numReplicas;
    }

    /** Indices per rank per epoch. */
    public int numSamples() { return numSamples; }

    /** numSamples × numReplicas: the length of the padded or trimmed global order. */
    public int totalSize() { return numSamples * numReplicas; }

    public int rank() { return rank; }

    public int numReplicas() { return numReplicas; }

    /** The epoch {@link #indices()} uses (PyTorch's {@code set_epoch}). */
    public void setEpoch(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("DistributedSampler: epoch must be >= 0, got " + epoch);
        this.epoch = epoch;
    }

    public int epoch() { return epoch; }

    /** This rank's indices for the epoch last given to {@link #setEpoch} (0 by default). */
    public int[] indices() { return order(epoch); }

    /** This rank's indices for epoch {@code epoch}. */
    @Override
    public int[] order(int epoch) {
        int[] global = shuffle ? Sampler.shuffled(datasetSize, seed).order(epoch) : Sampler.sequential(datasetSize).order(epoch);
        int total = totalSize();
        int[] padded;
        if (total <= global.length) {
            padded = Arrays.copyOf(global, total);
        } else {
            padded = new int[total]; // wrap around as often as needed (tiny data sets, many ranks)
            for (int i = 0; i < total; i++) padded[i] = global[i % global.length];
        }
        int[] mine = new int[numSamples];
        for (int i = 0; i < numSamples; i++) mine[i] = padded[rank + i * numReplicas];
        return mine;
    }
}
