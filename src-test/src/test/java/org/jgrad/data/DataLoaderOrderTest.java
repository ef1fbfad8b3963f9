package org.jgrad.data;

import org.jgrad.data.LoaderFixtures.AlignedDataset;
import org.jgrad.data.LoaderFixtures.IndexDataset;
import org.jgrad.data.LoaderFixtures.Snapshot;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.MemoryStats;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** What the batches contain and in which order: hand-worked cases, shuffles, and independence from worker count. */
class DataLoaderOrderTest {

    @Test
    void sequentialBatchesAreConsecutiveRunsAndStacked() {
        try (DataLoader<Sample> loader = DataLoader.builder(new IndexDataset(10, false)).batchSize(4).build()) {
            assertEquals(3, loader.numBatches());
            List<Batch> batches = new ArrayList<>();
            for (Batch b : loader) batches.add(b);
            assertEquals(3, batches.size());
            assertArrayEquals(new int[]{0, 1, 2, 3}, batches.get(0).indices());
            assertArrayEquals(new int[]{8, 9}, batches.get(2).indices());
            Batch b1 = batches.get(1);
            assertEquals(1, b1.index());
            assertArrayEquals(new int[]{4, 2}, b1.inputs().shape());
            assertArrayEquals(new float[]{4, -4, 5, -5, 6, -6, 7, -7}, b1.inputs().toFloatArray());
            assertArrayEquals(new int[]{4}, b1.targets().shape());
            assertEquals(DType.INT64, b1.targets().dtype());
            assertArrayEquals(new long[]{4, 5, 6, 7}, b1.targets().toLongArray());
            assertArrayEquals(new int[]{2, 2}, batches.get(2).inputs().shape());
            for (Batch b : batches) b.close();
        }
        try (DataLoader<Sample> loader = DataLoader.builder(new IndexDataset(10, false)).batchSize(4).dropLast(true).build()) {
            assertEquals(2, loader.numBatches());
            int n = 0;
            for (Batch b : loader) {
                try (b) {
                    assertEquals(4, b.size());
                    n++;
                }
            }
            assertEquals(2, n);
        }
    }

    @Test
    void tensorDatasetRowsAreStackedBack() {
        float[] x = new float[5 * 2 * 3];
        for (int k = 0; k < x.length; k++) x[k] = k * 0.5f;
        Tensor inputs = Tensor.fromArray(x, 5, 2, 3);
        Tensor targets = Tensor.fromArray(new long[]{4, 3, 2, 1, 0}, 5);
        try (DataLoader<Sample> loader = DataLoader.builder(new TensorDataset(inputs, targets)).batchSize(2).numWorkers(2).build()) {
            for (Batch b : loader) {
                try (b) {
                    int start = b.index() * 2;
                    int n = b.size();
                    assertArrayEquals(new int[]{n, 2, 3}, b.inputs().shape());
                    assertArrayEquals(Arrays.copyOfRange(x, start * 6, (start + n) * 6), b.inputs().toFloatArray());
                    long[] expected = new long[n];
                    for (int j = 0; j < n; j++) expected[j] = 4 - (start + j);
                    assertArrayEquals(expected, b.targets().toLongArray());
                }
            }
        }
    }

    static List<Integer> flatten(Iterable<Batch> epoch) {
        List<Integer> out = new ArrayList<>();
        for (Batch b : epoch) {
            try (b) {
                for (int i : b.indices()) out.add(i);
                for (long t : b.targets().toLongArray()) assertTrue(t >= 0); // touched: the tensors are real
            }
        }
        return out;
    }

    @Test
    void shuffleGivesANewPermutationPerEpochReproducibleFromSeedAndEpoch() {
        IndexDataset ds = new IndexDataset(100, false);
        List<Integer> e0, e1, e1Again, e3Direct, e0OtherSeed;
        try (DataLoader<Sample> a = DataLoader.builder(ds).batchSize(7).shuffle(true).seed(11).build()) {
            e0 = flatten(a);          // first for-each: epoch 0
            e1 = flatten(a);          // second: epoch 1
        }
        try (DataLoader<Sample> b = DataLoader.builder(ds).batchSize(7).shuffle(true).seed(11).build()) {
            e1Again = flatten(b.epoch(1)); // straight to epoch 1
            e3Direct = flatten(b.epoch(3));
            assertEquals(flatten(b.epoch(3)), e3Direct);
        }
        try (DataLoader<Sample> c = DataLoader.builder(ds).batchSize(7).shuffle(true).seed(12).build()) {
            e0OtherSeed = flatten(c);
        }
        List<Integer> identity = new ArrayList<>();
        for (int i = 0; i < 100; i++) identity.add(i);
        for (List<Integer> e : List.of(e0, e1, e3Direct, e0OtherSeed)) {
            List<Integer> sorted = new ArrayList<>(e);
            sorted.sort(null);
            assertEquals(identity, sorted, "each epoch visits every sample once");
            assertNotEquals(identity, e, "shuffled");
        }
        assertNotEquals(e0, e1);
        assertEquals(e1, e1Again);
        assertNotEquals(e1, e3Direct);
        assertNotEquals(e0, e0OtherSeed);
    }

    /** Flips and crops drawn per sample; every worker count must give the same bytes, epoch after epoch. */
    @Test
    void sameSeedSameBatchesWithZeroOneOrEightWorkers() {
        Transform<Sample> aug = Transforms.randomHorizontalFlip(0.5)
                .andThen(Transforms.randomVerticalFlip(0.5))
                .andThen(Transforms.randomCrop(6, 2));
        List<List<Snapshot>> runs = new ArrayList<>();
        for (int workers : new int[]{0, 1, 8}) {
            List<Snapshot> seen = new ArrayList<>();
            try (DataLoader<Sample> loader = DataLoader.builder(new AlignedDataset(90))
                    .batchSize(4).shuffle(true).seed(2026).numWorkers(workers).prefetch(3).transform(aug).build()) {
                for (int epoch = 0; epoch < 2; epoch++) {
                    int expectIndex = 0;
                    for (Batch b : loader.epoch(epoch)) {
                        try (b) {
                            assertEquals(expectIndex++, b.index(), "batches arrive in index order");
                            assertEquals(epoch, b.epoch());
                            seen.add(Snapshot.of(b));
                        }
                    }
                    assertEquals(23, expectIndex);
                }
            }
            runs.add(seen);
        }
        assertSameRun(runs.get(0), runs.get(1), "1 worker");
        assertSameRun(runs.get(0), runs.get(2), "8 workers");
        // the augmentation really happened, and kept image and mask aligned
        int changed = 0;
        for (Snapshot s : runs.get(0)) {
            for (int j = 0; j < s.indices().size(); j++) {
                int i = s.indices().get(j);
                for (int p = 0; p < 36; p++) {
                    float img = s.inputs().get(j * 36 + p);
                    float mask = s.targets().get(j * 36 + p);
                    if (img == 0) {
                        assertEquals(0f, mask, "padding is shared");
                    } else {
                        assertEquals(mask, img - 1000f * (i + 1), "image and mask moved together");
                    }
                    if (mask != p + 1) changed++;
                }
            }
        }
        assertTrue(changed > 1000, "transforms changed " + changed + " pixels");
    }

    static void assertSameRun(List<Snapshot> expected, List<Snapshot> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": number of batches");
        for (int k = 0; k < expected.size(); k++) {
            Snapshot e = expected.get(k);
            Snapshot a = actual.get(k);
            String at = what + ", epoch " + e.epoch() + " batch " + e.index();
            assertEquals(e.index(), a.index(), at);
            assertEquals(e.epoch(), a.epoch(), at);
            assertEquals(e.indices(), a.indices(), at + ": sample indices");
            assertTrue(e.inputs().equals(a.inputs()), at + ": inputs differ from 0 workers'");
            assertTrue(e.targets().equals(a.targets()), at + ": targets differ from 0 workers'");
        }
    }

    @Test
    void samplerAndBatchSamplerHooks() {
        IndexDataset ds = new IndexDataset(10, false);
        try (DataLoader<Sample> loader = DataLoader.builder(ds).batchSize(3).sampler(epoch -> new int[]{9, 8, 7, 6, epoch}).build()) {
            List<Integer> e2 = flatten(loader.epoch(2));
            assertEquals(List.of(9, 8, 7, 6, 2), e2);
        }
        BatchSampler custom = epoch -> List.of(new int[]{3, 1}, new int[]{0}, new int[]{epoch, epoch, epoch});
        try (DataLoader<Sample> loader = DataLoader.builder(ds).batchSampler(custom).numWorkers(2).build()) {
            assertEquals(3, loader.numBatches());
            List<Batch> got = new ArrayList<>();
            for (Batch b : loader.epoch(5)) got.add(b);
            assertArrayEquals(new long[]{3, 1}, got.get(0).targets().toLongArray());
            assertArrayEquals(new long[]{0}, got.get(1).targets().toLongArray());
            assertArrayEquals(new long[]{5, 5, 5}, got.get(2).targets().toLongArray());
            got.forEach(Batch::close);
        }
    }

    @Test
    void customCollateForAnySampleType() {
        Dataset<String> words = new Dataset<>() {
            public int size() { return 5; }
            public String get(int i) { return "w" + i; }
        };
        Collate<String> lengths = samples -> new Sample(
                Tensor.fromArray(samples.stream().mapToLong(String::length).toArray(), samples.size()),
                Tensor.fromArray(samples.stream().mapToLong(s -> Long.parseLong(s.substring(1))).toArray(), samples.size()));
        try (DataLoader<String> loader = DataLoader.builder(words, lengths).batchSize(2).numWorkers(1).build()) {
            List<Long> ids = new ArrayList<>();
            for (Batch b : loader) {
                try (b) {
                    for (long v : b.targets().toLongArray()) ids.add(v);
                }
            }
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), ids);
        }
    }

    @Test
    void stagerRunsOnTheWorkerAndCanReplaceTensors() {
        List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
        BatchStager doubling = b -> {
            threads.add(Thread.currentThread().getName());
            Batch out = b.withTensors(b.inputs().mul(2), b.targets());
            b.inputs().close();
            return out;
        };
        try (DataLoader<Sample> loader = DataLoader.builder(new IndexDataset(6, false)).batchSize(3).numWorkers(2)
                .name("stager").stager(doubling).build()) {
            List<Float> firsts = new ArrayList<>();
            for (Batch b : loader) {
                try (b) {
                    firsts.add(b.inputs().toFloatArray()[0]);
                }
            }
            assertEquals(List.of(0f, 6f), firsts);
        }
        assertEquals(2, threads.size());
        for (String t : threads) assertTrue(t.startsWith("jgrad-data-stager-e0-w"), t);
        assertSame(BatchStager.NONE, BatchStager.forDevice(Device.cpu()));
    }

    /** Whether built on the caller's thread or a worker, a batch belongs to the consumer, not to an open Scope. */
    @Test
    void batchesOutliveTheCallersScopeWithAnyWorkerCount() {
        for (int workers : new int[]{0, 2}) {
            try (DataLoader<Sample> loader = DataLoader.builder(new IndexDataset(6, false)).batchSize(3).numWorkers(workers).build()) {
                Batch kept;
                try (org.jgrad.tensor.Scope scope = org.jgrad.tensor.Scope.open()) {
                    kept = loader.iterator().next();
                }
                assertFalse(kept.inputs().isClosed(), workers + " workers");
                assertArrayEquals(new long[]{0, 1, 2}, kept.targets().toLongArray());
                kept.close();
                assertTrue(kept.inputs().isClosed());
            }
        }
    }

    @Test
    void closedBatchesLeaveNoLiveBytes() {
        IndexDataset ds = new IndexDataset(200, false);
        try (DataLoader<Sample> loader = DataLoader.builder(ds).batchSize(16).numWorkers(2).build()) {
            for (Batch b : loader) b.close(); // warm up class loading and the like
            long before = MemoryStats.liveBytes(Device.cpu());
            for (Batch b : loader) b.close();
            long after = MemoryStats.liveBytes(Device.cpu());
            // 200 samples x (8 + 8) bytes plus batches: a leak would show as growth
            assertTrue(after <= before, "live bytes grew from " + before + " to " + after);
        }
    }
}
