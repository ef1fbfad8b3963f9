package org.jgrad.cuda.metrics;

import java.util.List;

/**
 * A Java model of confusion_logits_f32_* in confusion.ptx: units, head / 4-position body / tail,
 * the argmax predicates (setp.gtu then setp.num: NaN wins once, first maximum on ties), the label
 * checks, and the privatised bins: thread t of a block is in warp t/32 and adds to shared copy
 * (t/32) & (K-1), which the block sums into the 64-bit histogram at its end.
 */
final class ConfusionKernelModel {
    private ConfusionKernelModel() {}

    static void run(Launch l, DeviceMemory logits, DeviceMemory targ, long[] hist, long[] bad, long histBase, long badBase) {
        List<Object> a = l.args();
        long pLog = (Long) a.get(0), pTarg = (Long) a.get(1);
        if ((Long) a.get(2) != histBase || (Long) a.get(3) != badBase) throw new AssertionError("hist/bad addresses");
        long nRows = (Long) a.get(4), L = (Long) a.get(5), cpr = (Long) a.get(6), cLen = (Long) a.get(7);
        int C = (Integer) a.get(8);
        long lSN = (Long) a.get(9), lSC = (Long) a.get(10), lSS = (Long) a.get(11), tSN = (Long) a.get(12), tSS = (Long) a.get(13);
        boolean hasIg = (Integer) a.get(14) != 0;
        long ign = (Long) a.get(15);
        int K = (Integer) a.get(16);
        boolean vec = (Integer) a.get(17) != 0;
        if (K * 4L * C * C != l.sharedBytes()) throw new AssertionError("shared bytes " + l.sharedBytes() + " for K=" + K + " C=" + C);
        if (l.sharedBytes() > 48 * 1024) throw new AssertionError("over the default shared limit: " + l.sharedBytes());
        if (K != 0 && Integer.bitCount(K) != 1) throw new AssertionError("copies must be a power of two: " + K);
        int size = targ.dtype.byteSize();
        int nThreads = l.block();
        long nUnits = nRows * cpr;
        for (int block = 0; block < l.grid(); block++) {
            int[] shared = new int[K * C * C];
            long[] blockBad = {0};
            for (long u = block; u < nUnits; u += l.grid()) {
                long r = u / cpr, kc = u - r * cpr;
                long s = kc * cLen, e = Math.min(s + cLen, L);
                int n = (int) (e - s);
                long rowL = pLog + (r * lSN + s * lSS) * 4, rowT = pTarg + (r * tSN + s * tSS) * size;
                long stepC = lSC * 4;
                if (vec) {
                    int h = Math.min((-(int) (rowL >>> 2)) & 3, n);
                    int nv = (n - h) >> 2;
                    for (int t = 0; t < h; t++) position(logits, targ, rowL + t * 4L, rowT + (long) t * size, 4, size, stepC, C, hasIg, ign, K, shared, hist, blockBad, t);
                    long bodyL = rowL + h * 4L, bodyT = rowT + (long) h * size;
                    for (int j = 0; j < nv; j++) {
                        int thread = j % nThreads;
                        for (int q = 0; q < 4; q++) {
                            position(logits, targ, bodyL + j * 16L + q * 4L, bodyT + (long) j * 4 * size + (long) q * size,
                                    q == 0 ? 16 : 4, q == 0 ? Math.min(16, 4 * size) : size, stepC, C, hasIg, ign, K, shared, hist, blockBad, thread);
                        }
                    }
                    int tail = h + 4 * nv;
                    if (n - tail >= 4) throw new AssertionError("tail " + (n - tail));
                    for (int i = tail; i < n; i++) position(logits, targ, rowL + i * 4L, rowT + (long) i * size, 4, size, stepC, C, hasIg, ign, K, shared, hist, blockBad, i - tail);
                } else {
                    for (int i = 0; i < n; i++) {
                        position(logits, targ, rowL + i * lSS * 4, rowT + i * tSS * size, 4, size, stepC, C, hasIg, ign, K, shared, hist, blockBad, i % nThreads);
                    }
                }
            }
            for (int b = 0; b < C * C; b++) {
                long sum = 0;
                for (int k = 0; k < K; k++) sum += Integer.toUnsignedLong(shared[k * C * C + b]);
                hist[b] += sum;
            }
            bad[0] += blockBad[0];
        }
    }

    private static void position(DeviceMemory logits, DeviceMemory targ, long aL, long aT, int lAlign, int tAlign, long stepC, int C,
                                 boolean hasIg, long ign, int K, int[] shared, long[] hist, long[] bad, int thread) {
        float best = logits.f32(aL, lAlign);
        int idx = 0;
        for (int c = 1; c < C; c++) {
            float v = logits.f32(aL + c * stepC, lAlign);
            boolean gtu = v > best || Float.isNaN(v) || Float.isNaN(best); // setp.gtu.f32
            if (gtu && !Float.isNaN(best)) {                               // setp.num.and.f32
                best = v;
                idx = c;
            }
        }
        long y = targ.bits(aT, tAlign);
        boolean ig, inRange;
        if (targ.dtype.byteSize() == 8) {
            ig = hasIg && y == ign;
            inRange = !ig && Long.compareUnsigned(y, C) < 0;
        } else {
            ig = hasIg && (int) y == (int) ign;
            inRange = !ig && Integer.compareUnsigned((int) y, C) < 0;
        }
        if (!inRange && !ig) bad[0]++;
        if (!inRange) return;
        int key = (int) y * C + idx;
        if (K == 0) hist[key]++;
        else shared[((thread / 32) & (K - 1)) * C * C + key]++;
    }
}
