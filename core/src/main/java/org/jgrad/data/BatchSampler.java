package org.jgrad.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Groups one epoch's indices into batches, like {@code torch.utils.data.BatchSampler}. The
 * loader asks it once per epoch; batch {@code k} of the list becomes {@link Batch#index()} k.
 */
@FunctionalInterface
public interface BatchSampler {
    List<int[]> batches(int epoch);

    /** Consecutive runs of {@code batchSize} indices of {@code sampler}'s order; the short last one kept unless dropLast. */
    static BatchSampler of(Sampler sampler, int batchSize, boolean dropLast) {
        if (sampler == null) throw new IllegalArgumentException("batch sampler: sampler must not be null");
        if (batchSize < 1) throw new IllegalArgumentException("batch sampler: batchSize must be >= 1, got " + batchSize);
        return epoch -> {
            int[] order = sampler.order(epoch);
            List<int[]> out = new ArrayList<>(order.length / batchSize + 1);
            for (int start = 0; start < order.length; start += batchSize) {
                int end = Math.min(order.length, start + batchSize);
                if (end - start < batchSize && dropLast) break;
                out.add(Arrays.copyOfRange(order, start, end));
            }
            return out;
        };
    }
}
