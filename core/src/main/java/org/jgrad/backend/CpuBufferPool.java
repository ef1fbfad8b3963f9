package org.jgrad.backend;

import org.jgrad.tensor.DType;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Host arrays kept for reuse, in the spirit of PyTorch's CPU caching allocator: a training step
 * allocates the same activation and gradient shapes every step, and without reuse each step's
 * arrays are fresh garbage (about 115 MB per step for the default CNN at batch 64) that keeps
 * the JVM heap, and with it the resident set, large. Here the arrays of storages released
 * explicitly at the end of a step are kept and handed out again the next step.
 *
 * <p><b>Buckets</b> are keyed by dtype and exact length: a reused array has exactly the length of
 * the storage it backs, so kernels that read {@code array.length} stay correct, and a step that
 * repeats its shapes finds every buffer it needs.
 *
 * <p><b>Bound.</b> At most {@link #capacityBytes()} bytes are kept (system property
 * {@code jgrad.cpu.poolBytes}, in bytes; default a quarter of the maximum heap; {@code 0} turns
 * the pool off). An array that would pass the bound first evicts the buckets used least recently
 * (the shapes of a finished phase, such as validation after training); if it still does not fit it
 * is left to the collector. {@link #trim()} empties the pool.
 *
 * <p>Thread-safe: loader threads allocate batches that the training thread releases, and
 * {@link Parallel} workers may allocate too. Buckets are guarded by their own lock; the byte count
 * is an atomic.
 */
public final class CpuBufferPool {
    /** System property: the most bytes of arrays kept for reuse; 0 disables the pool. */
    public static final String CAPACITY_PROPERTY = "jgrad.cpu.poolBytes";

    private static final CpuBufferPool SHARED = new CpuBufferPool(defaultCapacity());

    private volatile long capacity;
    private final ConcurrentHashMap<Key, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong pooledBytes = new AtomicLong();
    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    CpuBufferPool(long capacityBytes) {
        if (capacityBytes < 0) throw new IllegalArgumentException("capacityBytes must be >= 0, got " + capacityBytes);
        this.capacity = capacityBytes;
    }

    /** The process-wide pool behind {@link CpuStorage}. */
    public static CpuBufferPool shared() { return SHARED; }

    static long defaultCapacity() {
        String p = System.getProperty(CAPACITY_PROPERTY);
        if (p == null || p.isBlank()) return Runtime.getRuntime().maxMemory() / 4;
        long v;
        try {
            v = Long.parseLong(p.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(CAPACITY_PROPERTY + " must be a number of bytes (0 disables the pool), got '" + p + "'", e);
        }
        if (v < 0) throw new IllegalArgumentException(CAPACITY_PROPERTY + " must be >= 0 (0 disables the pool), got " + v);
        return v;
    }

    private record Key(DType dtype, int length) {}

    private static final class Bucket {
        final ArrayDeque<Object> arrays = new ArrayDeque<>();
        volatile long lastUse;
    }

    /** The most bytes this pool keeps; 0 when it is off. */
    public long capacityBytes() { return capacity; }

    /**
     * Sets the most bytes kept from now on (0 turns the pool off), dropping arrays from the least
     * recently used buckets until what is kept fits.
     */
    public void setCapacityBytes(long capacityBytes) {
        if (capacityBytes < 0) throw new IllegalArgumentException("capacityBytes must be >= 0 (0 disables the pool), got " + capacityBytes);
        capacity = capacityBytes;
        if (capacityBytes == 0) trim();
        else evictLeastRecentlyUsed(0, null);
    }

    /** Bytes of arrays kept now, held by no storage. */
    public long pooledBytes() { return pooledBytes.get(); }

    /** Allocations served from the pool so far. */
    public long hits() { return hits.get(); }

    /** Allocations that found no array of their size and took a fresh one. */
    public long misses() { return misses.get(); }

    /**
     * An array of {@code dtype}'s Java type and exactly {@code length} elements, taken from the
     * pool when one is kept, with unspecified contents; null when none is kept (allocate fresh).
     */
    Object take(DType dtype, int length) {
        if (capacity == 0 || length == 0) return null;
        Bucket b = buckets.get(new Key(dtype, length));
        if (b != null) {
            Object a;
            synchronized (b) {
                a = b.arrays.pollLast(); // the most recently returned: likeliest still in cache
            }
            if (a != null) {
                b.lastUse = clock.incrementAndGet();
                pooledBytes.addAndGet(-bytes(dtype, length));
                hits.incrementAndGet();
                return a;
            }
        }
        misses.incrementAndGet();
        return null;
    }

    /**
     * Keeps {@code array} (of {@code dtype}'s Java type, {@code length} elements) for reuse. The
     * caller gives up the array: nothing may read or write it afterwards.
     */
    void give(DType dtype, int length, Object array) {
        long bytes = bytes(dtype, length);
        long cap = capacity;
        if (cap == 0 || length == 0 || bytes > cap) return;
        if (pooledBytes.addAndGet(bytes) > cap) {
            pooledBytes.addAndGet(-bytes);
            Key key = new Key(dtype, length);
            evictLeastRecentlyUsed(bytes, key);
            if (pooledBytes.addAndGet(bytes) > cap) { // others filled it meanwhile: let the collector have it
                pooledBytes.addAndGet(-bytes);
                return;
            }
        }
        Bucket b = buckets.computeIfAbsent(new Key(dtype, length), k -> new Bucket());
        b.lastUse = clock.incrementAndGet();
        synchronized (b) {
            b.arrays.addLast(array);
        }
    }

    /** Drops arrays from the least recently used buckets other than {@code keep} (null: any) until {@code bytes} more fit. */
    private void evictLeastRecentlyUsed(long bytes, Key keep) {
        while (pooledBytes.get() + bytes > capacity) {
            Map.Entry<Key, Bucket> oldest = null;
            for (Map.Entry<Key, Bucket> e : buckets.entrySet()) {
                if (keep != null && e.getKey().equals(keep)) continue;
                Bucket b = e.getValue();
                boolean empty;
                synchronized (b) {
                    empty = b.arrays.isEmpty();
                }
                if (empty) continue;
                if (oldest == null || b.lastUse < oldest.getValue().lastUse) oldest = e;
            }
            if (oldest == null) return; // only the caller's own bucket holds arrays
            drain(oldest.getKey(), oldest.getValue());
        }
    }

    private void drain(Key key, Bucket b) {
        int n;
        synchronized (b) {
            n = b.arrays.size();
            b.arrays.clear();
        }
        pooledBytes.addAndGet(-n * bytes(key.dtype(), key.length()));
    }

    /** Drops every kept array (the collector reclaims them); for a phase change or before a large allocation. */
    public void trim() {
        for (Iterator<Map.Entry<Key, Bucket>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Bucket> e = it.next();
            drain(e.getKey(), e.getValue());
        }
    }

    private static long bytes(DType dtype, int length) { return (long) length * dtype.byteSize(); }
}
