package org.jgrad.backend;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.jgrad.tensor.DType;
import org.jgrad.tensor.View;

/**
 * The CPU metric loops. Both read each input element once: the inputs are cut into chunks, one
 * per task of the shared pool, each task counts into private counters (a private histogram for
 * the confusion matrix) and adds them to the shared ones once at its end. Float32 predictions
 * with uint8 targets (the common segmentation case) take a Vector API loop.
 */
final class CpuMetricKernels {
    private CpuMetricKernels() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Bytes in a vector as wide as F: four times F's lanes, at most 64, so a mask fits a long. */
    private static final VectorSpecies<Byte> BP = byteSpeciesFor(4 * F.length());
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int CHUNK = 1 << 16;
    /** Targets are decoded into this many codes at a time when they are not uint8 without an ignore value. */
    private static final int BLOCK = 2048;

    private static VectorSpecies<Byte> byteSpeciesFor(int lanes) {
        return switch (lanes) {
            case 8 -> ByteVector.SPECIES_64;
            case 16 -> ByteVector.SPECIES_128;
            case 32 -> ByteVector.SPECIES_256;
            default -> ByteVector.SPECIES_512;
        };
    }

    /**
     * A view's elements as one dense primitive array from {@code offset}: the storage's own array
     * when the view is contiguous, else a private copy (a plain array, not a storage: nothing to
     * release and nothing recorded anywhere).
     */
    private record Dense(DType dtype, Object array, int offset) {
        float[] f32() { return (float[]) array; }
        double[] f64() { return (double[]) array; }
        int[] i32() { return (int[]) array; }
        long[] i64() { return (long[]) array; }
        byte[] u8() { return (byte[]) array; }
    }

    private static Dense dense(View v) {
        CpuStorage s = (CpuStorage) v.storage();
        if (v.isContiguous()) return new Dense(v.dtype(), s.array(), v.offset());
        int n = v.numel();
        Object src = s.array();
        Object dst = v.dtype().newArray(n);
        int[] shape = v.shape(), strides = v.strides();
        int rank = shape.length;
        int[] idx = new int[rank];
        for (int i = 0; i < n; i++) {
            int p = v.offset();
            for (int d = 0; d < rank; d++) p += idx[d] * strides[d];
            System.arraycopy(src, p, dst, i, 1);
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return new Dense(v.dtype(), dst, 0);
    }

    // ------------------------------------------------------------------ binary statistics

    static void binaryStats(View predsIn, View targetsIn, BinaryStatsSpec spec, View counts) {
        Dense preds = dense(predsIn), targets = dense(targetsIn);
        int[] shape = predsIn.shape();
        int n = BinaryStatsSpec.images(shape), c = BinaryStatsSpec.channels(shape), s = BinaryStatsSpec.planeSize(shape);
        int[] map = spec.channelMap(c);
        int kept = spec.keptChannels(c);
        int groups = spec.groups(shape);
        int[] planeGroup = new int[n * c];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) planeGroup[i * c + j] = map[j] < 0 ? -1 : spec.group(i, map[j], kept);
        }
        float cut = spec.cutoff();
        float[] x = preds.f32();
        int xo = preds.offset();
        Dense ts = targets;
        int to = targets.offset();
        long total = (long) n * c * s;
        long[] shared = new long[groups * 4]; // tp, predicted positive, target positive, valid
        if (total > 0) { // a NaN cutoff (nothing positive) needs no special case: x >= NaN is false
            int chunks = (int) Math.min(Integer.MAX_VALUE, (total + CHUNK - 1) / CHUNK);
            Parallel.forRange(chunks, 1, (clo, chi) -> {
                long[] local = new long[groups * 4];
                byte[] codes = new byte[BLOCK];
                long lo = (long) clo * CHUNK, hi = Math.min(total, (long) chi * CHUNK);
                long pos = lo;
                while (pos < hi) {
                    int plane = (int) (pos / s);
                    long planeEnd = Math.min(hi, (long) (plane + 1) * s);
                    int g = planeGroup[plane];
                    int len = (int) (planeEnd - pos);
                    if (g >= 0) segment(x, xo + (int) pos, ts, to + (int) pos, len, cut, spec, codes, local, g * 4);
                    pos = planeEnd;
                }
                synchronized (shared) {
                    for (int i = 0; i < shared.length; i++) shared[i] += local[i];
                }
            });
        }
        long[] out = ((CpuStorage) counts.storage()).i64();
        int oo = counts.offset();
        for (int g = 0; g < groups; g++) {
            long tp = shared[g * 4], pp = shared[g * 4 + 1], tpos = shared[g * 4 + 2], valid = shared[g * 4 + 3];
            out[oo + g * 4] += tp;
            out[oo + g * 4 + 1] += pp - tp;
            out[oo + g * 4 + 2] += tpos - tp;
            out[oo + g * 4 + 3] += valid - pp - tpos + tp;
        }
    }

    /** Adds (tp, predicted positive, target positive, valid) of one run inside one plane to acc[at..at+3]. */
    private static void segment(float[] x, int xo, Dense ts, int to, int len, float cut, BinaryStatsSpec spec,
                                byte[] codes, long[] acc, int at) {
        if (ts.dtype() == DType.UINT8) {
            long iv = spec.ignoreValue();
            if (!spec.hasIgnoreValue() || iv < 0 || iv > 255) { // an ignore value a byte cannot hold ignores nothing
                segmentU8(x, xo, ts.u8(), to, len, cut, acc, at, false, (byte) 0);
            } else {
                segmentU8(x, xo, ts.u8(), to, len, cut, acc, at, true, (byte) iv);
            }
            return;
        }
        long tp = 0, pp = 0, tt = 0, valid = 0;
        for (int done = 0; done < len; done += BLOCK) {
            int m = Math.min(BLOCK, len - done);
            decode(ts, to + done, m, spec, codes);
            int base = xo + done;
            for (int i = 0; i < m; i++) {
                int code = codes[i];
                if (code == 2) continue;
                int p = x[base + i] >= cut ? 1 : 0;
                tp += p & code;
                pp += p;
                tt += code;
                valid++;
            }
        }
        acc[at] += tp;
        acc[at + 1] += pp;
        acc[at + 2] += tt;
        acc[at + 3] += valid;
    }

    /**
     * The hot path: float32 predictions, uint8 targets (an ignore value costs one more compare). Each step reads four float
     * vectors and one byte vector of as many lanes, turns the comparisons into bit masks (one bit
     * per pixel, at most 64) and counts with popcount: no mask conversion between lane sizes.
     */
    private static void segmentU8(float[] x, int xo, byte[] t, int to, int len, float cut, long[] acc, int at,
                                  boolean ignore, byte ignoreValue) {
        int l = F.length(), step = 4 * l; // BP has 4 * l byte lanes: the same bit size as F
        int i = 0;
        long tp = 0, pp = 0, tt = 0, ignored = 0;
        FloatVector cv = FloatVector.broadcast(F, cut);
        for (; i + step <= len; i += step) {
            ByteVector tv = ByteVector.fromArray(BP, t, to + i);
            long q = tv.compare(VectorOperators.NE, (byte) 0).toLong();
            long keep = -1L;
            if (ignore) {
                long ig = tv.compare(VectorOperators.EQ, ignoreValue).toLong();
                ignored += Long.bitCount(ig);
                keep = ~ig;
                q &= keep;
            }
            int xi = xo + i;
            long p = FloatVector.fromArray(F, x, xi).compare(VectorOperators.GE, cv).toLong()
                    | FloatVector.fromArray(F, x, xi + l).compare(VectorOperators.GE, cv).toLong() << l
                    | FloatVector.fromArray(F, x, xi + 2 * l).compare(VectorOperators.GE, cv).toLong() << (2 * l)
                    | FloatVector.fromArray(F, x, xi + 3 * l).compare(VectorOperators.GE, cv).toLong() << (3 * l);
            p &= keep;
            tp += Long.bitCount(p & q);
            pp += Long.bitCount(p);
            tt += Long.bitCount(q);
        }
        for (; i < len; i++) {
            if (ignore && t[to + i] == ignoreValue) {
                ignored++;
                continue;
            }
            int p = x[xo + i] >= cut ? 1 : 0;
            int q = t[to + i] != 0 ? 1 : 0;
            tp += p & q;
            pp += p;
            tt += q;
        }
        acc[at] += tp;
        acc[at + 1] += pp;
        acc[at + 2] += tt;
        acc[at + 3] += len - ignored;
    }

    /** Codes for len targets from index off: 0 negative, 1 positive (!= 0), 2 ignored. */
    private static void decode(Dense ts, int off, int len, BinaryStatsSpec spec, byte[] codes) {
        boolean ig = spec.hasIgnoreValue();
        long iv = spec.ignoreValue();
        switch (ts.dtype()) {
            case UINT8 -> {
                byte[] a = ts.u8();
                for (int i = 0; i < len; i++) {
                    int v = a[off + i] & 0xFF;
                    codes[i] = (byte) (ig && v == iv ? 2 : v != 0 ? 1 : 0);
                }
            }
            case INT32 -> {
                int[] a = ts.i32();
                for (int i = 0; i < len; i++) {
                    int v = a[off + i];
                    codes[i] = (byte) (ig && v == iv ? 2 : v != 0 ? 1 : 0);
                }
            }
            case INT64 -> {
                long[] a = ts.i64();
                for (int i = 0; i < len; i++) {
                    long v = a[off + i];
                    codes[i] = (byte) (ig && v == iv ? 2 : v != 0 ? 1 : 0);
                }
            }
            case FLOAT32 -> {
                float[] a = ts.f32();
                for (int i = 0; i < len; i++) {
                    float v = a[off + i];
                    codes[i] = (byte) (ig && v == (float) iv ? 2 : v != 0 ? 1 : 0);
                }
            }
            case FLOAT64 -> {
                double[] a = ts.f64();
                for (int i = 0; i < len; i++) {
                    double v = a[off + i];
                    codes[i] = (byte) (ig && v == (double) iv ? 2 : v != 0 ? 1 : 0);
                }
            }
        }
    }

    // ------------------------------------------------------------------ confusion histogram

    /** Reads len integer labels from index off into buf. */
    private static void readLabels(Dense st, int off, int len, long[] buf) {
        switch (st.dtype()) {
            case UINT8 -> { byte[] a = st.u8(); for (int i = 0; i < len; i++) buf[i] = a[off + i] & 0xFF; }
            case INT32 -> { int[] a = st.i32(); for (int i = 0; i < len; i++) buf[i] = a[off + i]; }
            case INT64 -> System.arraycopy(st.i64(), off, buf, 0, len);
            default -> throw new IllegalArgumentException("labels must be UINT8, INT32 or INT64, got " + st.dtype());
        }
    }

    static void confusionFromLogits(View logitsIn, View targetsIn, long ignore, View hist, View bad) {
        Dense logits = dense(logitsIn), targets = dense(targetsIn);
        int[] shape = logitsIn.shape();
        int n = shape[0], c = shape[1], s = BinaryStatsSpec.planeSize(shape);
        float[] x = logits.f32();
        int xo = logits.offset();
        Dense ts = targets;
        int to = targets.offset();
        long[] shared = new long[c * c];
        long[] sharedBad = new long[1];
        int blk = s == 1 ? 1 : BLOCK;
        int blocksPerImage = s == 1 ? 1 : (s + blk - 1) / blk;
        // tasks: for [N, C] inputs one task per run of images, else (image, spatial block) pairs
        int tasks = s == 1 ? (n + BLOCK - 1) / BLOCK : n * blocksPerImage;
        Parallel.forRange(tasks, 1, (lo, hi) -> {
            int[] local = new int[COPIES * c * c];
            long localBad = 0;
            float[] best = new float[BLOCK];
            int[] idx = new int[BLOCK];
            long[] tb = ts.dtype() == DType.INT64 ? null : new long[BLOCK];
            for (int task = lo; task < hi; task++) {
                int first, m; // the block's first position (image-major) and its length
                if (s == 1) {
                    first = task * BLOCK;
                    m = Math.min(BLOCK, n - first);
                    for (int r = 0; r < m; r++) idx[r] = stridedArgmax(x, xo + (first + r) * c, 1, c);
                } else {
                    int img = task / blocksPerImage, start = task % blocksPerImage * blk;
                    first = img * s + start;
                    m = Math.min(blk, s - start);
                    blockArgmax(x, xo + img * c * s + start, s, c, m, best, idx);
                }
                if (tb == null) {
                    localBad += histogram(local, c, idx, ts.i64(), to + first, m, ignore);
                } else {
                    readLabels(ts, to + first, m, tb);
                    localBad += histogram(local, c, idx, tb, 0, m, ignore);
                }
            }
            synchronized (shared) {
                for (int i = 0; i < local.length; i++) shared[i % shared.length] += local[i];
                sharedBad[0] += localBad;
            }
        });
        addInto(hist, shared);
        ((CpuStorage) bad.storage()).i64()[bad.offset()] += sharedBad[0];
    }

    /** First maximum of the c values x[base], x[base + s], ..., NaN counting as the maximum (first NaN wins). */
    private static int stridedArgmax(float[] x, int base, int s, int c) {
        float best = x[base];
        int bi = 0;
        for (int k = 1; k < c && best == best; k++) {
            float v = x[base + k * s];
            if (v > best || v != v) {
                best = v;
                bi = k;
            }
        }
        return bi;
    }

    /** Class planes folded into the running maximum per pass over a block (the first pass also starts from plane 0). */
    private static final int PLANES_PER_PASS = 4;

    /**
     * For m positions of one image, the argmax over c class planes that are s apart, vectorised
     * across positions. Planes are folded in passes of {@link #PLANES_PER_PASS}: within a pass the
     * running maximum and its class stay in registers (two vectors of positions at a time) and
     * only go through {@code best}/{@code idx} between passes, so each logit costs a load, two
     * compares and two blends. Strict {@code >} keeps the first maximum; it is the exact rule
     * only without NaN (NaN counts as the maximum, first NaN wins, as torch.argmax), so every
     * logit is also tested for NaN and a block that holds one is redone with the exact scalar
     * rule. Results are the same as the scalar rule for every input.
     */
    private static void blockArgmax(float[] x, int base, int s, int c, int m, float[] best, int[] idx) {
        int l = F.length(), step = 2 * l;
        int bound = I.length() == l ? m - m % step : 0; // float and int lanes must pair up
        VectorMask<Float> nan = F.maskAll(false);
        int k1 = Math.min(c, PLANES_PER_PASS + 1);
        for (int j = 0; j < bound; j += step) {
            int p = base + j;
            FloatVector b0 = FloatVector.fromArray(F, x, p), b1 = FloatVector.fromArray(F, x, p + l);
            IntVector i0 = IntVector.zero(I), i1 = i0;
            nan = nan.or(b0.compare(VectorOperators.NE, b0)).or(b1.compare(VectorOperators.NE, b1));
            for (int k = 1; k < k1; k++) {
                int q = p + k * s;
                FloatVector v0 = FloatVector.fromArray(F, x, q), v1 = FloatVector.fromArray(F, x, q + l);
                VectorMask<Float> t0 = v0.compare(VectorOperators.GT, b0), t1 = v1.compare(VectorOperators.GT, b1);
                nan = nan.or(v0.compare(VectorOperators.NE, v0)).or(v1.compare(VectorOperators.NE, v1));
                IntVector kv = IntVector.broadcast(I, k);
                b0 = b0.blend(v0, t0);
                b1 = b1.blend(v1, t1);
                i0 = i0.blend(kv, t0.cast(I));
                i1 = i1.blend(kv, t1.cast(I));
            }
            b0.intoArray(best, j);
            b1.intoArray(best, j + l);
            i0.intoArray(idx, j);
            i1.intoArray(idx, j + l);
        }
        for (int k0 = k1; k0 < c; k0 += PLANES_PER_PASS) {
            int kEnd = Math.min(c, k0 + PLANES_PER_PASS);
            for (int j = 0; j < bound; j += step) {
                int p = base + j;
                FloatVector b0 = FloatVector.fromArray(F, best, j), b1 = FloatVector.fromArray(F, best, j + l);
                IntVector i0 = IntVector.fromArray(I, idx, j), i1 = IntVector.fromArray(I, idx, j + l);
                for (int k = k0; k < kEnd; k++) {
                    int q = p + k * s;
                    FloatVector v0 = FloatVector.fromArray(F, x, q), v1 = FloatVector.fromArray(F, x, q + l);
                    VectorMask<Float> t0 = v0.compare(VectorOperators.GT, b0), t1 = v1.compare(VectorOperators.GT, b1);
                    nan = nan.or(v0.compare(VectorOperators.NE, v0)).or(v1.compare(VectorOperators.NE, v1));
                    IntVector kv = IntVector.broadcast(I, k);
                    b0 = b0.blend(v0, t0);
                    b1 = b1.blend(v1, t1);
                    i0 = i0.blend(kv, t0.cast(I));
                    i1 = i1.blend(kv, t1.cast(I));
                }
                b0.intoArray(best, j);
                b1.intoArray(best, j + l);
                i0.intoArray(idx, j);
                i1.intoArray(idx, j + l);
            }
        }
        int from = nan.anyTrue() ? 0 : bound; // a NaN anywhere in the block: the exact rule for all of it
        for (int j = from; j < m; j++) idx[j] = stridedArgmax(x, base + j, s, c);
    }

    /** Copies of the private histogram, so that runs of one (true, predicted) pair — a dominant
     *  background — do not serialise on one counter's store-to-load latency. */
    static final int COPIES = 4;

    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;

    /**
     * Adds m (target, predicted) pairs — targets tgt[off..off+m) — to a private histogram of
     * {@link #COPIES} interleaved copies; returns how many targets were out of range. A block
     * whose targets are all in [0, c) (checked with one vectorised unsigned compare) and that
     * cannot contain the ignore value takes a loop without per-element checks.
     */
    private static long histogram(int[] local, int c, int[] pred, long[] tgt, int off, int m, long ignore) {
        int cc = c * c;
        boolean clean = ignore < 0 || ignore >= c;
        if (clean) {
            LongVector cv = LongVector.broadcast(L, c);
            VectorMask<Long> out = L.maskAll(false);
            int l = L.length(), j = 0;
            for (; j + l <= m; j += l) out = out.or(LongVector.fromArray(L, tgt, off + j).compare(VectorOperators.UGE, cv));
            clean = !out.anyTrue();
            for (; j < m && clean; j++) clean = tgt[off + j] >= 0 && tgt[off + j] < c;
        }
        if (clean) {
            int j = 0;
            for (; j + COPIES <= m; j += COPIES) { // COPIES == 4
                local[(int) tgt[off + j] * c + pred[j]]++;
                local[cc + (int) tgt[off + j + 1] * c + pred[j + 1]]++;
                local[2 * cc + (int) tgt[off + j + 2] * c + pred[j + 2]]++;
                local[3 * cc + (int) tgt[off + j + 3] * c + pred[j + 3]]++;
            }
            for (; j < m; j++) local[(int) tgt[off + j] * c + pred[j]]++;
            return 0;
        }
        long bad = 0;
        for (int j = 0; j < m; j++) {
            long t = tgt[off + j];
            if (t < 0 || t >= c) {
                if (t != ignore) bad++;
                continue;
            }
            if (t == ignore) continue;
            local[(j & (COPIES - 1)) * cc + (int) t * c + pred[j]]++;
        }
        return bad;
    }

    static void confusionFromLabels(View predsIn, View targetsIn, long ignore, View hist, View bad) {
        Dense preds = dense(predsIn), targets = dense(targetsIn);
        int c = hist.size(0);
        int total = predsIn.numel();
        Dense ps = preds, ts = targets;
        int po = preds.offset(), to = targets.offset();
        long[] shared = new long[c * c];
        long[] sharedBad = new long[1];
        int tasks = (total + BLOCK - 1) / BLOCK;
        Parallel.forRange(tasks, 16, (lo, hi) -> {
            int[] local = new int[c * c];
            long localBad = 0;
            long[] pb = new long[BLOCK], tb = new long[BLOCK];
            for (int task = lo; task < hi; task++) {
                int first = task * BLOCK, m = Math.min(BLOCK, total - first);
                readLabels(ps, po + first, m, pb);
                readLabels(ts, to + first, m, tb);
                for (int j = 0; j < m; j++) {
                    long t = tb[j], p = pb[j];
                    if (t == ignore) continue;
                    if (t < 0 || t >= c || p < 0 || p >= c) {
                        localBad++;
                        continue;
                    }
                    local[(int) t * c + (int) p]++;
                }
            }
            synchronized (shared) {
                for (int i = 0; i < shared.length; i++) shared[i] += local[i];
                sharedBad[0] += localBad;
            }
        });
        addInto(hist, shared);
        ((CpuStorage) bad.storage()).i64()[bad.offset()] += sharedBad[0];
    }

    private static void addInto(View hist, long[] add) {
        long[] h = ((CpuStorage) hist.storage()).i64();
        int o = hist.offset();
        for (int i = 0; i < add.length; i++) h[o + i] += add[i];
    }
}
