package org.jgrad.metrics;

import java.util.Arrays;

/**
 * Exact (every distinct score a threshold) ranking curves and scores on the host, by one sort:
 * scikit-learn's and torchmetrics' {@code _binary_clf_curve}. Each (score, label) pair is packed
 * into one long whose order is the score's order (label in the lowest bit), the longs are sorted
 * by score (a radix sort: deterministic, O(n)) and walked from the highest score down; every run
 * of equal scores ends one threshold, with the cumulative true and false positives there. -0.0 and
 * 0.0 are one score, as PyTorch compares them. Counts are exact integers; the scores divide once.
 */
final class ExactRanking {
    private ExactRanking() {}

    /** Distinct thresholds, decreasing, with the true and false positives of {@code score >= threshold}. */
    record Clf(float[] thresholds, long[] tps, long[] fps) {
        long positives() { return tps.length == 0 ? 0 : tps[tps.length - 1]; }
        long negatives() { return fps.length == 0 ? 0 : fps[fps.length - 1]; }
    }

    /**
     * The key of (score, label): a non-negative long ordered as the score (NaN excluded by the
     * callers), the label in bit 0. The float's bits are mapped to an unsigned order (negative
     * floats reversed, then the sign bit flipped) in bits 1..32.
     */
    static long key(float score, boolean positive) {
        int b = Float.floatToRawIntBits(score + 0.0f); // -0.0 + 0.0 is 0.0
        b ^= ((b >> 31) & 0x7fffffff) | 0x80000000;
        return ((b & 0xffffffffL) << 1) | (positive ? 1 : 0);
    }

    private static float scoreOf(long key) {
        int b = (int) (key >>> 1) ^ 0x80000000;
        b ^= (b >> 31) & 0x7fffffff;
        return Float.intBitsToFloat(b);
    }

    private static final int RADIX_BITS = 11, RADIX = 1 << RADIX_BITS;

    /**
     * Sorts the first m keys by bits 1..32 (the score; the order among equal scores is of no
     * consequence): a least-significant-digit radix sort, three stable passes of 11 bits, a pass
     * skipped when every key has the same digit. O(m), deterministic; below 256 keys a plain sort.
     */
    static void sortByScore(long[] keys, int m) {
        if (m < 256) {
            Arrays.sort(keys, 0, m);
            return;
        }
        long[] src = keys, dst = new long[m];
        int[] count = new int[RADIX];
        for (int shift = 1; shift < 33; shift += RADIX_BITS) {
            Arrays.fill(count, 0);
            for (int i = 0; i < m; i++) count[(int) (src[i] >>> shift) & (RADIX - 1)]++;
            if (count[(int) (src[0] >>> shift) & (RADIX - 1)] == m) continue;
            for (int d = 0, sum = 0; d < RADIX; d++) {
                int c = count[d];
                count[d] = sum;
                sum += c;
            }
            for (int i = 0; i < m; i++) dst[count[(int) (src[i] >>> shift) & (RADIX - 1)]++] = src[i];
            long[] t = src;
            src = dst;
            dst = t;
        }
        if (src != keys) System.arraycopy(src, 0, keys, 0, m);
    }

    /** The curve of the first {@code m} keys; sorts them in place. */
    static Clf curve(long[] keys, int m) {
        sortByScore(keys, m);
        int groups = 0;
        for (int i = m - 1; i >= 0; i--) if (i == 0 || (keys[i] >> 1) != (keys[i - 1] >> 1)) groups++;
        float[] thr = new float[groups];
        long[] tps = new long[groups], fps = new long[groups];
        long tp = 0, fp = 0;
        int g = 0;
        for (int i = m - 1; i >= 0; i--) {
            if ((keys[i] & 1) != 0) tp++;
            else fp++;
            if (i == 0 || (keys[i] >> 1) != (keys[i - 1] >> 1)) {
                thr[g] = scoreOf(keys[i]);
                tps[g] = tp;
                fps[g] = fp;
                g++;
            }
        }
        return new Clf(thr, tps, fps);
    }

    /**
     * Area under the ROC curve through (0, 0) and every threshold, by the trapezoidal rule:
     * Σ_g (FP_g - FP_{g-1}) (TP_g + TP_{g-1}) / (2 P N), the numerator an exact integer. torchmetrics
     * makes a rate with a zero denominator 0 (and warns), so the area is 0 without positives or without negatives.
     */
    static double auroc(Clf c, String what) {
        long p = c.positives(), n = c.negatives();
        if (p == 0 || n == 0) {
            RankingWarnings.warn(what + ": no " + (p == 0 ? "positive" : "negative") + " samples in targets; the "
                    + (p == 0 ? "true" : "false") + " positive rate is taken as 0 and the AUROC is 0 (torchmetrics)");
            return 0;
        }
        long num = 0, tpPrev = 0, fpPrev = 0;
        for (int g = 0; g < c.tps.length; g++) {
            num += (c.fps[g] - fpPrev) * (c.tps[g] + tpPrev);
            tpPrev = c.tps[g];
            fpPrev = c.fps[g];
        }
        return num / (2.0 * p * n);
    }

    /**
     * Average precision as a step sum over the thresholds, without interpolation:
     * Σ_g (R_g - R_{g-1}) P_g = Σ_g (TP_g - TP_{g-1}) / P · TP_g / (TP_g + FP_g).
     * Without positives, {@code noPositives} (torchmetrics 1.4 and later: 0 for a binary problem or a
     * label, whose recall it sets to 1; NaN for a multiclass class, whose recall is 0/0).
     */
    static double averagePrecision(Clf c, double noPositives, String what) {
        long p = c.positives();
        if (p == 0) {
            RankingWarnings.warn(what + ": no positive samples in targets; recall is undefined, the average precision is " + noPositives + " (torchmetrics)");
            return noPositives;
        }
        double sum = 0;
        long tpPrev = 0;
        for (int g = 0; g < c.tps.length; g++) {
            sum += (double) (c.tps[g] - tpPrev) * ((double) c.tps[g] / (c.tps[g] + c.fps[g]));
            tpPrev = c.tps[g];
        }
        return sum / p;
    }

    /** roc_curve(drop_intermediate=False) with a first point (0, 0) at +Infinity; a rate over 0 is 0. */
    static RocCurve roc(Clf c) {
        int k = c.thresholds.length;
        double[] fpr = new double[k + 1], tpr = new double[k + 1], thr = new double[k + 1];
        long p = c.positives(), n = c.negatives();
        thr[0] = Double.POSITIVE_INFINITY;
        for (int g = 0; g < k; g++) {
            fpr[g + 1] = n == 0 ? 0 : (double) c.fps[g] / n;
            tpr[g + 1] = p == 0 ? 0 : (double) c.tps[g] / p;
            thr[g + 1] = c.thresholds[g];
        }
        return new RocCurve(fpr, tpr, thr);
    }

    /** precision_recall_curve: thresholds increasing, then the point (precision 1, recall 0); recall 1 without positives. */
    static PrecisionRecallCurve precisionRecall(Clf c) {
        int k = c.thresholds.length;
        double[] prec = new double[k + 1], rec = new double[k + 1], thr = new double[k];
        long p = c.positives();
        for (int g = 0; g < k; g++) {
            int i = k - 1 - g;
            prec[i] = (double) c.tps[g] / (c.tps[g] + c.fps[g]);
            rec[i] = p == 0 ? 1 : (double) c.tps[g] / p;
            thr[i] = c.thresholds[g];
        }
        prec[k] = 1;
        rec[k] = 0;
        return new PrecisionRecallCurve(prec, rec, thr);
    }
}
