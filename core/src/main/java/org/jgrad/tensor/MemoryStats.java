package org.jgrad.tensor;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live bytes per device, counted by {@link Storage}. Tests use it to prove that a training
 * step inside a {@link Scope} leaks nothing; users use it to watch device memory.
 */
public final class MemoryStats {
    private static final ConcurrentHashMap<Device, AtomicLong> LIVE = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Device, AtomicLong> PEAK = new ConcurrentHashMap<>();

    private MemoryStats() {}

    static void allocated(Device d, long bytes) {
        long now = LIVE.computeIfAbsent(d, k -> new AtomicLong()).addAndGet(bytes);
        PEAK.computeIfAbsent(d, k -> new AtomicLong()).accumulateAndGet(now, Math::max);
    }

    static void released(Device d, long bytes) {
        LIVE.computeIfAbsent(d, k -> new AtomicLong()).addAndGet(-bytes);
    }

    /** Bytes held by tensors on {@code device} that are neither closed nor collected. */
    public static long liveBytes(Device device) {
        AtomicLong a = LIVE.get(device);
        return a == null ? 0 : a.get();
    }

    /** The highest {@link #liveBytes} seen on {@code device}. */
    public static long peakBytes(Device device) {
        AtomicLong a = PEAK.get(device);
        return a == null ? 0 : a.get();
    }
}
