package org.jgrad.backend;

import org.jgrad.tensor.DType;
import org.jgrad.tensor.Device;
import org.jgrad.tensor.MemoryStats;
import org.jgrad.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host buffer pool behind {@link CpuStorage#allocate}: arrays of storages released by an
 * explicit close come back, zeroed, to the next allocation of their dtype and length; arrays
 * released by the Cleaner, or wrapped around a caller's array, never do; the byte bound holds;
 * and storages live at the same time never share an array, whatever the threads.
 *
 * <p>Lengths here (prime, a few thousand) are chosen so no other code of the test JVM asks for
 * them while a test runs; each test starts from an empty pool with a generous capacity.
 */
@Isolated("changes the process-wide pool's capacity")
class CpuBufferPoolTest {
    private static final CpuBufferPool POOL = CpuBufferPool.shared();
    private long savedCapacity;

    @BeforeEach
    void emptyPool() {
        savedCapacity = POOL.capacityBytes();
        POOL.setCapacityBytes(256L << 20);
        POOL.trim();
    }

    @AfterEach
    void restore() {
        POOL.trim();
        POOL.setCapacityBytes(savedCapacity);
    }

    private static float[] f32(Tensor t) { return ((CpuStorage) t.raw().storage()).f32(); }

    @Test
    void anArrayReleasedByCloseComesBackZeroedToTheNextAllocationOfItsLength() {
        float[] first;
        try (Tensor t = Tensor.full(7.5, DType.FLOAT32, Device.cpu(), 4099)) {
            first = f32(t);
            assertEquals(7.5f, first[4098]);
        }
        assertEquals(4099L * 4, POOL.pooledBytes(), "the closed tensor's array is kept");
        try (Tensor again = Tensor.zeros(4099)) {
            assertSame(first, f32(again), "the same array is handed out again");
            for (int i = 0; i < 4099; i++) assertEquals(0f, f32(again)[i], "element " + i + " of a reused array");
        }
        // Tensor.empty also reads zeros on the CPU (its documented behaviour there)
        try (Tensor t = Tensor.full(-1, DType.INT64, Device.cpu(), 4099); Tensor e = Tensor.empty(DType.INT64, Device.cpu(), 4099)) {
            long[] a = ((CpuStorage) e.raw().storage()).i64();
            for (long v : a) assertEquals(0L, v);
            assertEquals(-1L, ((CpuStorage) t.raw().storage()).i64()[0]);
        }
    }

    @Test
    void anotherLengthOrDtypeDoesNotReceiveTheArray() {
        float[] first;
        try (Tensor t = Tensor.zeros(4099)) {
            first = f32(t);
        }
        try (Tensor shorter = Tensor.zeros(4093); Tensor f64 = Tensor.zeros(DType.FLOAT64, Device.cpu(), 4099)) {
            assertNotSame(first, f32(shorter));
            assertEquals(4093, f32(shorter).length);
            assertEquals(4099, ((CpuStorage) f64.raw().storage()).f64().length);
        }
        assertEquals(4099L * 4 + 4093L * 4 + 4099L * 8, POOL.pooledBytes());
    }

    @Test
    void aStorageReleasedByTheCleanerIsNotRecycled() {
        // deterministic: the reference given back on the Cleaner's path taints the buffer
        CpuStorage s = CpuStorage.allocate(DType.FLOAT32, 4111);
        s.retain();
        s.retain();
        float[] a = s.f32();
        s.releaseUnreachable(); // one view dropped unclosed...
        s.release();            // ...the last one closed explicitly: still tainted
        assertTrue(s.isFreed());
        assertEquals(0, POOL.pooledBytes(), "nothing kept");
        try (Tensor t = Tensor.zeros(4111)) {
            assertNotSame(a, f32(t));
        }

        // and through the real Cleaner: a tensor dropped without close
        CpuStorage st = storageOfADroppedTensor(4127);
        float[] raw = st.f32();
        for (int i = 0; i < 200 && !st.isFreed(); i++) {
            System.gc();
            sleep(10);
        }
        assertTrue(st.isFreed(), "the Cleaner released the unreachable tensor's storage");
        for (int i = 0; i < 4; i++) {
            try (Tensor t = Tensor.zeros(4127)) {
                assertNotSame(raw, f32(t), "the array of a Cleaner-released storage is handed out again");
            }
        }
        assertEquals(3f, raw[17], "the array a primitive might still hold is left as it was");
    }

    /** The storage of a filled tensor that is then dropped unclosed (only its storage stays reachable). */
    private static CpuStorage storageOfADroppedTensor(int n) {
        Tensor t = Tensor.full(3, DType.FLOAT32, Device.cpu(), n);
        return (CpuStorage) t.raw().storage();
    }

    @Test
    void aCallersArrayWrappedByToHostIsNotRecycled() {
        try (Tensor m = Tensor.full(2, DType.FLOAT32, Device.cpu(), 59, 71); Tensor t = m.t()) {
            float[] out = t.toFloatArray(); // a transposed view: toHost wraps the caller's array in a storage
            assertEquals(59 * 71, out.length);
            for (int i = 0; i < 3; i++) {
                try (Tensor z = Tensor.zeros(59 * 71)) {
                    assertNotSame(out, f32(z), "the caller's array went into the pool");
                }
            }
            assertEquals(2f, out[100]);
        }
    }

    @Test
    void theByteBoundHoldsAndEvictsTheLeastRecentlyUsedLength() {
        CpuBufferPool pool = new CpuBufferPool(10_000);
        pool.give(DType.FLOAT32, 1000, new float[1000]); // 4,000 bytes
        pool.give(DType.FLOAT32, 1000, new float[1000]); // 8,000
        assertEquals(8000, pool.pooledBytes());
        float[] newer = new float[500];
        pool.give(DType.FLOAT32, 500, newer);            // 10,000: exactly the bound
        assertEquals(10_000, pool.pooledBytes());
        pool.give(DType.FLOAT32, 500, new float[500]);   // passes it: the older length-1000 bucket goes
        assertEquals(4000, pool.pooledBytes());
        assertTrue(pool.take(DType.FLOAT32, 1000) == null, "the least recently used bucket was evicted");
        assertTrue(pool.take(DType.FLOAT32, 500) != null);
        pool.give(DType.FLOAT64, 2000, new double[2000]); // 16,000 bytes: larger than the bound, not kept
        assertEquals(2000, pool.pooledBytes());
        pool.setCapacityBytes(1000);
        assertEquals(0, pool.pooledBytes(), "lowering the bound drops what no longer fits");
        pool.setCapacityBytes(0);
        pool.give(DType.UINT8, 10, new byte[10]);
        assertEquals(0, pool.pooledBytes(), "capacity 0: the pool is off");
        assertTrue(pool.take(DType.UINT8, 10) == null);
        assertThrows(IllegalArgumentException.class, () -> pool.setCapacityBytes(-1));
    }

    @Test
    void theSharedPoolStaysWithinItsBoundUnderATrainingLikeLoad() {
        POOL.setCapacityBytes(100_000);
        List<Tensor> live = new ArrayList<>();
        for (int i = 0; i < 40; i++) live.add(Tensor.zeros(1009 + 2 * i)); // about 4-4.3 KB each, 170 KB in all
        for (Tensor t : live) t.close();
        assertTrue(POOL.pooledBytes() <= 100_000, "kept " + POOL.pooledBytes());
        assertTrue(POOL.pooledBytes() > 90_000, "the pool fills up to its bound, kept " + POOL.pooledBytes());
    }

    @Test
    void liveBytesCountTensorsNotPooledArrays() {
        long before = MemoryStats.liveBytes(Device.cpu());
        Tensor t = Tensor.zeros(4157);
        assertEquals(before + 4157L * 4, MemoryStats.liveBytes(Device.cpu()));
        t.close();
        assertEquals(before, MemoryStats.liveBytes(Device.cpu()), "a pooled array is not live");
        assertEquals(4157L * 4, POOL.pooledBytes());
    }

    @Test
    void concurrentAllocationsNeverShareAnArray() throws Exception {
        int threads = 8, rounds = 3000;
        int[] lengths = {4201, 4211, 4217};
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int id = 1; id <= threads; id++) {
            float mark = id;
            done.add(ex.submit(() -> {
                start.await();
                for (int r = 0; r < rounds; r++) {
                    int n = lengths[r % lengths.length];
                    try (Tensor a = Tensor.zeros(n); Tensor b = Tensor.zeros(n)) {
                        float[] x = f32(a), y = f32(b);
                        if (x == y) throw new AssertionError("two live tensors got the same array");
                        for (int i = 0; i < n; i++) {
                            if (x[i] != 0 || y[i] != 0) throw new AssertionError("a reused array was not zeroed at " + i);
                        }
                        java.util.Arrays.fill(x, mark);
                        java.util.Arrays.fill(y, -mark);
                        Thread.yield();
                        for (int i = 0; i < n; i += 97) {
                            if (x[i] != mark || y[i] != -mark) throw new AssertionError("another thread wrote into a live array");
                        }
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) f.get();
        ex.shutdown();
        assertTrue(POOL.hits() > 0, "the pool served allocations");
        assertTrue(POOL.pooledBytes() <= POOL.capacityBytes());
        assertFalse(POOL.pooledBytes() < 0);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
