package org.jgrad.distributed;

import org.jgrad.data.Batch;
import org.jgrad.data.DataLoader;
import org.jgrad.data.Sampler;
import org.jgrad.data.TensorDataset;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** PyTorch's DistributedSampler arithmetic, by hand, and its use through the DataLoader. No MPI needed. */
class DistributedSamplerTest {
    private static int[] shard(int n, int w, int r, boolean shuffle, boolean dropLast, int epoch) {
        return new DistributedSampler(n, w, r, shuffle, 42, dropLast).order(epoch);
    }

    @Test
    void sequentialShardsArePaddedByWrappingToEqualLength() {
        // 10 indices, 3 ranks: padded to 12 with 0, 1, then dealt round-robin
        assertArrayEquals(new int[]{0, 3, 6, 9}, shard(10, 3, 0, false, false, 0));
        assertArrayEquals(new int[]{1, 4, 7, 0}, shard(10, 3, 1, false, false, 0));
        assertArrayEquals(new int[]{2, 5, 8, 1}, shard(10, 3, 2, false, false, 0));
        assertEquals(4, new DistributedSampler(10, 3, 0, false, 0, false).numSamples());
        assertEquals(12, new DistributedSampler(10, 3, 0, false, 0, false).totalSize());
    }

    @Test
    void dropLastTrimsTheTailInsteadOfPadding() {
        assertArrayEquals(new int[]{0, 3, 6}, shard(10, 3, 0, false, true, 0));
        assertArrayEquals(new int[]{1, 4, 7}, shard(10, 3, 1, false, true, 0));
        assertArrayEquals(new int[]{2, 5, 8}, shard(10, 3, 2, false, true, 0));
        // PyTorch: ceil((n - W) / W) = ceil(-1/3) = 0 for 2 items on 3 ranks
        assertEquals(0, new DistributedSampler(2, 3, 0, false, 0, true).numSamples());
        assertEquals(3, new DistributedSampler(9, 3, 0, false, 0, true).numSamples()); // divisible: nothing dropped
    }

    @Test
    void paddingWrapsSeveralTimesWhenRanksOutnumberItems() {
        int[] all = new int[5];
        for (int r = 0; r < 5; r++) {
            int[] s = shard(2, 5, r, false, false, 0);
            assertEquals(1, s.length);
            all[r] = s[0];
        }
        assertArrayEquals(new int[]{0, 1, 0, 1, 0}, all);
    }

    @Test
    void shuffledShardsAreDisjointCoverTheDataAndFollowTheSingleProcessOrder() {
        int n = 12, w = 3;
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] global = Sampler.shuffled(n, 42).order(epoch);
            boolean[] seen = new boolean[n];
            for (int r = 0; r < w; r++) {
                int[] s = shard(n, w, r, true, false, epoch);
                assertEquals(4, s.length);
                for (int i = 0; i < s.length; i++) {
                    assertEquals(global[r + i * w], s[i], "rank " + r + " position " + i);
                    assertFalse(seen[s[i]], "index " + s[i] + " given to two ranks");
                    seen[s[i]] = true;
                }
            }
        }
        assertFalse(Arrays.equals(shard(n, w, 0, true, false, 0), shard(n, w, 0, true, false, 1)), "epochs must reshuffle");
        assertArrayEquals(shard(n, w, 1, true, false, 5), shard(n, w, 1, true, false, 5), "same epoch, same order");
    }

    @Test
    void setEpochChoosesWhatIndicesReturns() {
        DistributedSampler s = new DistributedSampler(20, 2, 1, true, 7, false);
        assertArrayEquals(s.order(0), s.indices());
        s.setEpoch(3);
        assertEquals(3, s.epoch());
        assertArrayEquals(s.order(3), s.indices());
        assertThrows(IllegalArgumentException.class, () -> s.setEpoch(-1));
    }

    @Test
    void badArgumentsAreRefusedWithTheirName() {
        assertThrows(IllegalArgumentException.class, () -> new DistributedSampler(-1, 2, 0, true, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new DistributedSampler(10, 0, 0, true, 0, false));
        var e = assertThrows(IllegalArgumentException.class, () -> new DistributedSampler(10, 2, 2, true, 0, false));
        assertEquals("DistributedSampler: rank 2 is outside 0..1", e.getMessage());
    }

    @Test
    void theDataLoaderBatchesEachRanksShard() {
        int n = 10;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i;
        TensorDataset ds = new TensorDataset(Tensor.fromArray(x, n, 1), Tensor.fromArray(new long[n], n));
        List<Integer> got = new ArrayList<>();
        DistributedSampler sampler = new DistributedSampler(n, 2, 1, true, 9, false);
        try (DataLoader<?> loader = DataLoader.builder(ds).sampler(sampler).batchSize(2).build()) {
            assertEquals(3, loader.numBatches());
            try (DataLoader.Epoch epoch = loader.epoch(4)) {
                for (Batch b : epoch) {
                    for (int i : b.indices()) got.add(i);
                    b.close();
                }
            }
        }
        assertEquals(Arrays.stream(sampler.order(4)).boxed().toList(), got);
    }
}
