package org.jgrad.data;

/** SplitMix64-style mixing, so nearby seeds and epochs give unrelated random streams. */
final class Mix {
    private Mix() {}

    static long mix(long a, long b) {
        return fmix(a ^ fmix(b + 0x632BE59BD9B4E019L));
    }

    static long mix(long a, long b, long c) { return mix(mix(a, b), c); }

    static long mix(long a, long b, long c, long d) { return mix(mix(mix(a, b), c), d); }

    static long fmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
