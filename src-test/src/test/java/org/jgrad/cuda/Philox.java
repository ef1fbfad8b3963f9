package org.jgrad.cuda;

/**
 * An independent Java Philox4x32-10, written from Salmon, Moraes, Dror and Shaw, "Parallel
 * random numbers: as easy as 1, 2, 3" (SC'11): ten rounds of two 32x32->64-bit products
 * (multipliers 0xD2511F53, 0xCD9E8D57) whose high halves are xor-ed with the other counter
 * words and the round key, the key bumped by the Weyl constants 0x9E3779B9, 0xBB67AE85
 * between rounds. Checked against Random123's known-answer vectors in the tests, then used as
 * the reference for philox.ptx, together with the documented mapping of words to values.
 */
final class Philox {
    private Philox() {}

    private static final long M0 = 0xD2511F53L, M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /** The four output words for counter {@code ctr} (4 words) and key {@code key} (2 words). */
    static int[] philox4x32x10(int[] ctr, int[] key) {
        int c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
        int k0 = key[0], k1 = key[1];
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = M0 * (c0 & 0xFFFFFFFFL), p1 = M1 * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0, hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            int n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
            c0 = n0;
            c1 = lo1;
            c2 = n2;
            c3 = lo0;
        }
        return new int[] {c0, c1, c2, c3};
    }

    /** The 32-bit word behind element {@code i} of a draw with {@code seed}: word i % 4 of counter i / 4. */
    static int word(long seed, long i) {
        int[] w = philox4x32x10(new int[] {(int) (i / 4), (int) (i / 4 >>> 32), 0, 0}, new int[] {(int) seed, (int) (seed >>> 32)});
        return w[(int) (i % 4)];
    }

    /** u = (w >>> 8) * 2^-24, in [0, 1). */
    static float unit(int w) { return (w >>> 8) * 0x1p-24f; }

    static float uniform(long seed, long i, float a, float b) {
        float v = Math.fma(unit(word(seed, i)), b - a, a);
        return b > a ? Math.min(v, Math.nextDown(b)) : v;
    }

    static float bernoulli(long seed, long i, float p) { return unit(word(seed, i)) < p ? 1f : 0f; }

    /** Box-Muller on the pair of words (4c, 4c+1) or (4c+2, 4c+3): cos for the first, sin for the second. */
    static double normal(long seed, long i, double mean, double std) {
        long first = i - (i % 2);
        double u0 = unit(word(seed, first)), u1 = unit(word(seed, first + 1));
        double r = Math.sqrt(-2 * Math.log(1 - u0)), t = 2 * Math.PI * u1 - Math.PI;
        return mean + std * (i % 2 == 0 ? r * Math.cos(t) : r * Math.sin(t));
    }
}
