package org.jgrad.cuda.metrics;

import org.jgrad.backend.BinaryStatsSpec;
import org.jgrad.tensor.DType;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns one {@code binaryStats} call into launches of {@code seg_stats_f32_<target>}: the
 * kernel sees R rows of L contiguous elements, row r at {@code (r / rowsPerImage) * SN +
 * (r % rowsPerImage) * SC}, and adds to group {@code base + image * perImage + channel * perChannel}.
 * Channels removed by {@code ignoreChannels} split the channels into runs of kept ones, one
 * launch per run (usually one). Whole-batch and per-image counts over dense data collapse to
 * a few long rows, so the grid-stride units are long and the atomics few.
 */
public final class SegStatsPlan {
    private SegStatsPlan() {}

    /** The kernel's name for a target dtype. */
    public static String kernel(DType target) {
        return "seg_stats_f32_" + switch (target) {
            case UINT8 -> "u8";
            case INT32 -> "s32";
            case INT64 -> "s64";
            case FLOAT32 -> "f32";
            default -> throw new IllegalArgumentException("targets must be UINT8, INT32, INT64 or FLOAT32, got " + target);
        };
    }

    /**
     * Launches for predictions and targets of {@code shape}, or null when a plane of either is not
     * contiguous (the caller then passes contiguous copies).
     *
     * @param predBase   byte address of the predictions' element 0 (storage + offset * 4)
     * @param targBase   byte address of the targets' element 0
     * @param countsAddr byte address of the INT64 counts [groups, 4]
     */
    public static List<Launch> plan(int[] shape, int[] predStrides, long predBase, int[] targStrides, long targBase,
                                    DType target, BinaryStatsSpec spec, long countsAddr, int multiprocessors) {
        String kernel = kernel(target);
        int tsize = target.byteSize();
        int n = BinaryStatsSpec.images(shape), c = BinaryStatsSpec.channels(shape);
        long plane = BinaryStatsSpec.planeSize(shape);
        int[] map = spec.channelMap(c);
        int kept = spec.keptChannels(c);
        if (!Alignment.innerContiguous(shape, predStrides, Math.min(2, shape.length))
                || !Alignment.innerContiguous(shape, targStrides, Math.min(2, shape.length))) {
            return null;
        }
        // a 1-D [N] tensor: N images of one channel, plane 1
        long pSN = shape.length == 0 ? 0 : predStrides[0], tSN = shape.length == 0 ? 0 : targStrides[0];
        long pSC = shape.length < 2 ? 0 : predStrides[1], tSC = shape.length < 2 ? 0 : targStrides[1];
        float cut = spec.cutoff();
        boolean hasIgnore = spec.hasIgnoreValue() && representable(target, spec.ignoreValue());
        long ignoreBits = target == DType.FLOAT32 ? Float.floatToRawIntBits((float) spec.ignoreValue()) & 0xFFFFFFFFL : spec.ignoreValue();
        List<Launch> out = new ArrayList<>();
        for (int c0 = 0; c0 < c; ) {
            if (map[c0] < 0) { c0++; continue; }
            int c1 = c0;
            while (c1 < c && map[c1] >= 0) c1++;
            int run = c1 - c0;
            long pb = predBase + (long) c0 * pSC * 4, tb = targBase + (long) c0 * tSC * tsize;
            long rows = (long) n * run, rowLen = plane, rpi = run;
            long gBase = 0, gImg = 0, gCh = 0;
            switch (spec.grouping()) {
                case WHOLE -> {}
                case PER_IMAGE -> gImg = 1;
                case PER_CHANNEL -> { gBase = map[c0]; gCh = 1; }
                case PER_IMAGE_CHANNEL -> { gBase = map[c0]; gImg = kept; gCh = 1; }
            }
            long sn = pSN, sc = pSC, tn = tSN, tc = tSC;
            // collapse: the channels of an image are one row when planes follow each other in both
            boolean channelsDense = run == 1 || (pSC == plane && tSC == plane);
            if (channelsDense && (spec.grouping() == BinaryStatsSpec.Grouping.WHOLE || spec.grouping() == BinaryStatsSpec.Grouping.PER_IMAGE)) {
                rows = n;
                rowLen = (long) run * plane;
                rpi = 1;
                sc = 0;
                tc = 0;
                // and the images are one row for whole-batch counts over dense data
                if (spec.grouping() == BinaryStatsSpec.Grouping.WHOLE && (n == 1 || (pSN == rowLen && tSN == rowLen))) {
                    rows = 1;
                    rowLen = (long) n * run * plane;
                    sn = 0;
                    tn = 0;
                }
            }
            boolean vec = Alignment.coAligned(pb, 4, tb, tsize, sn - tn, sc - tc);
            Grid g = Grid.of(rows, rowLen, multiprocessors);
            List<Object> args = List.of(pb, tb, countsAddr, rows, rowLen, rpi, sn, sc, tn, tc,
                    g.chunksPerRow(), g.chunkLen(), gBase, gImg, gCh, cut, hasIgnore ? 1 : 0, ignoreBits, vec ? 1 : 0);
            out.add(new Launch("seg_stats", kernel, g.blocks(), Grid.THREADS, 0, args));
            c0 = c1;
        }
        return out;
    }

    /** Whether a target of this dtype can hold {@code v} (else the ignore value can match nothing, as on the CPU). */
    static boolean representable(DType target, long v) {
        return switch (target) {
            case UINT8 -> v >= 0 && v <= 255;
            case INT32 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            default -> true;
        };
    }
}
