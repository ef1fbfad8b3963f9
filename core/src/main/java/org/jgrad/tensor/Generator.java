package org.jgrad.tensor;

import java.util.SplittableRandom;

/**
 * A seeded random source, like {@code torch.Generator}. Each draw advances it, so the same
 * seed and the same sequence of calls give the same tensors on every run.
 */
public final class Generator {
    private static final Generator DEFAULT = new Generator(0x5EEDL);
    private SplittableRandom random;
    private long seed;

    public Generator(long seed) {
        manualSeed(seed);
    }

    /** The process-wide default, used when no generator is passed. */
    public static Generator defaultGenerator() { return DEFAULT; }

    public synchronized Generator manualSeed(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        return this;
    }

    public long initialSeed() { return seed; }

    /** A fresh 64-bit value: used as the seed of one tensor's worth of draws. */
    public synchronized long nextSeed() { return random.nextLong(); }

    public synchronized double nextDouble() { return random.nextDouble(); }

    public synchronized int nextInt(int bound) { return random.nextInt(bound); }
}
