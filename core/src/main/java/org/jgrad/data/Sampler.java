package org.jgrad.data;

import java.util.SplittableRandom;

/**
 * The order in which one epoch visits the data set, like {@code torch.utils.data.Sampler}.
 * {@link #order(int)} must return the same indices for the same epoch every time it is asked.
 */
@FunctionalInterface
public interface Sampler {
    /** The data set indices of epoch {@code epoch}, in visiting order. */
    int[] order(int epoch);

    /** 0, 1, ..., size-1 every epoch. */
    static Sampler sequential(int size) {
        if (size < 0) throw new IllegalArgumentException("sequential sampler: size must be >= 0, got " + size);
        return epoch -> {
            int[] o = new int[size];
            for (int i = 0; i < size; i++) o[i] = i;
            return o;
        };
    }

    /**
     * A fresh uniform permutation per epoch (Fisher-Yates), reproducible from {@code seed} and
     * the epoch alone, so epoch 7 is the same whether or not epochs 0..6 were run first.
     */
    static Sampler shuffled(int size, long seed) {
        if (size < 0) throw new IllegalArgumentException("shuffled sampler: size must be >= 0, got " + size);
        return epoch -> {
            int[] o = new int[size];
            for (int i = 0; i < size; i++) o[i] = i;
            SplittableRandom r = new SplittableRandom(epochSeed(seed, epoch));
            for (int i = size - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = o[i];
                o[i] = o[j];
                o[j] = t;
            }
            return o;
        };
    }

    /** The seed of one epoch's draws: a 64-bit mix of the loader seed and the epoch. */
    static long epochSeed(long seed, int epoch) {
        return Mix.mix(seed, 0x9E3779B97F4A7C15L * (epoch + 1L));
    }
}
