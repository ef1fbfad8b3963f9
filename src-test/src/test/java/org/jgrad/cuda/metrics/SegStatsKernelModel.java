package org.jgrad.cuda.metrics;

import org.jgrad.tensor.DType;

import java.util.List;

/**
 * A line-by-line Java model of seg_stats.ptx (seg_stats_f32_*): the unit loop, row addresses,
 * group formula, scalar head / 16-byte body / tail split and the per-element predicates, run on
 * host arrays for one {@link Launch}. It checks what the GPU would not report: every vector load
 * aligned, no read out of bounds, each block's 32-bit counters within range.
 */
final class SegStatsKernelModel {
    private SegStatsKernelModel() {}

    static void run(Launch l, DeviceMemory pred, DeviceMemory targ, long[] counts, long countsBase) {
        List<Object> a = l.args();
        long pPred = (Long) a.get(0), pTarg = (Long) a.get(1), pCounts = (Long) a.get(2);
        long nRows = (Long) a.get(3), L = (Long) a.get(4), rpi = (Long) a.get(5);
        long pSN = (Long) a.get(6), pSC = (Long) a.get(7), tSN = (Long) a.get(8), tSC = (Long) a.get(9);
        long cpr = (Long) a.get(10), cLen = (Long) a.get(11), gBase = (Long) a.get(12), gImg = (Long) a.get(13), gCh = (Long) a.get(14);
        float cut = (Float) a.get(15);
        boolean hasIg = (Integer) a.get(16) != 0;
        long ignBits = (Long) a.get(17);
        boolean vec = (Integer) a.get(18) != 0;
        int size = targ.dtype.byteSize();
        int nThreads = l.block();
        long nUnits = nRows * cpr;
        for (int block = 0; block < l.grid(); block++) {
            for (long u = block; u < nUnits; u += l.grid()) {
                long r = u / cpr, k = u - r * cpr;
                long s = k * cLen, e = Math.min(s + cLen, L);
                long n = e - s;
                if (n < 0 || n >= (1L << 31)) throw new AssertionError("unit length " + n);
                long img = r / rpi, ch = r - img * rpi;
                long rowP = img * pSN + ch * pSC + s, rowT = img * tSN + ch * tSC + s;
                long ptrP = pPred + rowP * 4, ptrT = pTarg + rowT * size;
                long g = gBase + img * gImg + ch * gCh;
                int[] c = new int[4]; // valid, predicted positive, target positive, tp
                if (vec) {
                    int h = (int) Math.min((-(int) (ptrP >>> 2)) & 3, n);
                    long nv = (n - h) >> 2;
                    if (h > nThreads) throw new AssertionError("head longer than the block");
                    for (int t = 0; t < h; t++) elem(pred.f32(ptrP + t * 4L, 4), targ.bits(ptrT + (long) t * size, size), cut, hasIg, ignBits, targ.dtype, c);
                    long bodyP = ptrP + h * 4L, bodyT = ptrT + (long) h * size;
                    for (long j = 0; j < nv; j++) {
                        for (int q = 0; q < 4; q++) {
                            // the vector load: 16 bytes of predictions, 4 targets in one (or two 16-byte) loads
                            float x = pred.f32(bodyP + j * 16 + q * 4L, q == 0 ? 16 : 4);
                            long y = targ.bits(bodyT + j * 4L * size + (long) q * size, q == 0 ? Math.min(16, 4 * size) : size);
                            elem(x, y, cut, hasIg, ignBits, targ.dtype, c);
                        }
                    }
                    long tail = h + 4 * nv;
                    if (n - tail >= 4) throw new AssertionError("tail of " + (n - tail));
                    for (long i = tail; i < n; i++) elem(pred.f32(ptrP + i * 4, 4), targ.bits(ptrT + i * size, size), cut, hasIg, ignBits, targ.dtype, c);
                } else {
                    for (long i = 0; i < n; i++) elem(pred.f32(ptrP + i * 4, 4), targ.bits(ptrT + i * size, size), cut, hasIg, ignBits, targ.dtype, c);
                }
                int at = (int) ((pCounts - countsBase) / 8 + g * 4);
                counts[at] += Integer.toUnsignedLong(c[3]);
                counts[at + 1] += Integer.toUnsignedLong(c[1] - c[3]);
                counts[at + 2] += Integer.toUnsignedLong(c[2] - c[3]);
                counts[at + 3] += Integer.toUnsignedLong(c[0] - c[1] - c[2] + c[3]);
            }
        }
    }

    /** The per-element predicates of seg_elem in the generator, on the register bits. */
    private static void elem(float x, long y, float cut, boolean hasIg, long ignBits, DType t, int[] c) {
        boolean ig, t1;
        switch (t) {
            case FLOAT32 -> {
                float v = Float.intBitsToFloat((int) y), ign = Float.intBitsToFloat((int) ignBits);
                ig = hasIg && v == ign;                   // setp.eq.f32
                t1 = !ig && (v != 0f || Float.isNaN(v));  // setp.neu.f32: unordered or not equal
            }
            case INT64 -> { ig = hasIg && y == ignBits; t1 = !ig && y != 0; }
            default -> { ig = hasIg && (int) y == (int) ignBits; t1 = !ig && y != 0; }
        }
        boolean valid = !ig;
        boolean vp = valid && x >= cut;                   // setp.ge.f32: false for NaN
        if (valid) c[0]++;
        if (vp) c[1]++;
        if (t1) c[2]++;
        if (t1 && vp) c[3]++;
    }
}
