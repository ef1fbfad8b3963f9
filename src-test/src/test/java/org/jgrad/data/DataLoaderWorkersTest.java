package org.jgrad.data;

import org.jgrad.data.LoaderFixtures.IndexDataset;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** Worker threads: prefetch bounds, failures, shutdown, and that no thread outlives its loader. */
class DataLoaderWorkersTest {

    /**
     * Waits (up to 10 s) for the workers to have read {@code expected} samples, then 200 ms more,
     * and returns the count: reaching it shows the prefetch fills, staying at it shows the bound.
     * (Waiting for a target rather than for quiet keeps this robust on a loaded machine.)
     */
    static int settle(IndexDataset ds, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ds.gets.get() < expected && System.nanoTime() < deadline) Thread.sleep(5);
        Thread.sleep(200);
        return ds.gets.get();
    }

    @Test
    void samplesInFlightAreBoundedByWorkersTimesPrefetch() throws InterruptedException {
        int batch = 8, workers = 3, prefetch = 2;
        IndexDataset ds = new IndexDataset(batch * 40, false);
        try (DataLoader<Sample> loader = DataLoader.builder(ds).batchSize(batch).numWorkers(workers).prefetch(prefetch).build()) {
            Iterator<Batch> it = loader.iterator();
            // before anything is consumed the workers fill their permits and stop
            assertEquals(workers * prefetch * batch, settle(ds, workers * prefetch * batch));
            for (int consumed = 1; consumed <= 5; consumed++) {
                it.next().close();
                int bound = (consumed + workers * prefetch) * batch;
                assertEquals(bound, settle(ds, bound),
                        "after " + consumed + " batches taken, at most workers x prefetch batches may be built ahead");
            }
        }
        IndexDataset one = new IndexDataset(40, false);
        try (DataLoader<Sample> loader = DataLoader.builder(one).batchSize(4).numWorkers(1).prefetch(1).build()) {
            Iterator<Batch> it = loader.iterator();
            assertEquals(4, settle(one, 4));
            it.next().close();
            assertEquals(8, settle(one, 8));
        }
    }

    @Test
    void workerThreadsAreNamedPlatformDaemonThreads() {
        try (DataLoader<Sample> loader = DataLoader.builder(new IndexDataset(400, false)).batchSize(4).numWorkers(3)
                .name("names").build()) {
            Iterator<Batch> it = loader.epoch(4);
            it.next().close();
            List<Thread> mine = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().startsWith("jgrad-data-names-")) mine.add(t);
            List<String> names = new ArrayList<>();
            for (Thread t : mine) {
                names.add(t.getName());
                assertFalse(t.isVirtual());
                assertTrue(t.isDaemon());
            }
            names.sort(null);
            assertEquals(List.of("jgrad-data-names-e4-w0", "jgrad-data-names-e4-w1", "jgrad-data-names-e4-w2"), names);
            assertEquals("jgrad-data-names-", loader.threadNamePrefix());
        }
        assertEquals(List.of(), LoaderFixtures.liveThreads("jgrad-data-names-"));
    }

    static Dataset<Sample> failingAt(int bad) {
        IndexDataset inner = new IndexDataset(100, true);
        return new Dataset<>() {
            public int size() { return inner.size(); }
            public Sample get(int i) {
                if (i == bad) throw new IllegalStateException("corrupt sample " + i);
                return inner.get(i);
            }
        };
    }

    @Test
    void workerFailureNamesTheBatchCarriesTheCauseAndStopsWorkers() {
        for (int workers : new int[]{0, 1, 4}) {
            try (DataLoader<Sample> loader = DataLoader.builder(failingAt(37)).batchSize(5).numWorkers(workers).name("fail" + workers).build()) {
                Iterator<Batch> it = loader.iterator();
                for (int k = 0; k < 7; k++) {
                    try (Batch b = it.next()) {
                        assertEquals(k, b.index(), "batches before the bad one arrive normally");
                    }
                }
                DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
                assertEquals(7, e.batchIndex());
                assertTrue(e.getMessage().contains("batch 7"), e.getMessage());
                assertInstanceOf(IllegalStateException.class, e.getCause());
                assertEquals("corrupt sample 37", e.getCause().getMessage());
                if (workers > 0) assertTrue(e.getMessage().contains("jgrad-data-fail" + workers + "-e0-w" + (7 % workers)), e.getMessage());
                assertFalse(it.hasNext());
                assertEquals(List.of(), LoaderFixtures.liveThreads("jgrad-data-fail" + workers + "-"),
                        "workers must be stopped when the failure is reported");
                // the loader stays usable for a new epoch
                Iterator<Batch> next = loader.iterator();
                assertTrue(next.hasNext());
                next.next().close();
            }
            assertEquals(List.of(), LoaderFixtures.liveThreads("jgrad-data-fail" + workers + "-"));
        }
    }

    @Test
    void closeMidwayStopsWorkersAndNoThreadOutlivesTheLoader() {
        IndexDataset ds = new IndexDataset(20_000, true);
        DataLoader<Sample> loader = DataLoader.builder(ds).batchSize(16).numWorkers(8).prefetch(4).shuffle(true).name("abandon").build();
        int n = 0;
        for (Batch b : loader) {
            b.close();
            if (++n == 3) break; // abandoned midway
        }
        assertFalse(LoaderFixtures.liveThreads("jgrad-data-abandon-e0-").isEmpty(), "workers were running");
        // a new epoch closes the abandoned one
        Iterator<Batch> e1 = loader.iterator();
        e1.next().close();
        assertEquals(List.of(), LoaderFixtures.liveThreads("jgrad-data-abandon-e0-"));
        loader.close();
        assertEquals(List.of(), LoaderFixtures.liveThreads("jgrad-data-abandon-"));
        assertFalse(e1.hasNext());
        assertThrows(IllegalStateException.class, loader::iterator);
        loader.close(); // idempotent
    }

    @Test
    void exhaustedEpochLeavesNoThreads() {
        try (DataLoader<Sample> loader = DataLoader.builder(new IndexDataset(50, true)).batchSize(3).numWorkers(8).name("exhaust").build()) {
            int n = 0;
            for (Batch b : loader) {
                b.close();
                n++;
            }
            assertEquals(17, n);
            assertEquals(List.of(), LoaderFixtures.liveThreads("jgrad-data-exhaust-"), "threads end with their epoch");
        }
    }

    /** Workers stuck in a slow get() are interrupted: close() returns promptly, not after the 30 s sleeps. */
    @Test
    void closeInterruptsSlowWorkersPromptly() throws InterruptedException {
        Dataset<Sample> slow = new Dataset<>() {
            public int size() { return 1000; }
            public Sample get(int i) {
                if (i >= 4) {
                    try {
                        Thread.sleep(30_000);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException("interrupted", e);
                    }
                }
                return new Sample(Tensor.fromArray(new float[]{i}, 1), Tensor.fromArray(new long[]{i}));
            }
        };
        DataLoader<Sample> loader = DataLoader.builder(slow).batchSize(2).numWorkers(4).name("slow").build();
        Iterator<Batch> it = loader.iterator();
        it.next().close();
        it.next().close();
        // the consumer now blocks on batch 2; another thread closes the loader under it
        AtomicReference<Throwable> consumerSaw = new AtomicReference<>();
        Thread consumer = Thread.ofPlatform().name("test-consumer").start(() -> {
            try {
                it.next();
            } catch (Throwable t) {
                consumerSaw.set(t);
            }
        });
        Thread.sleep(100);
        long t0 = System.nanoTime();
        loader.close();
        double seconds = (System.nanoTime() - t0) / 1e9;
        consumer.join(5000);
        assertTrue(seconds < 5, "close took " + seconds + " s");
        assertFalse(consumer.isAlive(), "the blocked consumer was woken");
        assertInstanceOf(IllegalStateException.class, consumerSaw.get());
        assertTrue(consumerSaw.get().getMessage().contains("closed"), consumerSaw.get().getMessage());
        assertEquals(List.of(), LoaderFixtures.liveThreads("jgrad-data-slow-"));
    }

    @Test
    void badArgumentsAreNamed() {
        IndexDataset ds = new IndexDataset(10, false);
        var e1 = assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(ds).batchSize(0));
        assertTrue(e1.getMessage().contains("batchSize must be >= 1, got 0"), e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(ds).numWorkers(-1));
        assertTrue(e2.getMessage().contains("numWorkers must be >= 0, got -1"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(ds).prefetch(0));
        assertTrue(e3.getMessage().contains("prefetch must be >= 1, got 0"), e3.getMessage());
        try (DataLoader<Sample> loader = DataLoader.builder(ds).build()) {
            var e4 = assertThrows(IllegalArgumentException.class, () -> loader.epoch(-2));
            assertTrue(e4.getMessage().contains("-2"), e4.getMessage());
        }
        var e5 = assertThrows(IndexOutOfBoundsException.class, () -> ds.get(10));
        assertTrue(e5.getMessage().contains("index 10"), e5.getMessage());

        // a sampler that points outside the data set
        try (DataLoader<Sample> loader = DataLoader.builder(ds).batchSize(2).sampler(e -> new int[]{0, 1, 2, 12}).numWorkers(2).build()) {
            Iterator<Batch> it = loader.iterator();
            it.next().close();
            DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
            assertEquals(1, e.batchIndex());
            assertInstanceOf(IndexOutOfBoundsException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("index 12"), e.getCause().getMessage());
        }

        // samples that cannot be stacked
        Dataset<Sample> ragged = new Dataset<>() {
            public int size() { return 4; }
            public Sample get(int i) { return new Sample(Tensor.fromArray(new float[i + 1], i + 1), Tensor.fromArray(new long[]{i})); }
        };
        try (DataLoader<Sample> loader = DataLoader.builder(ragged).batchSize(2).build()) {
            DataLoaderException e = assertThrows(DataLoaderException.class, () -> loader.iterator().next());
            assertTrue(e.getCause().getMessage().contains("input 1 has shape [2]"), e.getCause().getMessage());
        }

        var e6 = assertThrows(IllegalArgumentException.class,
                () -> new TensorDataset(Tensor.zeros(3, 2), Tensor.zeros(4)));
        assertTrue(e6.getMessage().contains("3 samples") && e6.getMessage().contains("have 4"), e6.getMessage());
    }
}
