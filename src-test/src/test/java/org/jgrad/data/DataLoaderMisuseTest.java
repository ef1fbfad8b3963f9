package org.jgrad.data;

import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** Misuse and faults the loader must report, never hide: a superseded iterator, a stuck worker, a null sample. */
class DataLoaderMisuseTest {

    @Test
    void aSecondIteratorMakesTheFirstThrowNotEndEarly() {
        for (int workers : new int[]{0, 2}) {
            try (var loader = DataLoader.builder(new LoaderFixtures.IndexDataset(12, false)).batchSize(2).numWorkers(workers).name("nested" + workers).build()) {
                Iterator<Batch> outer = loader.iterator();
                outer.next().close();
                int inner = 0;
                for (Batch b : loader) { // a nested loop over the same loader
                    b.close();
                    inner++;
                }
                assertEquals(6, inner);
                IllegalStateException e = assertThrows(IllegalStateException.class, outer::hasNext, "workers " + workers);
                assertTrue(e.getMessage().contains("epoch 0") && e.getMessage().contains("1 of 6 batches")
                        && e.getMessage().contains("epoch 1 (another iterator)"), e.getMessage());
                assertThrows(IllegalStateException.class, outer::next);
            }
        }
    }

    @Test
    void aFinishedOrClosedIteratorIsNotSuperseded() {
        try (var loader = DataLoader.builder(new LoaderFixtures.IndexDataset(4, false)).batchSize(2).numWorkers(1).build()) {
            var first = loader.epoch(0);
            first.forEachRemaining(Batch::close);
            var second = loader.epoch(1);
            assertFalse(first.hasNext());
            second.close();
            loader.epoch(2).forEachRemaining(Batch::close);
            assertFalse(second.hasNext());
        }
    }

    /** get(i) blocks (ignoring interrupts) until released, for i == stuckIndex. */
    static final class StuckDataset implements Dataset<Sample> {
        final int stuckIndex;
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean ignoreInterrupts;

        StuckDataset(int stuckIndex, boolean ignoreInterrupts) {
            this.stuckIndex = stuckIndex;
            this.ignoreInterrupts = new AtomicBoolean(ignoreInterrupts);
        }

        @Override
        public int size() { return 8; }

        @Override
        public Sample get(int i) {
            if (i == stuckIndex) {
                while (true) {
                    try {
                        release.await();
                        break;
                    } catch (InterruptedException e) {
                        if (!ignoreInterrupts.get()) throw new IllegalStateException("interrupted", e);
                    }
                }
            }
            return new Sample(Tensor.fromArray(new float[]{i}, 1), Tensor.fromArray(new long[]{i}));
        }
    }

    @Test
    void timeoutNamesTheBatchAndTheWorker() {
        StuckDataset ds = new StuckDataset(5, false);
        try (var loader = DataLoader.builder(ds).batchSize(2).numWorkers(2).timeout(0.2).name("slow").build()) {
            var it = loader.epoch(0);
            it.next().close();
            it.next().close();
            long t0 = System.nanoTime();
            DataLoaderTimeoutException e = assertThrows(DataLoaderTimeoutException.class, it::next);
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "the timeout must fire, not hang");
            assertEquals(2, e.batchIndex());
            assertEquals("jgrad-data-slow-e0-w0", e.worker());
            assertTrue(e.getMessage().contains("batch 2") && e.getMessage().contains("jgrad-data-slow-e0-w0")
                    && e.getMessage().contains("0.2 s"), e.getMessage());
        } finally {
            ds.release.countDown();
        }
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(ds).timeout(-1));
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(ds).timeout(Double.NaN));
    }

    @Test
    void closeSaysSoWhenAWorkerCannotBeStopped() throws InterruptedException {
        StuckDataset ds = new StuckDataset(1, true);
        var loader = DataLoader.builder(ds).batchSize(2).numWorkers(1).joinTimeoutMillis(100).name("deaf").build();
        var it = loader.epoch(0);
        Thread.sleep(50); // let the worker reach the stuck get
        IllegalStateException e = assertThrows(IllegalStateException.class, loader::close);
        assertTrue(e.getMessage().contains("jgrad-data-deaf-e0-w0") && e.getMessage().contains("still running"), e.getMessage());
        assertTrue(loader.isClosed());
        ds.release.countDown();
        for (int i = 0; i < 100 && !LoaderFixtures.liveThreads("jgrad-data-deaf-").isEmpty(); i++) Thread.sleep(20);
        assertEquals(java.util.List.of(), LoaderFixtures.liveThreads("jgrad-data-deaf-"), "the worker ends once its get returns");
        loader.close(); // idempotent, and nothing left to report
        assertFalse(it.hasNext());
    }

    @Test
    void aNullSampleIsReportedWithItsIndex() {
        Dataset<Sample> ds = new Dataset<>() {
            @Override
            public int size() { return 6; }

            @Override
            public Sample get(int i) {
                return i == 3 ? null : new Sample(Tensor.fromArray(new float[]{i}, 1), Tensor.fromArray(new long[]{i}));
            }
        };
        for (int workers : new int[]{0, 2}) {
            try (var loader = DataLoader.builder(ds).batchSize(2).numWorkers(workers).build()) {
                var it = loader.epoch(0);
                it.next().close();
                DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
                assertEquals(1, e.batchIndex());
                assertTrue(e.getMessage().contains("get(3) returned null"), e.getMessage());
            }
        }
    }
}
