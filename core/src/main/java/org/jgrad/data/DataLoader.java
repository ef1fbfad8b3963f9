package org.jgrad.data;

import org.jgrad.tensor.Device;

import java.lang.ref.Cleaner;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loads batches from a {@link Dataset}, like {@code torch.utils.data.DataLoader}, with worker
 * threads instead of processes (no pickling, no copies between address spaces):
 * <pre>{@code
 * try (var loader = DataLoader.builder(FashionMnist.bundled(true))
 *         .batchSize(64).shuffle(true).seed(42).numWorkers(2).build()) {
 *     for (int epoch = 0; epoch < 10; epoch++) {
 *         for (Batch b : loader.epoch(epoch)) {
 *             try (b) { ... b.index(), b.inputs(), b.targets() ... }
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p><b>Order.</b> An epoch's batches come in {@link Batch#index()} order 0, 1, 2, ... and their
 * contents depend only on the seed and the epoch, never on the number of workers or their
 * timing: batch k is built by worker {@code k % numWorkers}, and random transforms draw from a
 * generator seeded by (seed, epoch, k, position in the batch).
 *
 * <p><b>Memory.</b> Each worker owns {@code prefetch} permits; it takes one before building a
 * batch and the consumer returns it on receiving that batch, so at most
 * {@code numWorkers * prefetch} batches are built but not yet handed out.
 *
 * <p><b>Lifetime.</b> Each epoch starts its own (platform, daemon) threads named
 * {@code jgrad-data-<name>-e<epoch>-w<k>}; they end when the epoch is exhausted, fails, or is
 * closed. A loader runs one epoch at a time: starting another stops the previous one if it was
 * abandoned midway, and that epoch's iterator then throws an IllegalStateException saying so
 * (a nested loop over one loader is a bug, not a shorter epoch). {@link #close()} stops the
 * current epoch and waits for its threads; a thread that will not stop is reported, not hidden.
 * With a {@link Builder#timeout timeout}, a batch that takes longer is a
 * {@link DataLoaderTimeoutException}; a {@code get} returning null is an error naming the index. A worker that throws makes
 * the consumer's {@code next()} throw a {@link DataLoaderException} naming the batch index, with
 * the worker's exception as the cause, after the other workers were stopped.
 *
 * @param <S> the sample type
 */
public final class DataLoader<S> implements Iterable<Batch>, AutoCloseable {
    private static final AtomicInteger LOADERS = new AtomicInteger();
    static final Cleaner CLEANER = Cleaner.create();

    final Dataset<S> dataset;
    final BatchSampler batchSampler;
    final Collate<S> collate;
    final Transform<S> transform;
    final BatchStager stager;
    final int numWorkers;
    final int prefetch;
    final long seed;
    final String name;
    final long joinTimeoutMillis;
    final long timeoutMillis;

    private int nextEpoch;
    private EpochRun<S> current;
    private boolean closed;

    private DataLoader(Builder<S> b) {
        this.dataset = b.dataset;
        this.collate = b.collate;
        this.transform = b.transform;
        this.numWorkers = b.numWorkers;
        this.prefetch = b.prefetch;
        this.seed = b.seed;
        this.name = b.name != null ? b.name : "loader" + LOADERS.incrementAndGet();
        this.joinTimeoutMillis = b.joinTimeoutMillis;
        this.timeoutMillis = b.timeoutMillis;
        this.stager = b.stager != null ? b.stager : BatchStager.forDevice(b.device);
        if (b.batchSampler != null) {
            this.batchSampler = b.batchSampler;
        } else {
            Sampler sampler = b.sampler != null ? b.sampler
                    : b.shuffle ? Sampler.shuffled(dataset.size(), b.seed) : Sampler.sequential(dataset.size());
            this.batchSampler = BatchSampler.of(sampler, b.batchSize, b.dropLast);
        }
    }

    /** A builder for a loader of {@link Sample}s, collated by {@link Collate#stack()}. */
    public static Builder<Sample> builder(Dataset<Sample> dataset) {
        return new Builder<>(dataset, Collate.stack());
    }

    /** A builder for any sample type, with its collate function. */
    public static <S> Builder<S> builder(Dataset<S> dataset, Collate<S> collate) {
        return new Builder<>(dataset, collate);
    }

    public Dataset<S> dataset() { return dataset; }

    public int numWorkers() { return numWorkers; }

    public int prefetch() { return prefetch; }

    /** The prefix of this loader's thread names: {@code jgrad-data-<name>-}. */
    public String threadNamePrefix() { return "jgrad-data-" + name + "-"; }

    /** Number of batches in epoch {@code epoch}, {@code len(loader)}. */
    public int numBatches(int epoch) { return batchSampler.batches(epoch).size(); }

    /** Number of batches of epoch 0. */
    public int numBatches() { return numBatches(0); }

    /**
     * The next epoch (0 on the first call, then 1, 2, ...), so that {@code for (Batch b : loader)}
     * gives a new shuffle each time, as in PyTorch.
     */
    @Override
    public Epoch iterator() {
        int e;
        synchronized (this) {
            e = nextEpoch;
        }
        return epoch(e);
    }

    /**
     * Epoch {@code epoch} explicitly (its shuffle and random transforms depend only on the seed
     * and {@code epoch}); the implicit counter moves past it. Closes the previous epoch if unfinished.
     */
    public Epoch epoch(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("DataLoader.epoch: epoch must be >= 0, got " + epoch);
        EpochRun<S> previous;
        EpochRun<S> run;
        synchronized (this) {
            if (closed) throw new IllegalStateException("DataLoader '" + name + "' is closed");
            previous = current;
            current = null;
            nextEpoch = Math.max(nextEpoch, epoch + 1);
        }
        if (previous != null) {
            previous.supersede("epoch " + epoch + " (another iterator)");
            previous.close();
        }
        run = new EpochRun<>(this, epoch);
        synchronized (this) {
            if (closed) {
                run.close();
                throw new IllegalStateException("DataLoader '" + name + "' is closed");
            }
            current = run;
        }
        run.start();
        return new Epoch(run);
    }

    /**
     * Stops the current epoch's workers, waits for them (up to {@code joinTimeoutMillis} each), and
     * frees the batches they had built. Idempotent. A worker still running after that (its
     * {@code get} ignores interrupts) cannot be stopped by Java: close() then throws an
     * IllegalStateException naming it, having done everything else.
     */
    @Override
    public void close() {
        EpochRun<S> run;
        synchronized (this) {
            closed = true;
            run = current;
            current = null;
        }
        if (run != null) throwIfStuck(run.close(), name, joinTimeoutMillis);
    }

    static void throwIfStuck(java.util.List<String> stuck, String name, long joinTimeoutMillis) {
        if (!stuck.isEmpty()) {
            throw new IllegalStateException("DataLoader '" + name + "': worker thread(s) " + stuck + " still running " + joinTimeoutMillis
                    + " ms after being interrupted (a Dataset.get or transform that ignores interrupts?); they are daemon threads, left "
                    + "to finish their sample and exit");
        }
    }

    public boolean isClosed() {
        synchronized (this) {
            return closed;
        }
    }

    /**
     * One epoch's batches: an iterator (and an iterable over itself, for for-each loops) that
     * owns the epoch's worker threads. Closing it stops them; so does exhausting it. If it is
     * dropped unclosed, a {@link Cleaner} stops them once it is collected.
     */
    public static final class Epoch implements Iterator<Batch>, Iterable<Batch>, AutoCloseable {
        private final EpochRun<?> run;

        private Epoch(EpochRun<?> run) {
            this.run = run;
            CLEANER.register(this, () -> { run.close(); }); // nobody to tell about a stuck worker here
        }

        public int epoch() { return run.epoch; }

        /** Number of batches in this epoch. */
        public int numBatches() { return run.batches.size(); }

        @Override
        public boolean hasNext() { return run.hasNext(); }

        /** The next batch in index order; throws {@link DataLoaderException} if building it failed. */
        @Override
        public Batch next() {
            if (!run.hasNext()) throw new NoSuchElementException("epoch " + run.epoch + " has no more batches");
            return run.next();
        }

        @Override
        public Iterator<Batch> iterator() { return this; }

        /** Stops this epoch's workers; throws like {@link DataLoader#close()} if one cannot be stopped. */
        @Override
        public void close() { throwIfStuck(run.close(), run.loader.name, run.loader.joinTimeoutMillis); }
    }

    /** Settings of a {@link DataLoader}; defaults as PyTorch's: batch 1, no shuffle, no workers. */
    public static final class Builder<S> {
        private final Dataset<S> dataset;
        private final Collate<S> collate;
        private int batchSize = 1;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private Sampler sampler;
        private BatchSampler batchSampler;
        private Transform<S> transform;
        private int numWorkers;
        private int prefetch = 2;
        private Device device = Device.cpu();
        private BatchStager stager;
        private String name;
        private long joinTimeoutMillis = 10_000;
        private long timeoutMillis;

        private Builder(Dataset<S> dataset, Collate<S> collate) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
            this.collate = Objects.requireNonNull(collate, "collate");
        }

        public Builder<S> batchSize(int batchSize) {
            if (batchSize < 1) throw new IllegalArgumentException("DataLoader: batchSize must be >= 1, got " + batchSize);
            this.batchSize = batchSize;
            return this;
        }

        /** A new permutation every epoch, from {@link #seed} and the epoch. */
        public Builder<S> shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Seeds the shuffle and the random transforms (default 0). */
        public Builder<S> seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Drops the last batch when it is short. */
        public Builder<S> dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Replaces the sequential / shuffled order (then {@link #shuffle} is ignored). */
        public Builder<S> sampler(Sampler sampler) {
            this.sampler = Objects.requireNonNull(sampler, "sampler");
            return this;
        }

        /** Replaces batching altogether (then batchSize, shuffle, dropLast and sampler are ignored). */
        public Builder<S> batchSampler(BatchSampler batchSampler) {
            this.batchSampler = Objects.requireNonNull(batchSampler, "batchSampler");
            return this;
        }

        /** Applied to every sample after {@code get}, before collate; chain several with {@link Transform#andThen}. */
        public Builder<S> transform(Transform<S> transform) {
            this.transform = Objects.requireNonNull(transform, "transform");
            return this;
        }

        /** Worker threads; 0 builds batches in the caller's thread when it asks for them. */
        public Builder<S> numWorkers(int numWorkers) {
            if (numWorkers < 0) throw new IllegalArgumentException("DataLoader: numWorkers must be >= 0, got " + numWorkers);
            this.numWorkers = numWorkers;
            return this;
        }

        /** Batches each worker may build ahead of the consumer (PyTorch's prefetch_factor; default 2). */
        public Builder<S> prefetch(int prefetch) {
            if (prefetch < 1) throw new IllegalArgumentException("DataLoader: prefetch must be >= 1, got " + prefetch);
            this.prefetch = prefetch;
            return this;
        }

        /** Where batches should arrive; a CUDA device selects the backend's pinned-memory {@link BatchStager}. */
        public Builder<S> device(Device device) {
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /** Overrides the stager chosen from {@link #device}. */
        public Builder<S> stager(BatchStager stager) {
            this.stager = Objects.requireNonNull(stager, "stager");
            return this;
        }

        /** Names the loader's threads ({@code jgrad-data-<name>-e<epoch>-w<k>}). */
        public Builder<S> name(String name) {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("DataLoader: name must not be blank, got '" + name + "'");
            this.name = name;
            return this;
        }

        /** How long {@code close()} waits for each worker to finish its current sample (default 10 s). */
        public Builder<S> joinTimeoutMillis(long millis) {
            if (millis < 0) throw new IllegalArgumentException("DataLoader: joinTimeoutMillis must be >= 0, got " + millis);
            this.joinTimeoutMillis = millis;
            return this;
        }

        /**
         * PyTorch's {@code timeout}: how many seconds the consumer waits for a worker's batch before
         * {@code next()} throws a {@link DataLoaderTimeoutException} naming the batch and the worker
         * (default 0: wait forever). Applies with workers only, as in PyTorch.
         */
        public Builder<S> timeout(double seconds) {
            if (!(seconds >= 0) || Double.isInfinite(seconds)) {
                throw new IllegalArgumentException("DataLoader: timeout option should be non-negative and finite, got " + seconds);
            }
            this.timeoutMillis = seconds == 0 ? 0 : Math.max(1, Math.round(seconds * 1000));
            return this;
        }

        public DataLoader<S> build() {
            if (dataset.size() < 0) throw new IllegalArgumentException("DataLoader: dataset reports a negative size " + dataset.size());
            return new DataLoader<>(this);
        }
    }
}
